-- step 1: add column users.plan VARCHAR(20) NOT NULL DEFAULT 'free'
ALTER TABLE users ADD COLUMN plan VARCHAR(20) NOT NULL DEFAULT 'free';

-- migrate:down
-- step 1: add column users.plan VARCHAR(20) NOT NULL DEFAULT 'free'
ALTER TABLE users DROP COLUMN plan;
