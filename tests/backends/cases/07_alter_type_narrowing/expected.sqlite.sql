-- step 1: back up users (score) by key into _dbwork_bak_VERSION_1
CREATE TABLE _dbwork_bak_VERSION_1 AS SELECT id, score FROM users;
CREATE INDEX _dbwork_bak_VERSION_1_key ON _dbwork_bak_VERSION_1 (id);

-- step 2: alter column users.score: type NUMERIC(10, 2) -> INTEGER
CREATE TABLE _alembic_tmp_users (
    id INTEGER NOT NULL, 
    email VARCHAR(100) NOT NULL, 
    nick VARCHAR(20), 
    age INTEGER, 
    score INTEGER, 
    status VARCHAR(10) DEFAULT 'new', 
    PRIMARY KEY (id)
);
INSERT INTO _alembic_tmp_users (id, email, nick, age, score, status) SELECT users.id, users.email, users.nick, users.age, CAST(users.score AS INTEGER) AS score, users.status 
FROM users;
DROP TABLE users;
ALTER TABLE _alembic_tmp_users RENAME TO users;

-- migrate:down
-- step 2: alter column users.score: type NUMERIC(10, 2) -> INTEGER
CREATE TABLE _alembic_tmp_users (
    id INTEGER NOT NULL, 
    email VARCHAR(100) NOT NULL, 
    nick VARCHAR(20), 
    age INTEGER, 
    score NUMERIC(10, 2), 
    status VARCHAR(10) DEFAULT 'new', 
    PRIMARY KEY (id)
);
INSERT INTO _alembic_tmp_users (id, email, nick, age, score, status) SELECT users.id, users.email, users.nick, users.age, CAST(users.score AS NUMERIC(10, 2)) AS score, users.status 
FROM users;
DROP TABLE users;
ALTER TABLE _alembic_tmp_users RENAME TO users;

-- step 1: back up users (score) by key into _dbwork_bak_VERSION_1
UPDATE users SET score = bak.score FROM _dbwork_bak_VERSION_1 AS bak WHERE users.id = bak.id;
DROP TABLE _dbwork_bak_VERSION_1;
