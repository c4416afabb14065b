"""Database support Django does not ship: the SQLite backend with a write gate (`sqlite3`)
and plain-SQL rows for the few statements on every request's way (`rows`)."""
