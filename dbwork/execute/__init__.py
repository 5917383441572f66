"""Execution: backends, sessions under a lock, history, migration files, the runner."""
