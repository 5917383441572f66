DROP INDEX ux_users_email;
