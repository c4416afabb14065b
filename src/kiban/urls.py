from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("kiban.web.urls")),
    path("accounts/", include("kiban.identity.urls")),
    path("my/data/", include("kiban.registry.urls")),
    path("", include("kiban.submissions.urls")),
    path("staff/", include("kiban.submissions.staff_urls")),
    path("django-admin/", admin.site.urls),
]
