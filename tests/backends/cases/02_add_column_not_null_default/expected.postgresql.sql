-- step 1: add column users.plan VARCHAR(20) NOT NULL DEFAULT 'free'
ALTER TABLE users ADD COLUMN plan VARCHAR(20) DEFAULT 'free' NOT NULL;

-- migrate:down
-- step 1: add column users.plan VARCHAR(20) NOT NULL DEFAULT 'free'
ALTER TABLE users DROP COLUMN plan;
