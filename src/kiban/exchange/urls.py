"""Staff pages of the exchange, included by the project under "staff/exchange/"."""

from django.urls import path

from kiban.exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("systems/<int:system_id>/", views.system, name="system"),
    path("systems/<int:system_id>/rotate/", views.rotate, name="rotate"),
    path("systems/<int:system_id>/revoke/", views.revoke, name="revoke"),
    path("secrets/<int:secret_id>/revoke/", views.secret_revoke_view, name="secret-revoke"),
]
