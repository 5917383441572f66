-- step 1: rename column users.nick to handle
ALTER TABLE users RENAME COLUMN nick TO handle;

-- migrate:down
-- step 1: rename column users.nick to handle
ALTER TABLE users RENAME COLUMN handle TO nick;
