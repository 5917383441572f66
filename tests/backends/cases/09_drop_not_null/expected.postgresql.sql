-- step 1: alter column users.email: allow NULL
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;

-- migrate:down
-- step 1: alter column users.email: allow NULL
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
