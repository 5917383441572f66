ALTER TABLE users DROP CONSTRAINT ck_users_age;
