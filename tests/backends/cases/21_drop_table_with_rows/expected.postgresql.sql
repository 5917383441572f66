-- step 1: back up notes rows into _dbwork_bak_VERSION_1
CREATE TABLE _dbwork_bak_VERSION_1 AS SELECT id, body FROM notes;

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
SELECT setval(pg_get_serial_sequence('notes', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM notes;
DROP TABLE _dbwork_bak_VERSION_1;
