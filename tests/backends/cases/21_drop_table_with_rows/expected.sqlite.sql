-- step 1: back up notes rows into _dbwork_bak_VERSION_1
CREATE TABLE _dbwork_bak_VERSION_1 AS SELECT id, body FROM notes;

-- step 2: drop table notes and all its rows
DROP TABLE notes;

-- migrate:down
-- step 2: drop table notes and all its rows
CREATE TABLE notes (
    id INTEGER NOT NULL, 
    body TEXT NOT NULL, 
    PRIMARY KEY (id)
);

-- step 1: back up notes rows into _dbwork_bak_VERSION_1
INSERT INTO notes (id, body) SELECT id, body FROM _dbwork_bak_VERSION_1;
CREATE TEMPORARY TABLE _dbwork_chk_VERSION_1 (ok INTEGER, CONSTRAINT restore_differs_from__dbwork_bak_VERSION_1 CHECK (ok = 1));
INSERT INTO _dbwork_chk_VERSION_1 (ok) SELECT CASE WHEN (SELECT COUNT(*) FROM notes) <> (SELECT COUNT(*) FROM _dbwork_bak_VERSION_1) OR EXISTS (SELECT 1 FROM (SELECT id, typeof(id), body, typeof(body) FROM _dbwork_bak_VERSION_1 EXCEPT SELECT id, typeof(id), body, typeof(body) FROM notes) AS d) THEN 0 ELSE 1 END;
DROP TABLE _dbwork_chk_VERSION_1;
DROP TABLE _dbwork_bak_VERSION_1;
