-- step 1: add check constraint ck_users_age (age >= 0) to users
CREATE TABLE _alembic_tmp_users (
    id INTEGER NOT NULL, 
    email VARCHAR(100) NOT NULL, 
    nick VARCHAR(20), 
    age INTEGER, 
    score NUMERIC(10, 2), 
    status VARCHAR(10) DEFAULT 'new', 
    PRIMARY KEY (id), 
    CONSTRAINT ck_users_age CHECK (age >= 0)
);
INSERT INTO _alembic_tmp_users (id, email, nick, age, score, status) SELECT users.id, users.email, users.nick, users.age, users.score, users.status 
FROM users;
DROP TABLE users;
ALTER TABLE _alembic_tmp_users RENAME TO users;

-- migrate:down
-- step 1: add check constraint ck_users_age (age >= 0) to users
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
