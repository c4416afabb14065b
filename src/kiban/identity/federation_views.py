"""Pages for signing in and verifying identity with an external provider (national ID, GビズID).

A signed-in resident re-enters their password, goes to the provider and comes back verified
(account linking). Someone signed out signs in with the provider: a linked account is signed
in; otherwise they link an existing account (with its password) or create one.
"""

import time

from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kiban.audit.services import audit_record, security_event
from kiban.identity import federation, selectors, services
from kiban.identity.forms import LinkAccountForm, NewAccountForm, ReauthenticateForm
from kiban.identity.id_providers import IdProvider, id_providers
from kiban.identity.views import BACKEND, _next_url

FLOW_KEY = "kiban_federation_flow"
PENDING_KEY = "kiban_federation_pending"
FLOW_SECONDS = 600

REASONS = {
    "state_mismatch": gettext_lazy(
        "This answer does not belong to a sign-in you started here, so it was "
        "not accepted. Start again."
    ),
    "denied": gettext_lazy("You cancelled at the identity provider. Nothing was changed."),
    "unavailable": gettext_lazy(
        "The identity provider could not be reached. Nothing was changed. Try again later."
    ),
    "invalid_response": gettext_lazy(
        "The identity provider's answer could not be checked, so it was not "
        "accepted. Nothing was changed."
    ),
    "invalid_token": gettext_lazy(
        "The identity provider's answer could not be checked, so it was not "
        "accepted. Nothing was changed."
    ),
    "linked_elsewhere": gettext_lazy(
        "This identity is already linked to another kiban account, so it "
        "cannot be linked to this one. Nothing was changed. If you think this "
        "is wrong, contact us."
    ),
    "account_has_other": gettext_lazy(
        "Your account is already linked to a different identity at this "
        "provider. Nothing was changed."
    ),
    "session_changed": gettext_lazy(
        "You signed in or out while verifying, or it took too long. Nothing "
        "was changed. Start again."
    ),
    "wrong_account_kind": gettext_lazy(
        "This kind of account cannot be linked to this identity provider. Nothing was changed."
    ),
}


def _provider(code: str) -> IdProvider:
    if code not in id_providers or not id_providers[code].is_configured():
        raise Http404
    return id_providers[code]


def _refuse(
    request: HttpRequest, reason: str, provider: IdProvider, detail: str = ""
) -> HttpResponse:
    security_event(
        action=f"federation.{reason}",
        request=request,
        data={"provider": provider.code, "detail": detail},
    )
    return render(
        request,
        "identity/verify_failed.html",
        {
            "message": REASONS.get(reason, REASONS["invalid_response"]),
            "provider": provider,
        },
        status=400,
    )


def _start(request: HttpRequest, provider: IdProvider, purpose: str, next_url: str) -> HttpResponse:
    request.session[FLOW_KEY] = {
        "provider": provider.code,
        "purpose": purpose,
        "next": next_url,
        "user": request.user.pk if request.user.is_authenticated else None,
        "at": time.time(),
    }
    try:
        return federation.authorization_redirect(request, provider)
    except federation.FederationError as error:
        return _refuse(request, error.reason, provider, error.detail)


def verify(request: HttpRequest) -> HttpResponse:
    """Ask a signed-in resident to confirm their password, then send them to the provider."""
    if not request.user.is_authenticated:
        return redirect(f"{_sign_in_url()}?next={request.get_full_path()}")
    if not request.user.is_resident:
        raise Http404
    providers = [p for p in id_providers.configured() if p.account_kind == request.user.kind]
    form = ReauthenticateForm(request.user, request.POST or None)
    next_url = _next_url(request, "/my/")
    if request.method == "POST" and form.is_valid() and providers:
        user = (
            authenticate(
                request, username=request.user.email, password=form.cleaned_data["password"]
            )
            if request.user.has_usable_password()
            else request.user
        )
        if user is not None and user.pk == request.user.pk:
            return _start(request, providers[0], "link", next_url)
        form.add_error("password", _("That password is not right."))
    return render(
        request,
        "identity/verify.html",
        {
            "form": form,
            "providers": providers,
            "next": next_url,
            "linked": selectors.external_identities_of(user=request.user),
        },
    )


