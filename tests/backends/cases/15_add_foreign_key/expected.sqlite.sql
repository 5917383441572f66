-- step 1: add foreign key fk_kids_parent (parent_id) -> parents (id) to kids
CREATE TABLE _alembic_tmp_kids (
    id INTEGER NOT NULL, 
    parent_id INTEGER, 
    PRIMARY KEY (id), 
    CONSTRAINT fk_kids_parent FOREIGN KEY(parent_id) REFERENCES parents (id)
);
INSERT INTO _alembic_tmp_kids (id, parent_id) SELECT kids.id, kids.parent_id 
FROM kids;
DROP TABLE kids;
ALTER TABLE _alembic_tmp_kids RENAME TO kids;

-- migrate:down
-- step 1: add foreign key fk_kids_parent (parent_id) -> parents (id) to kids
CREATE TABLE _alembic_tmp_kids (
    id INTEGER NOT NULL, 
    parent_id INTEGER, 
    PRIMARY KEY (id)
);
INSERT INTO _alembic_tmp_kids (id, parent_id) SELECT kids.id, kids.parent_id 
FROM kids;
DROP TABLE kids;
ALTER TABLE _alembic_tmp_kids RENAME TO kids;
