from django.urls import path

from kiban.submissions import views

app_name = "submissions"
urlpatterns = [
    path("services/", views.catalogue, name="catalogue"),
    path("services/<slug:code>/", views.procedure_detail, name="procedure"),
    path("apply/<uuid:public_id>/step/<int:index>/", views.step, name="step"),
    path("apply/<uuid:public_id>/review/", views.review, name="review"),
    path("apply/<uuid:public_id>/receipt/", views.receipt, name="receipt"),
    path("apply/<uuid:public_id>/receipt.pdf", views.receipt_download, name="receipt-pdf"),
    path("apply/<uuid:public_id>/discard/", views.discard, name="discard"),
    path("my/", views.my_page, name="my-page"),
    path("my/applications/<uuid:public_id>/", views.application, name="application"),
]
