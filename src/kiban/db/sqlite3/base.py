"""Django's SQLite backend with a write gate: writers queue instead of polling the lock.

SQLite lets one connection write at a time. A connection that finds the database locked
sleeps in SQLite's busy handler (1, 2, 5, 10 … up to 100 ms) and tries again, so with a
dozen threads and two server processes writing, most of the time goes to sleeping while
the lock is free. Here every write transaction, and every write statement made outside
one, first takes the gate: a lock shared by the threads of a process and an advisory
file lock (flock) shared by the processes using the same database file. Waiters are woken
the moment the gate opens, in the order the kernel chooses; SQLite's own locking stays
in place underneath, so a process without the gate (a shell, another tool) is still safe.

ENGINE "kiban.db.sqlite3"; settings.py picks it for sqlite:/// URLs.
"""

from __future__ import annotations

import fcntl
import os
import threading

from django.db.backends.sqlite3 import base

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class WriteGate:
    """One writer at a time across the threads and processes using one database file."""

    _gates: dict[str, WriteGate] = {}
    _gates_lock = threading.Lock()

    def __init__(self, path: str):
        self.path = f"{path}.write-gate"
        self.lock = threading.Lock()
        self.fd: int | None = None
        self.pid = 0

    @classmethod
    def of(cls, database: str) -> WriteGate | None:
        """Return the gate of a database file; in-memory databases need none."""
        if not database or database == ":memory:" or database.startswith("file:"):
            return None
        with cls._gates_lock:
            gate = cls._gates.get(database)
            if gate is None:
                gate = cls._gates[database] = cls(database)
            return gate

    def _file(self) -> int:
        if self.fd is None or self.pid != os.getpid():  # opened again in a forked child
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self.pid = os.getpid()
        return self.fd

    def acquire(self) -> None:
        self.lock.acquire()
        try:
            fcntl.flock(self._file(), fcntl.LOCK_EX)
        except BaseException:
            self.lock.release()
            raise

    def release(self) -> None:
        try:
            fcntl.flock(self._file(), fcntl.LOCK_UN)
        finally:
            self.lock.release()


class GatedCursor(base.SQLiteCursorWrapper):
    """A cursor that takes the gate around a write made outside a transaction."""

    gate: WriteGate | None = None

    def _gated(self, query: str) -> bool:
        return (self.gate is not None and not self.connection.in_transaction
                and query.lstrip()[:7].upper().startswith(WRITES))

    def execute(self, query, params=None):
        if not self._gated(query):
            return super().execute(query, params)
        self.gate.acquire()
        try:
            return super().execute(query, params)
        finally:
            self.gate.release()

    def executemany(self, query, param_list):
        if not self._gated(query):
            return super().executemany(query, param_list)
        self.gate.acquire()
        try:
            return super().executemany(query, param_list)
        finally:
            self.gate.release()


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.write_gate = WriteGate.of(str(self.settings_dict["NAME"]))
        self.gate_held = False
        self.cursor_class = type("Cursor", (GatedCursor,), {"gate": self.write_gate})

    def create_cursor(self, name=None):
        return self.connection.cursor(factory=self.cursor_class)

    def _gate_enter(self) -> None:
        if self.write_gate is not None and not self.gate_held:
            self.write_gate.acquire()
            self.gate_held = True

    def _gate_leave(self) -> None:
        if self.gate_held:
            self.gate_held = False
            self.write_gate.release()

    def _start_transaction_under_autocommit(self):
        self._gate_enter()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._gate_leave()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._gate_leave()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._gate_leave()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._gate_leave()
