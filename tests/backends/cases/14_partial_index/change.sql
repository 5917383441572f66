CREATE INDEX ix_users_active ON users (email) WHERE status = 'new';
