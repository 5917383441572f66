-- step 1: rename table users to members
ALTER TABLE users RENAME TO members;

-- migrate:down
-- step 1: rename table users to members
ALTER TABLE members RENAME TO users;
