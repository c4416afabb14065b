"""Session bookkeeping: end idle sessions and keep the list of each account's sessions."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils import timezone
from django.utils.translation import gettext as _

LAST_SEEN_KEY = "kiban_last_seen"
TOUCH_SECONDS = 60  # write the session at most once a minute for activity alone


def idle_limit(user) -> int:
    if user.is_staff_member:
        return settings.KIBAN_IDLE_SECONDS_STAFF
    return settings.KIBAN_IDLE_SECONDS_RESIDENT


class SessionActivityMiddleware:
    """Sign out a session idle for longer than its account's limit; record active sessions.

    A session ended from the sessions page has been deleted from the store, so it arrives
    here anonymous already.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            expired = self._check(request, user)
            if expired is not None:
                return expired
        return self.get_response(request)

    def _check(self, request, user):
        from kiban.identity.services import session_seen

        now = timezone.now()
        last_seen = request.session.get(LAST_SEEN_KEY)
        limit = idle_limit(user)
        if last_seen is not None and limit and now.timestamp() - last_seen > limit:
            from kiban.audit.services import audit_record

            audit_record(action="account.idle_sign_out", actor=user, target=user)
            logout(request)
            messages.info(request, _("You were signed out because you were inactive for a while."))
            return redirect_to_login(request.get_full_path())
        if last_seen is None or now.timestamp() - last_seen > TOUCH_SECONDS:
            request.session[LAST_SEEN_KEY] = now.timestamp()
            session_seen(session_key=request.session.session_key, seen_at=now)
        return None


def session_signed_in(sender, request, user, **kwargs) -> None:
    """Start the idle clock and list the new session (connected to `user_logged_in`)."""
    from kiban.identity.services import session_touch

    if request is None or not hasattr(request, "session"):
        return
    now = timezone.now()
    request.session[LAST_SEEN_KEY] = now.timestamp()
    if request.session.session_key is None:
        request.session.save()
    session_touch(
        user=user,
        session_key=request.session.session_key,
        user_agent=request.headers.get("User-Agent", "") if hasattr(request, "headers") else "",
        seen_at=now,
    )
