-- step 1: alter column users.email: allow NULL
ALTER TABLE users MODIFY email VARCHAR(100) NULL;

-- migrate:down
-- step 1: alter column users.email: allow NULL
ALTER TABLE users MODIFY email VARCHAR(100) NOT NULL;
