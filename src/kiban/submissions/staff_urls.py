"""Staff pages of the submissions app, included by the project under "staff/"."""

from django.urls import path

from kiban.submissions import staff_views

app_name = "staff"
urlpatterns = [
    path("inbox/", staff_views.inbox, name="inbox"),
    path("inbox/export.csv", staff_views.export, name="export"),
    path("submissions/<uuid:public_id>/", staff_views.submission, name="submission"),
    path("submissions/<uuid:public_id>/status/", staff_views.status, name="status"),
    path("submissions/<uuid:public_id>/messages/", staff_views.message, name="message"),
    path("submissions/<uuid:public_id>/assign/", staff_views.assign, name="assign"),
    path(
        "submissions/<uuid:public_id>/attachments/<int:attachment_id>/", staff_views.attachment,
        name="attachment",
    ),
]
