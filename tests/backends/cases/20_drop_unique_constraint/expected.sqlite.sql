-- step 1: drop unique constraint uq_users_email (email) from users
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

-- migrate:down
-- step 1: drop unique constraint uq_users_email (email) from users
CREATE TABLE _alembic_tmp_users (
    id INTEGER NOT NULL, 
    email VARCHAR(100) NOT NULL, 
    nick VARCHAR(20), 
    age INTEGER, 
    score NUMERIC(10, 2), 
    status VARCHAR(10) DEFAULT 'new', 
    PRIMARY KEY (id), 
    CONSTRAINT uq_users_email UNIQUE (email)
);
INSERT INTO _alembic_tmp_users (id, email, nick, age, score, status) SELECT users.id, users.email, users.nick, users.age, users.score, users.status 
FROM users;
DROP TABLE users;
ALTER TABLE _alembic_tmp_users RENAME TO users;
