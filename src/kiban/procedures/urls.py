from django.urls import path

from kiban.procedures import views

app_name = "procedures"
urlpatterns = [path("", views.catalogue, name="catalogue")]
