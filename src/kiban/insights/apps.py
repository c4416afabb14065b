from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "kiban.insights"
    label = "insights"
    verbose_name = "Insights"
