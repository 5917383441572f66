-- step 1: drop unique constraint uq_users_email (email) from users
ALTER TABLE users DROP CONSTRAINT uq_users_email;

-- migrate:down
-- step 1: drop unique constraint uq_users_email (email) from users
ALTER TABLE users ADD CONSTRAINT uq_users_email UNIQUE (email);
