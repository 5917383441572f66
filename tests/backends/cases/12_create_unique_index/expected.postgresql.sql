-- step 1: create unique index ux_users_email on users (email)
CREATE UNIQUE INDEX CONCURRENTLY ux_users_email ON users (email);

-- migrate:down
-- step 1: create unique index ux_users_email on users (email)
DROP INDEX CONCURRENTLY ux_users_email;
