-- step 1: rename column users.nick to handle
ALTER TABLE users CHANGE nick handle VARCHAR(20) NULL;

-- migrate:down
-- step 1: rename column users.nick to handle
ALTER TABLE users CHANGE handle nick VARCHAR(20) NULL;
