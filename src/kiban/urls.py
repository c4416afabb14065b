from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("kiban.web.urls")),
    path("accounts/", include("kiban.identity.urls")),
    path("my/data/", include("kiban.registry.urls")),
    path("services/", include("kiban.procedures.urls")),
    path("", include("kiban.submissions.urls")),
    path("django-admin/", admin.site.urls),
]
