-- step 1: alter column users.nick: type VARCHAR(20) -> VARCHAR(200)
CREATE TABLE _alembic_tmp_users (
    id INTEGER NOT NULL, 
    email VARCHAR(100) NOT NULL, 
    nick VARCHAR(200), 
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
-- step 1: alter column users.nick: type VARCHAR(20) -> VARCHAR(200)
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
