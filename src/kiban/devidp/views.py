"""Pages and endpoints of the development identity provider, under /dev-idp/<issuer>/.

The sign-in page lists the demo people instead of reading a My Number card; everything
after that (codes, PKCE, tokens, ID token, userinfo) is Authlib's OpenID Connect provider.
"""

from authlib.integrations.django_oauth2 import ResourceProtector
from authlib.oauth2 import OAuth2Error
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from kiban.devidp.constants import SCOPES, Issuer
from kiban.devidp.models import Client, Person
from kiban.devidp.server import (
    DevAuthorizationServer,
    DevBearerTokenValidator,
    jwks,
    user_claims,
)


def _issuer(issuer: str) -> str:
    if issuer not in Issuer.values:
        raise Http404
    return issuer


def _issuer_url(request: HttpRequest, issuer: str) -> str:
    return request.build_absolute_uri(reverse("devidp:home", args=[issuer])).rstrip("/")


def _server(request: HttpRequest, issuer: str) -> DevAuthorizationServer:
    return DevAuthorizationServer(issuer, _issuer_url(request, issuer))


def discovery(request: HttpRequest, issuer: str) -> JsonResponse:
    base = _issuer_url(request, _issuer(issuer))
    claims = [
        "sub",
        "name",
        "family_name",
        "given_name",
        "family_name#ja-Kana-JP",
        "given_name#ja-Kana-JP",
        "address",
        "birthdate",
        "gender",
        "corporate_number",
        "corporate_name",
    ]
    return JsonResponse(
        {
            "issuer": base,
            "authorization_endpoint": f"{base}/authorize",
            "token_endpoint": f"{base}/token",
            "userinfo_endpoint": f"{base}/userinfo",
            "jwks_uri": f"{base}/jwks",
            "end_session_endpoint": f"{base}/logout",
            "scopes_supported": SCOPES[issuer],
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": claims,
        }
    )


def jwks_view(request: HttpRequest, issuer: str) -> JsonResponse:
    _issuer(issuer)
    return JsonResponse(jwks())


def home(request: HttpRequest, issuer: str) -> HttpResponse:
    return render(request, "devidp/home.html", {"issuer": Issuer(_issuer(issuer))})


def authorize(request: HttpRequest, issuer: str) -> HttpResponse:
    """Show the demo people to sign in as; on POST, answer the client with a code."""
    server = _server(request, _issuer(issuer))
    try:
        grant = server.get_consent_grant(request)
    except OAuth2Error as error:
        # An unknown client or a redirect URI it did not register: never redirect there.
        return render(
            request,
            "devidp/error.html",
            {"issuer": Issuer(issuer), "error": error.error, "description": error.description},
            status=400,
        )
    people = Person.objects.filter(issuer=issuer)
    if request.method == "POST":
        if request.POST.get("action") == "deny":
            return server.create_authorization_response(request, grant_user=None, grant=grant)
        person = people.filter(code=request.POST.get("person", "")).first()
        if person is not None:
            return server.create_authorization_response(request, grant_user=person, grant=grant)
    return render(
        request,
        "devidp/authorize.html",
        {
            "issuer": Issuer(issuer),
            "client": grant.client,
            "people": people,
            "scopes": grant.request.payload.scope.split(),
        },
    )


@csrf_exempt
@require_POST
def token(request: HttpRequest, issuer: str) -> HttpResponse:
    return _server(request, _issuer(issuer)).create_token_response(request)


@csrf_exempt
def userinfo(request: HttpRequest, issuer: str) -> HttpResponse:
    protector = ResourceProtector()
    protector.register_token_validator(DevBearerTokenValidator(_issuer(issuer)))

    @protector("openid")
    def claims(request):
        token = request.oauth_token
        return JsonResponse(user_claims(token.person, token.scope))

    return claims(request)


def logout(request: HttpRequest, issuer: str) -> HttpResponse:
    """End the session; the dev IdP keeps none, so only send the resident back."""
    target = request.GET.get("post_logout_redirect_uri", "")
    client = Client.objects.filter(
        issuer=_issuer(issuer), client_id=request.GET.get("client_id", "")
    ).first()
    if target and client is not None and target in client.post_logout_redirect_uris:
        return HttpResponseRedirect(target)
    return render(request, "devidp/home.html", {"issuer": Issuer(issuer), "signed_out": True})
