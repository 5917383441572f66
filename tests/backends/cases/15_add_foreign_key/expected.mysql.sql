-- step 1: add foreign key fk_kids_parent (parent_id) -> parents (id) to kids
ALTER TABLE kids ADD CONSTRAINT fk_kids_parent FOREIGN KEY(parent_id) REFERENCES parents (id);

-- migrate:down
-- step 1: add foreign key fk_kids_parent (parent_id) -> parents (id) to kids
ALTER TABLE kids DROP FOREIGN KEY fk_kids_parent;
ALTER TABLE kids DROP INDEX IF EXISTS fk_kids_parent;
