-- step 1: add column users.age INTEGER NOT NULL DEFAULT 0
ALTER TABLE users ADD age INTEGER NOT NULL DEFAULT 0;

-- step 2: alter column users.email: type VARCHAR(100) -> VARCHAR(200)
ALTER TABLE users ALTER COLUMN email VARCHAR(200) NOT NULL;

-- step 3: rename column users.bio to about
EXEC sp_rename 'users.bio', about, 'COLUMN';

-- step 4: create unique index ux_users_email on users (email)
CREATE UNIQUE INDEX ux_users_email ON users (email);

-- step 5: add check constraint ck_users_age (age >= 0) to users
ALTER TABLE users ADD CONSTRAINT ck_users_age CHECK (age >= 0);

-- step 6: create table posts (5 columns)
CREATE TABLE posts (
    id INTEGER NOT NULL, 
    user_id INTEGER NOT NULL, 
    body NVARCHAR(max) NULL, 
    created DATETIME2 NULL, 
    payload NVARCHAR(max) NULL, 
    PRIMARY KEY (id), 
    FOREIGN KEY(user_id) REFERENCES users (id)
);

-- step 7: back up users (active) by key into _dbwork_bak_20260101000000_7
SELECT id, active INTO _dbwork_bak_20260101000000_7 FROM users;
CREATE INDEX _dbwork_bak_20260101000000_7_key ON _dbwork_bak_20260101000000_7 (id);

-- step 8: drop column users.active (BOOLEAN) and its values
ALTER TABLE users DROP COLUMN active;

-- step 9: drop check constraint ck_users_age (age >= 0) from users
ALTER TABLE users DROP CONSTRAINT ck_users_age;

-- step 10: back up users (age) by key into _dbwork_bak_20260101000000_10
SELECT id, age INTO _dbwork_bak_20260101000000_10 FROM users;
CREATE INDEX _dbwork_bak_20260101000000_10_key ON _dbwork_bak_20260101000000_10 (id);

-- step 11: drop column users.age (INTEGER) and its values
declare @const_name varchar(256)
select @const_name = QUOTENAME([name]) from sys.default_constraints
where parent_object_id = object_id('users')
and col_name(parent_object_id, parent_column_id) = 'age'
exec('alter table users drop constraint ' + @const_name);
ALTER TABLE users DROP COLUMN age;

-- migrate:down
-- step 11: drop column users.age (INTEGER) and its values
ALTER TABLE users ADD age INTEGER NOT NULL DEFAULT 0;

-- step 10: back up users (age) by key into _dbwork_bak_20260101000000_10
UPDATE users SET age = bak.age FROM _dbwork_bak_20260101000000_10 AS bak WHERE users.id = bak.id;
DROP TABLE _dbwork_bak_20260101000000_10;

-- step 9: drop check constraint ck_users_age (age >= 0) from users
ALTER TABLE users ADD CONSTRAINT ck_users_age CHECK (age >= 0);

-- step 8: drop column users.active (BOOLEAN) and its values
ALTER TABLE users ADD active BIT NULL;

-- step 7: back up users (active) by key into _dbwork_bak_20260101000000_7
UPDATE users SET active = bak.active FROM _dbwork_bak_20260101000000_7 AS bak WHERE users.id = bak.id;
DROP TABLE _dbwork_bak_20260101000000_7;

-- step 6: create table posts (5 columns)
DROP TABLE posts;

-- step 5: add check constraint ck_users_age (age >= 0) to users
ALTER TABLE users DROP CONSTRAINT ck_users_age;

-- step 4: create unique index ux_users_email on users (email)
DROP INDEX ux_users_email ON users;

-- step 3: rename column users.bio to about
EXEC sp_rename 'users.about', bio, 'COLUMN';

-- step 2: alter column users.email: type VARCHAR(100) -> VARCHAR(200)
ALTER TABLE users ALTER COLUMN email VARCHAR(100) NOT NULL;

-- step 1: add column users.age INTEGER NOT NULL DEFAULT 0
declare @const_name varchar(256)
select @const_name = QUOTENAME([name]) from sys.default_constraints
where parent_object_id = object_id('users')
and col_name(parent_object_id, parent_column_id) = 'age'
exec('alter table users drop constraint ' + @const_name);
ALTER TABLE users DROP COLUMN age;
