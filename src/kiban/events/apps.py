from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "kiban.events"
    label = "events"
    verbose_name = "Events"
