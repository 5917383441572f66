-- step 1: back up users (email) by key into _dbwork_bak_VERSION_1
CREATE TABLE _dbwork_bak_VERSION_1 AS SELECT id, email FROM users;
CREATE INDEX _dbwork_bak_VERSION_1_key ON _dbwork_bak_VERSION_1 (id);

-- step 2: alter column users.email: type VARCHAR(100) -> VARCHAR(50)
CREATE TABLE _alembic_tmp_users (
    id INTEGER NOT NULL, 
    email VARCHAR(50) NOT NULL, 
    nick VARCHAR(20), 
    age INTEGER, 
    score NUMERIC(10, 2), 
    status VARCHAR(10) DEFAULT 'new', 
    PRIMARY KEY (id)
);
INSERT INTO _alembic_tmp_users (id, email, nick, age, score, status) SELECT users.id, users.email, users.nick, users.age, users.score, users.status 
FROM users;
DROP TABLE users;
ALTER TABLE _alembic_tmp_users RENAME TO users;

-- migrate:down
-- step 2: alter column users.email: type VARCHAR(100) -> VARCHAR(50)
CREATE TABLE _alembic_tmp_users (
    id INTEGER NOT NULL, 
    email VARCHAR(100) NOT NULL, 
    nick VARCHAR(20), 
    age INTEGER, 
    score NUMERIC(10, 2), 
    status VARCHAR(10) DEFAULT 'new', 
    PRIMARY KEY (id)
);
INSERT INTO _alembic_tmp_users (id, email, nick, age, score, status) SELECT users.id, users.email, users.nick, users.age, users.score, users.status 
FROM users;
DROP TABLE users;
ALTER TABLE _alembic_tmp_users RENAME TO users;

-- step 1: back up users (email) by key into _dbwork_bak_VERSION_1
UPDATE users SET email = bak.email FROM _dbwork_bak_VERSION_1 AS bak WHERE users.id = bak.id;
CREATE TEMPORARY TABLE _dbwork_chk_VERSION_1 (ok INTEGER, CONSTRAINT restore_differs_from__dbwork_bak_VERSION_1 CHECK (ok = 1));
INSERT INTO _dbwork_chk_VERSION_1 (ok) SELECT CASE WHEN EXISTS (SELECT 1 FROM users JOIN _dbwork_bak_VERSION_1 AS bak ON users.id = bak.id WHERE NOT ((users.email IS bak.email AND typeof(users.email) = typeof(bak.email)))) THEN 0 ELSE 1 END;
DROP TABLE _dbwork_chk_VERSION_1;
DROP TABLE _dbwork_bak_VERSION_1;
