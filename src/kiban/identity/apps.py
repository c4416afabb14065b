from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "kiban.identity"
    label = "identity"
