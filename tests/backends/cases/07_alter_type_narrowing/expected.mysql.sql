-- step 1: back up users (email) by key into _dbwork_bak_VERSION_1
CREATE TABLE _dbwork_bak_VERSION_1 AS SELECT id, email FROM users;
CREATE INDEX _dbwork_bak_VERSION_1_key ON _dbwork_bak_VERSION_1 (id);

-- step 2: alter column users.email: type VARCHAR(100) -> VARCHAR(50)
ALTER TABLE users MODIFY email VARCHAR(50) NOT NULL;

-- migrate:down
-- step 2: alter column users.email: type VARCHAR(100) -> VARCHAR(50)
ALTER TABLE users MODIFY email VARCHAR(100) NOT NULL;

-- step 1: back up users (email) by key into _dbwork_bak_VERSION_1
UPDATE users JOIN _dbwork_bak_VERSION_1 AS bak ON users.id = bak.id SET users.email = bak.email;
CREATE TEMPORARY TABLE _dbwork_chk_VERSION_1 (ok INTEGER, CONSTRAINT restore_differs_from__dbwork_bak_VERSION_1 CHECK (ok = 1));
INSERT INTO _dbwork_chk_VERSION_1 (ok) SELECT CASE WHEN EXISTS (SELECT 1 FROM users JOIN _dbwork_bak_VERSION_1 AS bak ON users.id = bak.id WHERE NOT (CAST(users.email AS BINARY) <=> CAST(bak.email AS BINARY))) THEN 0 ELSE 1 END;
DROP TEMPORARY TABLE _dbwork_chk_VERSION_1;
DROP TABLE _dbwork_bak_VERSION_1;
