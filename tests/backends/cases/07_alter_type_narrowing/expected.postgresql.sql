-- step 1: back up users (email) by key into _dbwork_bak_VERSION_1
CREATE TABLE _dbwork_bak_VERSION_1 AS SELECT id, email FROM users;
CREATE INDEX _dbwork_bak_VERSION_1_key ON _dbwork_bak_VERSION_1 (id);

-- step 2: alter column users.email: type VARCHAR(100) -> VARCHAR(50)
ALTER TABLE users ALTER COLUMN email TYPE VARCHAR(50);

-- migrate:down
-- step 2: alter column users.email: type VARCHAR(100) -> VARCHAR(50)
ALTER TABLE users ALTER COLUMN email TYPE VARCHAR(100);

-- step 1: back up users (email) by key into _dbwork_bak_VERSION_1
UPDATE users SET email = bak.email FROM _dbwork_bak_VERSION_1 AS bak WHERE users.id = bak.id;
DROP TABLE _dbwork_bak_VERSION_1;
