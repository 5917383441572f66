-- step 1: alter column users.nick: type VARCHAR(20) -> VARCHAR(200)
ALTER TABLE users MODIFY nick VARCHAR(200) NULL;

-- migrate:down
-- step 1: alter column users.nick: type VARCHAR(20) -> VARCHAR(200)
ALTER TABLE users MODIFY nick VARCHAR(20) NULL;
