"""Database support that Django does not ship: the embedded SQLite backend's write gate."""
