-- step 1: alter column users.age: set NOT NULL
ALTER TABLE users MODIFY age INTEGER NOT NULL;

-- migrate:down
-- step 1: alter column users.age: set NOT NULL
ALTER TABLE users MODIFY age INTEGER NULL;
