"""Password sign-in, and the signed-in account of every request, read in plain SQL."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from kiban.db import rows

User = get_user_model()
_USER = rows.Columns(User, "u")


class AccountBackend(ModelBackend):
    """Django's ModelBackend, whose per-request account lookup skips the ORM (kiban.db.rows)."""

    def get_user(self, user_id):
        try:
            user = rows.get(User, _USER, "id", user_id)
        except (TypeError, ValueError):  # a session holding something else than an id
            return None
        return user if user is not None and self.user_can_authenticate(user) else None
