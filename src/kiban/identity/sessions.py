"""Sessions in the database, read in plain SQL (SESSION_ENGINE = "kiban.identity.sessions").

Every signed-in page reads its session first; this reads the row in one statement without
the ORM's query building (kiban.db.rows), and decodes a session's signed text once per
process. Writing, ending and listing sessions are Django's.
"""

import copy

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from kiban.db import rows

_SESSION = rows.Columns(Session, "s")
# Decoded session data by its signed text: checking the signature and decoding cost more
# than reading the row, and a session's text stays the same from one page to the next.
_DECODED: dict[str, dict] = {}
_DECODED_MAX = 10_000


class SessionStore(db.SessionStore):
    def decode(self, session_data):
        """Return the session's data; text decoded before (signature and all) is not again."""
        decoded = _DECODED.get(session_data)
        if decoded is None:
            decoded = super().decode(session_data)
            if not decoded:  # tampered or empty: nothing worth remembering
                return decoded
            if len(_DECODED) >= _DECODED_MAX:
                _DECODED.clear()
            _DECODED[session_data] = decoded
        return copy.deepcopy(decoded)  # the request may change its copy

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
