"""Residents' life event pages, included by the project under "life-events/"."""

from django.urls import path

from kiban.procedures import journey_views as views

app_name = "life_events"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("journeys/<uuid:public_id>/", views.journey, name="journey"),
    path("journeys/<uuid:public_id>/shared/", views.shared_step, name="shared"),
    path("journeys/<uuid:public_id>/review/", views.review, name="review"),
    path("journeys/<uuid:public_id>/<int:item>/<int:index>/", views.procedure_step, name="step"),
    path("<slug:code>/", views.detail, name="detail"),
]
