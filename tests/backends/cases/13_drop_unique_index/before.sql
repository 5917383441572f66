CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(100) NOT NULL, nick VARCHAR(20), age INTEGER, score NUMERIC(10, 2), status VARCHAR(10) DEFAULT 'new');
CREATE UNIQUE INDEX ux_users_email ON users (email);
