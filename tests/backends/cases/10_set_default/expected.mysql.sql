-- step 1: alter column users.age: default None -> 18
ALTER TABLE users ALTER COLUMN age SET DEFAULT 18;

-- migrate:down
-- step 1: alter column users.age: default None -> 18
ALTER TABLE users ALTER COLUMN age DROP DEFAULT;
