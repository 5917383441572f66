-- step 1: back up notes rows into _dbwork_bak_VERSION_1
CREATE TABLE _dbwork_bak_VERSION_1 AS SELECT id, body FROM notes;

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
DROP TABLE _dbwork_bak_VERSION_1;
