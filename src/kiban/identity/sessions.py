"""Sessions in the database, read in plain SQL (SESSION_ENGINE = "kiban.identity.sessions").

Every signed-in page reads its session first; this reads the row in one statement without
the ORM's query building (kiban.db.rows). Writing, ending and listing sessions are Django's.
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from kiban.db import rows

_SESSION = rows.Columns(Session, "s")


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        found = rows.select(
            f"SELECT {_SESSION.sql} FROM {rows.quoted(Session._meta.db_table)} s "
            "WHERE s.session_key = %s AND s.expire_date > %s",
            [self.session_key, rows.prepared(Session, "expire_date", timezone.now())],
        )
        if not found:
            self._session_key = None
            return None
        return _SESSION.instance(found[0])
