-- step 1: back up notes rows into _dbwork_bak_VERSION_1
CREATE TABLE _dbwork_bak_VERSION_1 AS SELECT id, body FROM notes;
CREATE TABLE _dbwork_bak_VERSION_1_seq AS SELECT 'id' AS column_name, AUTO_INCREMENT AS next_value FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'notes';

-- step 2: drop table notes and all its rows
DROP TABLE notes;

-- migrate:down
-- step 2: drop table notes and all its rows
CREATE TABLE notes (
    id INTEGER NOT NULL AUTO_INCREMENT, 
    body TEXT NOT NULL, 
    PRIMARY KEY (id)
)ENGINE=InnoDB CHARSET=utf8mb4 COLLATE utf8mb4_unicode_ci;

-- step 1: back up notes rows into _dbwork_bak_VERSION_1
INSERT INTO notes (id, body) SELECT id, body FROM _dbwork_bak_VERSION_1;
SET @dbwork_next = (SELECT GREATEST(COALESCE((SELECT MAX(id) FROM notes), 0) + 1, COALESCE((SELECT MAX(next_value) FROM _dbwork_bak_VERSION_1_seq), 0)));
SET @dbwork_sql = CONCAT('ALTER TABLE notes AUTO_INCREMENT = ', @dbwork_next);
PREPARE dbwork_stmt FROM @dbwork_sql;
EXECUTE dbwork_stmt;
CREATE TEMPORARY TABLE _dbwork_chk_VERSION_1 (ok INTEGER, CONSTRAINT restore_differs_from__dbwork_bak_VERSION_1 CHECK (ok = 1));
INSERT INTO _dbwork_chk_VERSION_1 (ok) SELECT CASE WHEN (SELECT COUNT(*) FROM notes) <> (SELECT COUNT(*) FROM _dbwork_bak_VERSION_1) OR EXISTS (SELECT 1 FROM (SELECT CAST(id AS BINARY), CAST(body AS BINARY) FROM _dbwork_bak_VERSION_1 EXCEPT ALL SELECT CAST(id AS BINARY), CAST(body AS BINARY) FROM notes) AS d) THEN 0 ELSE 1 END;
DROP TEMPORARY TABLE _dbwork_chk_VERSION_1;
DROP TABLE _dbwork_bak_VERSION_1;
DROP TABLE _dbwork_bak_VERSION_1_seq;
