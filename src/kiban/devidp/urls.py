from django.urls import path

from kiban.devidp import views

app_name = "devidp"
urlpatterns = [
    path("<str:issuer>/", views.home, name="home"),
    path("<str:issuer>/.well-known/openid-configuration", views.discovery, name="discovery"),
    path("<str:issuer>/jwks", views.jwks_view, name="jwks"),
    path("<str:issuer>/authorize", views.authorize, name="authorize"),
    path("<str:issuer>/token", views.token, name="token"),
    path("<str:issuer>/userinfo", views.userinfo, name="userinfo"),
    path("<str:issuer>/logout", views.logout, name="logout"),
]
