"""kiban's OpenID Connect provider endpoints, mounted at /oidc/ (django-oauth-toolkit views).

The namespace stays `oauth2_provider` because the toolkit reverses its own URL names.
"""

from django.urls import path, re_path
from oauth2_provider import views as dot_views

from kiban.identity.oidc_views import AuthorizationView

app_name = "oauth2_provider"
urlpatterns = [
    path("authorize/", AuthorizationView.as_view(), name="authorize"),
    path("token/", dot_views.TokenView.as_view(), name="token"),
    path("revoke_token/", dot_views.RevokeTokenView.as_view(), name="revoke-token"),
    re_path(
        r"^\.well-known/openid-configuration/?$",
        dot_views.ConnectDiscoveryInfoView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path(".well-known/jwks.json", dot_views.JwksInfoView.as_view(), name="jwks-info"),
    path("userinfo/", dot_views.UserInfoView.as_view(), name="user-info"),
    path("logout/", dot_views.RPInitiatedLogoutView.as_view(), name="rp-initiated-logout"),
]
