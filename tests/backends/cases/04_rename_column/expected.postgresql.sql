-- step 1: rename column users.nick to handle
ALTER TABLE users RENAME nick TO handle;

-- migrate:down
-- step 1: rename column users.nick to handle
ALTER TABLE users RENAME handle TO nick;
