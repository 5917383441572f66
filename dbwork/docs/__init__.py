"""Plans and schemas as documents: the inline migration card, markdown (pure)."""
