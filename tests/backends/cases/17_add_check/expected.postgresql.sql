-- step 1: add check constraint ck_users_age (age >= 0) to users
ALTER TABLE users ADD CONSTRAINT ck_users_age CHECK (age >= 0);

-- migrate:down
-- step 1: add check constraint ck_users_age (age >= 0) to users
ALTER TABLE users DROP CONSTRAINT ck_users_age;
