ALTER TABLE users ADD CONSTRAINT ck_users_age CHECK (age >= 0);
