-- step 1: drop index ux_users_email on users
DROP INDEX CONCURRENTLY ux_users_email;

-- migrate:down
-- step 1: drop index ux_users_email on users
CREATE UNIQUE INDEX CONCURRENTLY ux_users_email ON users (email);
