-- step 1: drop index uq_users_email on users
DROP INDEX uq_users_email ON users;

-- migrate:down
-- step 1: drop index uq_users_email on users
CREATE UNIQUE INDEX uq_users_email ON users (email);
