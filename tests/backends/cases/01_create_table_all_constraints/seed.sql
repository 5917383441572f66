INSERT INTO parents (id, code) VALUES (1, 'a');
INSERT INTO parents (id, code) VALUES (2, 'b');
