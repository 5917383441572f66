INSERT INTO parents (id, code) VALUES (1, 'a');
INSERT INTO parents (id, code) VALUES (2, 'b');
INSERT INTO kids (id, parent_id) VALUES (10, 1);
INSERT INTO kids (id, parent_id) VALUES (11, NULL);
