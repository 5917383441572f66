-- step 1: back up users (score) by key into _dbwork_bak_VERSION_1
CREATE TABLE _dbwork_bak_VERSION_1 AS SELECT id, score FROM users;
CREATE INDEX _dbwork_bak_VERSION_1_key ON _dbwork_bak_VERSION_1 (id);

-- step 2: alter column users.score: type NUMERIC(10, 2) -> INTEGER
ALTER TABLE users MODIFY score INTEGER NULL;

-- migrate:down
-- step 2: alter column users.score: type NUMERIC(10, 2) -> INTEGER
ALTER TABLE users MODIFY score NUMERIC(10, 2) NULL;

-- step 1: back up users (score) by key into _dbwork_bak_VERSION_1
UPDATE users JOIN _dbwork_bak_VERSION_1 AS bak ON users.id = bak.id SET users.score = bak.score;
DROP TABLE _dbwork_bak_VERSION_1;
