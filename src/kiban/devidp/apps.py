from django.apps import AppConfig


class DevIdpConfig(AppConfig):
    """A development identity provider that behaves like the national ID and GビズID."""

    name = "kiban.devidp"
    label = "devidp"
    default_auto_field = "django.db.models.BigAutoField"
