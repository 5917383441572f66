-- step 1: create index ix_users_active on users (email)
CREATE INDEX CONCURRENTLY ix_users_active ON users (email) WHERE status = 'new';

-- migrate:down
-- step 1: create index ix_users_active on users (email)
DROP INDEX CONCURRENTLY ix_users_active;
