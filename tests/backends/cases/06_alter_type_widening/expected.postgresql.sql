-- step 1: alter column users.nick: type VARCHAR(20) -> VARCHAR(200)
ALTER TABLE users ALTER COLUMN nick TYPE VARCHAR(200);

-- migrate:down
-- step 1: alter column users.nick: type VARCHAR(20) -> VARCHAR(200)
ALTER TABLE users ALTER COLUMN nick TYPE VARCHAR(20);
