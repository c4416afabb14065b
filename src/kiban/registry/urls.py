from django.urls import path

from kiban.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.my_data, name="my-data"),
    path("consents/<int:consent_id>/withdraw/", views.consent_withdraw, name="consent-withdraw"),
]
