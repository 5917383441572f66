INSERT INTO notes (body) VALUES ('one');
INSERT INTO notes (body) VALUES ('two');
INSERT INTO notes (body) VALUES ('three');
DELETE FROM notes WHERE body = 'three';
