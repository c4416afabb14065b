from django.urls import path

from kiban.submissions import views

app_name = "submissions"
urlpatterns = [
    path("my/", views.my_page, name="my-page"),
    path("staff/inbox/", views.inbox, name="inbox"),
]
