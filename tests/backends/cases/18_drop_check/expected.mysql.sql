-- step 1: drop check constraint ck_users_age (`age` >= 0) from users
ALTER TABLE users DROP CONSTRAINT ck_users_age;

-- migrate:down
-- step 1: drop check constraint ck_users_age (`age` >= 0) from users
ALTER TABLE users ADD CONSTRAINT ck_users_age CHECK (`age` >= 0);
