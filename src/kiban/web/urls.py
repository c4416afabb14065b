from django.urls import path
from django.views.i18n import set_language

from kiban.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set-language"),
    path("preferences/", views.preferences, name="preferences"),
    path("bench/", ("kiban.web.bench", None, None)),  # = include(); empty unless KIBAN_BENCH
]
