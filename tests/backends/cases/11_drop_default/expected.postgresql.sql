-- step 1: alter column users.status: default 'new' -> None
ALTER TABLE users ALTER COLUMN status DROP DEFAULT;

-- migrate:down
-- step 1: alter column users.status: default 'new' -> None
ALTER TABLE users ALTER COLUMN status SET DEFAULT 'new';