@require_POST
def sign_in_start(request: HttpRequest, provider_code: str) -> HttpResponse:
    """Start signing in with a provider (someone not signed in yet)."""
    return _start(request, _provider(provider_code), "sign_in", _next_url(request, "/my/"))


def _flow(request: HttpRequest, provider: IdProvider) -> dict | None:
    flow = request.session.pop(FLOW_KEY, None)
    if not flow or flow.get("provider") != provider.code:
        return None
    if time.time() - flow.get("at", 0) > FLOW_SECONDS:
        return None
    return flow


def callback(request: HttpRequest, provider_code: str) -> HttpResponse:
    provider = _provider(provider_code)
    flow = _flow(request, provider)
    if flow is None:
        return _refuse(request, "state_mismatch", provider, "no sign-in started in this session")
    try:
        verified = federation.identity_from_callback(request, provider)
    except federation.FederationError as error:
        return _refuse(request, error.reason, provider, error.detail)
    if flow["purpose"] == "link":
        return _link_signed_in(request, provider, verified, flow)
    linked = selectors.external_identity(issuer=verified.issuer, subject=verified.subject)
    if linked is not None and linked.user.is_active:
        return _link_and_sign_in(request, provider, linked.user, verified, flow["next"])
    request.session[PENDING_KEY] = {
        "provider": verified.provider,
        "issuer": verified.issuer,
        "subject": verified.subject,
        "claims": verified.claims,
        "next": flow["next"],
        "at": time.time(),
    }
    return redirect("identity:verify-link")


def _link_signed_in(request, provider, verified, flow) -> HttpResponse:
    user = request.user
    if not user.is_authenticated or user.pk != flow.get("user"):
        return _refuse(request, "session_changed", provider)
    try:
        services.identity_link(user=user, verified=verified)
    except services.IdentityLinkRefused as refused:
        return _refuse(request, refused.reason, provider, f"user {user.pk}")
    messages.success(
        request,
        _(
            "Your identity is verified. Your name, address, date of birth "
            "and sex are now recorded as verified."
        ),
    )
    return redirect(flow["next"])


def _link_and_sign_in(request, provider, user, verified, next_url) -> HttpResponse:
    try:
        services.identity_link(user=user, verified=verified)
    except services.IdentityLinkRefused as refused:
        return _refuse(request, refused.reason, provider, f"user {user.pk}")
    request.session.pop(PENDING_KEY, None)
    login(request, user, backend=BACKEND)
    audit_record(
        action="account.sign_in", actor=user, target=user, data={"provider": provider.code}
    )
    return redirect(next_url)


def _pending(request: HttpRequest) -> federation.VerifiedIdentity | None:
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending.get("at", 0) > FLOW_SECONDS:
        return None
    return federation.VerifiedIdentity(
        provider=pending["provider"],
        issuer=pending["issuer"],
        subject=pending["subject"],
        claims=pending["claims"],
    )


def verify_link(request: HttpRequest) -> HttpResponse:
    """After a provider sign-in with no linked account: link an account, or create one."""
    verified = _pending(request)
    if verified is None:
        return redirect("identity:sign-in")
    provider = id_providers[verified.provider]
    claims = verified.claims
    next_url = request.session[PENDING_KEY].get("next", "/my/")
    action = request.POST.get("action")
    link_form = LinkAccountForm(request, data=request.POST if action == "link" else None)
    new_form = NewAccountForm(request.POST if action == "create" else None)
    if action == "link" and link_form.is_valid():
        return _link_and_sign_in(request, provider, link_form.get_user(), verified, next_url)
    if action == "create" and new_form.is_valid():
        user = services.account_register_verified(
            email=new_form.cleaned_data["email"], verified=verified
        )
        return _link_and_sign_in(request, provider, user, verified, next_url)
    return render(
        request,
        "identity/verify_link.html",
        {
            "provider": provider,
            "link_form": link_form,
            "new_form": new_form,
            "name": f"{claims.get('family_name', '')} {claims.get('given_name', '')}",
        },
    )


def _sign_in_url() -> str:
    from django.urls import reverse

    return reverse("identity:sign-in")
