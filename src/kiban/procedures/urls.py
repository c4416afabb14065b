"""The no-code builder's pages, included by the project under "staff/builder/"."""

from django.urls import path

from kiban.procedures import (
    editor_views,
    life_event_views,
    preview_views,
    review_views,
    views,
)

app_name = "builder"
V = "p/<slug:code>/v<int:number>/"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.procedure_new, name="new"),
    path("import/", review_views.import_definition, name="import"),
    path("templates/", review_views.templates, name="templates"),
    path("templates/<int:template_id>/copy/", review_views.template_copy, name="template-copy"),
    path("attributes/", views.attributes, name="attributes"),
    path("p/<slug:code>/", views.procedure, name="procedure"),
    path("p/<slug:code>/new-version/", views.version_new, name="version-new"),
    path("p/<slug:code>/history/", review_views.history, name="history"),
    path(V, editor_views.editor, name="editor"),
    path(V + "settings/", editor_views.settings_edit, name="settings"),
    path(V + "structure/", editor_views.structure, name="structure"),
    path(V + "steps/add/", editor_views.step_add, name="step-add"),
    path(V + "steps/<str:step_id>/", editor_views.step_edit, name="step"),
    path(V + "steps/<str:step_id>/fields/add/", editor_views.field_add, name="field-add"),
    path(V + "fields/<str:field_id>/", editor_views.field_edit, name="field"),
    path(V + "fields/<str:group_id>/sub-add/", editor_views.subfield_add, name="subfield-add"),
    path(V + "fields/<str:group_id>/sub/<str:field_id>/", editor_views.field_edit, name="subfield"),
    path(V + "quality/", review_views.quality_page, name="quality"),
    path(V + "preview/", preview_views.preview, name="preview-start"),
    path(V + "preview/<int:index>/", preview_views.preview, name="preview"),
    path(V + "diff/", review_views.diff, name="diff"),
    path(V + "export.json", review_views.export, name="export"),
    path(V + "submit/", review_views.submit, name="submit"),
    path(V + "review/", review_views.review, name="review"),
    path(V + "publish/", review_views.publish, name="publish"),
    path(V + "share/", review_views.share, name="share"),
    path("life-events/", life_event_views.staff_list, name="life-events"),
    path("life-events/new/", life_event_views.staff_new, name="life-event-new"),
    path("life-events/<slug:code>/", life_event_views.staff_edit, name="life-event"),
]
