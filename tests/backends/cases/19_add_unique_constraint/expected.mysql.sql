-- step 1: add unique constraint uq_users_email (email) to users
ALTER TABLE users ADD CONSTRAINT uq_users_email UNIQUE (email);

-- migrate:down
-- step 1: add unique constraint uq_users_email (email) to users
ALTER TABLE users DROP INDEX uq_users_email;
