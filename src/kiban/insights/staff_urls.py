"""Staff dashboards of the insights app, included by the project under "staff/insights/"."""

from django.urls import path

from kiban.insights import entry_views, views

app_name = "insights"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("procedures/<slug:code>/", views.procedure, name="procedure"),
    path("procedures/<slug:code>/publication/", views.publication, name="publication"),
    path("kpis/", views.kpis, name="kpis"),
    path("kpis/new/", entry_views.kpi_edit, name="kpi-new"),
    path("kpis/<slug:code>/", entry_views.kpi, name="kpi"),
    path("kpis/<slug:code>/edit/", entry_views.kpi_edit, name="kpi-edit"),
    path("kpi-values/<int:value_id>/decision/", entry_views.kpi_decide, name="kpi-decide"),
    path("data/", entry_views.data, name="data"),
    path("tables/<slug:table_id>.csv", views.table_csv, name="table-csv"),
]
