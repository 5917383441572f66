ALTER TABLE kids DROP CONSTRAINT fk_kids_parent;
