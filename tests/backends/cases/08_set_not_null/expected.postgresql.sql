-- step 1: alter column users.age: set NOT NULL
ALTER TABLE users ALTER COLUMN age SET NOT NULL;

-- migrate:down
-- step 1: alter column users.age: set NOT NULL
ALTER TABLE users ALTER COLUMN age DROP NOT NULL;
