from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "kiban.procedures"
    label = "procedures"
