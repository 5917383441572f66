-- dbwork migration
-- version: 20261203182605465714
-- name: create_t
-- parent: (none)
-- dialect: sqlite
-- created: 2026-12-03T18:26:05Z
-- source-checksum: f8324ed1724ca17ebfe71269a2b726185da7db0766379bd6042d336d0b1db2ef

-- migrate:up
-- step 1: create table t (2 columns)
CREATE TABLE t (
    id INTEGER NOT NULL, 
    name TEXT, 
    PRIMARY KEY (id)
);

-- migrate:down
-- step 1: create table t (2 columns)
DROP TABLE t;
