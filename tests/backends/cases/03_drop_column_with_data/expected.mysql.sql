-- step 1: back up users (nick) by key into _dbwork_bak_VERSION_1
CREATE TABLE _dbwork_bak_VERSION_1 AS SELECT id, nick FROM users;
CREATE INDEX _dbwork_bak_VERSION_1_key ON _dbwork_bak_VERSION_1 (id);

-- step 2: drop column users.nick (VARCHAR(20)) and its values
ALTER TABLE users DROP COLUMN nick;

-- migrate:down
-- step 2: drop column users.nick (VARCHAR(20)) and its values
ALTER TABLE users ADD COLUMN nick VARCHAR(20) AFTER email;

-- step 1: back up users (nick) by key into _dbwork_bak_VERSION_1
UPDATE users JOIN _dbwork_bak_VERSION_1 AS bak ON users.id = bak.id SET users.nick = bak.nick;
CREATE TEMPORARY TABLE _dbwork_chk_VERSION_1 (ok INTEGER, CONSTRAINT restore_differs_from__dbwork_bak_VERSION_1 CHECK (ok = 1));
INSERT INTO _dbwork_chk_VERSION_1 (ok) SELECT CASE WHEN EXISTS (SELECT 1 FROM users JOIN _dbwork_bak_VERSION_1 AS bak ON users.id = bak.id WHERE NOT (CAST(users.nick AS BINARY) <=> CAST(bak.nick AS BINARY))) THEN 0 ELSE 1 END;
DROP TEMPORARY TABLE _dbwork_chk_VERSION_1;
DROP TABLE _dbwork_bak_VERSION_1;
