"""Live database -> neutral model, one module per backend (the I/O edge)."""
