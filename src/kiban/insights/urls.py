"""Public URLs of the insights app, included by the project at the root:
/transparency/, /opendata/, the CKAN action API under /api/3/action/ (and /api/action/),
and /feedback/ for the satisfaction question. These URLs are stable; open data links to them.
"""

from django.urls import include, path

from kiban.insights import api, public_views

transparency_patterns = [
    path("", public_views.transparency, name="index"),
    path("tables/<slug:table_id>.csv", public_views.transparency_csv, name="table-csv"),
]
opendata_patterns = [
    path("", public_views.opendata_index, name="index"),
    path("catalog.jsonld", api.catalog, name="catalog"),
    path("datasets/<slug:name>/", public_views.dataset_page, name="dataset"),
    path("datasets/<slug:name>.csv", api.dataset_csv, name="dataset-csv"),
    path("datasets/<slug:name>.json", api.dataset_json, name="dataset-json"),
]
feedback_patterns = [path("", public_views.feedback, name="submit")]

urlpatterns = [
    path("transparency/", include((transparency_patterns, "transparency"))),
    path("opendata/", include((opendata_patterns, "opendata"))),
    path("api/3/action/<slug:name>", api.action, name="ckan-action"),
    path("api/action/<slug:name>", api.action, name="ckan-action-unversioned"),
    path("feedback/", include((feedback_patterns, "feedback"))),
]
