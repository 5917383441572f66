-- step 1: back up notes rows into _dbwork_bak_VERSION_1
CREATE TABLE _dbwork_bak_VERSION_1 AS SELECT id, body FROM notes;
CREATE TABLE _dbwork_bak_VERSION_1_seq AS SELECT CAST('id' AS TEXT) AS column_name, last_value + increment_by AS next_value FROM pg_sequences WHERE format('%I.%I', schemaname, sequencename) = pg_get_serial_sequence('notes', 'id');

-- step 2: drop table notes and all its rows
DROP TABLE notes;

-- migrate:down
-- step 2: drop table notes and all its rows
CREATE TABLE notes (
    id SERIAL NOT NULL, 
    body TEXT NOT NULL, 
    CONSTRAINT notes_pkey PRIMARY KEY (id)
);

-- step 1: back up notes rows into _dbwork_bak_VERSION_1
INSERT INTO notes (id, body) SELECT id, body FROM _dbwork_bak_VERSION_1;
SELECT setval(pg_get_serial_sequence('notes', 'id'), GREATEST(COALESCE(MAX(id), 0) + 1, (SELECT MAX(next_value) FROM _dbwork_bak_VERSION_1_seq WHERE column_name = 'id')), false) FROM notes;
CREATE TEMPORARY TABLE _dbwork_chk_VERSION_1 (ok INTEGER, CONSTRAINT restore_differs_from__dbwork_bak_VERSION_1 CHECK (ok = 1));
INSERT INTO _dbwork_chk_VERSION_1 (ok) SELECT CASE WHEN (SELECT COUNT(*) FROM notes) <> (SELECT COUNT(*) FROM _dbwork_bak_VERSION_1) OR EXISTS (SELECT 1 FROM (SELECT CAST(id AS TEXT), CAST(body AS TEXT) FROM _dbwork_bak_VERSION_1 EXCEPT ALL SELECT CAST(id AS TEXT), CAST(body AS TEXT) FROM notes) AS d) THEN 0 ELSE 1 END;
DROP TABLE _dbwork_chk_VERSION_1;
DROP TABLE _dbwork_bak_VERSION_1;
DROP TABLE _dbwork_bak_VERSION_1_seq;
