INSERT INTO users (id, email, nick, age, score, status) VALUES (1, 'ann@example.com', 'ann', 31, 12.25, 'new');
INSERT INTO users (id, email, nick, age, score, status) VALUES (2, 'bob@example.com', NULL, 45, 3.75, 'old');
INSERT INTO users (id, email, nick, age, score, status) VALUES (3, 'cy@example.com', 'cy', NULL, NULL, NULL);
