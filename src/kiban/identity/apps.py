from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "kiban.identity"
    label = "identity"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from kiban.identity.middleware import session_signed_in

        user_logged_in.connect(session_signed_in, dispatch_uid="kiban.identity.session_signed_in")
