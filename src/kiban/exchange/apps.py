from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "kiban.exchange"
    label = "exchange"
    verbose_name = "System integration (システム連携基盤)"
