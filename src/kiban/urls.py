from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from kiban.exchange.api import api as exchange_api

urlpatterns = [
    # First: the busiest paths, and no other pattern starts with api/v1/.
    path("api/v1/", exchange_api.urls),
    path("", include("kiban.web.urls")),
    path("accounts/", include("kiban.identity.urls")),
    path("oidc/", include("kiban.identity.oidc_urls")),
    path("my/data/", include("kiban.registry.urls")),
    path("", include("kiban.submissions.urls")),
    path("staff/", include("kiban.submissions.staff_urls")),
    path("staff/builder/", include("kiban.procedures.urls")),
    path("life-events/", include("kiban.procedures.life_event_urls")),
    path("staff/exchange/", include("kiban.exchange.urls")),
    path("staff/insights/", include("kiban.insights.staff_urls")),
    path("", include("kiban.insights.urls")),
    path("django-admin/", admin.site.urls),
]
if settings.KIBAN_DEV_IDP:
    urlpatterns.append(path("dev-idp/", include("kiban.devidp.urls")))
