from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "kiban.submissions"
    label = "submissions"
