"""The security page (signed-in sessions, passkeys) and the passkey ceremonies' endpoints."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from kiban.audit.services import audit_record, security_event
from kiban.identity import passkeys, selectors, services
from kiban.identity.models import PasskeyDevice, UserSession
from kiban.identity.views import BACKEND, PENDING_KEY, _pending_user

MAX_CREDENTIAL_BYTES = 64 * 1024


def _second_factor_if_staff(request: HttpRequest):
    """Staff manage their security only after their second factor."""
    if request.user.is_staff_member and not request.user.is_verified():
        return redirect_to_login(request.get_full_path())
    return None


@login_required
def security(request: HttpRequest) -> HttpResponse:
    if (refused := _second_factor_if_staff(request)) is not None:
        return refused
    if request.method == "POST" and request.POST.get("remove_passkey"):
        device = get_object_or_404(
            PasskeyDevice, pk=request.POST["remove_passkey"], user=request.user
        )
        services.passkey_delete(device=device, actor=request.user)
        messages.success(request, _("The passkey was removed."))
        return redirect("identity:security")
    return render(
        request,
        "identity/security.html",
        {
            "sessions": selectors.sessions_of(user=request.user),
            "current_key": request.session.session_key,
            "passkeys": selectors.passkeys_of(user=request.user),
            "can_add_passkey": request.user.is_staff_member,
        },
    )


@login_required
@require_POST
def session_end(request: HttpRequest, session_id: int) -> HttpResponse:
    if (refused := _second_factor_if_staff(request)) is not None:
        return refused
    session = get_object_or_404(UserSession, pk=session_id, user=request.user)
    if session.session_key == request.session.session_key:
        messages.error(request, _("To end this session, sign out."))
        return redirect("identity:security")
    services.session_end(session=session, actor=request.user)
    messages.success(request, _("The session was ended. That device is signed out."))
    return redirect("identity:security")


def _credential(request: HttpRequest) -> str:
    if len(request.body) > MAX_CREDENTIAL_BYTES:
        raise passkeys.PasskeyRefused("too large")
    return request.body.decode("utf-8", errors="replace")


@login_required
@require_POST
def passkey_register_options(request: HttpRequest) -> HttpResponse:
    if not request.user.is_staff_member or not request.user.is_verified():
        return JsonResponse({"error": "second_factor_required"}, status=403)
    return HttpResponse(
        passkeys.registration_options(request, request.user), content_type="application/json"
    )


@login_required
@require_POST
def passkey_register(request: HttpRequest) -> HttpResponse:
    if not request.user.is_staff_member or not request.user.is_verified():
        return JsonResponse({"error": "second_factor_required"}, status=403)
    try:
        credential = passkeys.registration_verify(request, _credential(request))
    except passkeys.PasskeyRefused as refused:
        security_event(
            action="passkey_register_refused", request=request, data={"why": str(refused)}
        )
        return JsonResponse({"error": _("The passkey could not be added. Try again.")}, status=400)
    name = request.headers.get("X-Passkey-Name", "") or _("Passkey")
    services.passkey_register(user=request.user, name=name, credential=credential)
    messages.success(request, _("The passkey was added. You can use it at your next sign-in."))
    return JsonResponse({"redirect": "/accounts/security/"})


@require_POST
def passkey_sign_in_options(request: HttpRequest) -> HttpResponse:
    user, _next = _pending_user(request)
    if user is None or not selectors.passkeys_of(user=user).exists():
        return JsonResponse({"error": "no_pending_sign_in"}, status=400)
    return HttpResponse(
        passkeys.authentication_options(request, user), content_type="application/json"
    )


@require_POST
def passkey_sign_in(request: HttpRequest) -> HttpResponse:
    """The second step of a staff sign-in with a passkey (after the password)."""
    user, next_url = _pending_user(request)
    if user is None:
        return JsonResponse({"error": "no_pending_sign_in"}, status=400)
    try:
        device, sign_count = passkeys.authentication_verify(request, user, _credential(request))
    except passkeys.PasskeyRefused as refused:
        security_event(
            action="passkey_failed", request=request, data={"user": user.pk, "why": str(refused)}
        )
        return JsonResponse(
            {"error": _("That passkey was not accepted. Try again or use your authenticator app.")},
            status=400,
        )
    services.passkey_use(device=device, sign_count=sign_count)
    del request.session[PENDING_KEY]
    login(request, user, backend=BACKEND)
    otp_login(request, device)
    audit_record(action="account.sign_in", actor=user, target=user, data={"2fa": "passkey"})
    return JsonResponse({"redirect": next_url})
