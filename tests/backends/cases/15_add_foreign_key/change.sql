ALTER TABLE kids ADD CONSTRAINT fk_kids_parent FOREIGN KEY (parent_id) REFERENCES parents (id);
