-- step 1: back up users (nick) by key into _dbwork_bak_VERSION_1
CREATE TABLE _dbwork_bak_VERSION_1 AS SELECT id, nick FROM users;
CREATE INDEX _dbwork_bak_VERSION_1_key ON _dbwork_bak_VERSION_1 (id);

-- step 2: drop column users.nick (VARCHAR(20)) and its values
CREATE TABLE _alembic_tmp_users (
    id INTEGER NOT NULL, 
    email VARCHAR(100) NOT NULL, 
    age INTEGER, 
    score NUMERIC(10, 2), 
    status VARCHAR(10) DEFAULT 'new', 
    PRIMARY KEY (id)
);
INSERT INTO _alembic_tmp_users (id, email, age, score, status) SELECT users.id, users.email, users.age, users.score, users.status 
FROM users;
DROP TABLE users;
ALTER TABLE _alembic_tmp_users RENAME TO users;

-- migrate:down
-- step 2: drop column users.nick (VARCHAR(20)) and its values
CREATE TABLE _alembic_tmp_users (
    id INTEGER NOT NULL, 
    email VARCHAR(100) NOT NULL, 
    nick VARCHAR(20), 
    age INTEGER, 
    score NUMERIC(10, 2), 
    status VARCHAR(10) DEFAULT 'new', 
    PRIMARY KEY (id)
);
INSERT INTO _alembic_tmp_users (id, email, age, score, status) SELECT users.id, users.email, users.age, users.score, users.status 
FROM users;
DROP TABLE users;
ALTER TABLE _alembic_tmp_users RENAME TO users;

-- step 1: back up users (nick) by key into _dbwork_bak_VERSION_1
UPDATE users SET nick = bak.nick FROM _dbwork_bak_VERSION_1 AS bak WHERE users.id = bak.id;
DROP TABLE _dbwork_bak_VERSION_1;
