from django.apps import AppConfig
from django.conf.locale import LANG_INFO


class WebConfig(AppConfig):
    name = "kiban.web"
    label = "web"

    def ready(self) -> None:
        from kiban.web import middleware  # noqa: F401  (registers the page middleware check)

        # やさしい日本語 (easy Japanese) is offered as its own language; Django needs its info.
        LANG_INFO.setdefault(
            "ja-easy",
            {"bidi": False, "code": "ja-easy", "name": "Easy Japanese",
             "name_local": "やさしい日本語"},
        )
