-- step 1: back up users (score) by key into _dbwork_bak_VERSION_1
CREATE TABLE _dbwork_bak_VERSION_1 AS SELECT id, score FROM users;
CREATE INDEX _dbwork_bak_VERSION_1_key ON _dbwork_bak_VERSION_1 (id);

-- step 2: alter column users.score: type NUMERIC(10, 2) -> INTEGER
ALTER TABLE users ALTER COLUMN score TYPE INTEGER USING "score"::INTEGER;

-- migrate:down
-- step 2: alter column users.score: type NUMERIC(10, 2) -> INTEGER
ALTER TABLE users ALTER COLUMN score TYPE NUMERIC(10, 2) USING "score"::NUMERIC(10, 2);

-- step 1: back up users (score) by key into _dbwork_bak_VERSION_1
UPDATE users SET score = bak.score FROM _dbwork_bak_VERSION_1 AS bak WHERE users.id = bak.id;
DROP TABLE _dbwork_bak_VERSION_1;
