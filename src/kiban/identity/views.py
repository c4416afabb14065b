import base64
import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from kiban.audit.services import audit_record, security_event
from kiban.identity import selectors, services
from kiban.identity.forms import CodeForm, RegisterForm, SignInForm
from kiban.identity.models import User

PENDING_KEY = "kiban_pending_2fa"
BACKEND = "kiban.identity.backends.AccountBackend"


def _next_url(request: HttpRequest, default: str = "/my/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return default


def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        default = "/staff/inbox/" if user.is_staff_member else "/my/"
        if services.role_requires_two_factor(user):
            request.session[PENDING_KEY] = {"user": user.pk, "next": _next_url(request, default)}
            has_passkey = selectors.passkeys_of(user=user).exists()
            if selectors.confirmed_totp_device(user=user) is None and not has_passkey:
                return redirect("identity:totp-setup")
            return redirect("identity:two-factor")
        login(request, user, backend=BACKEND)
        audit_record(action="account.sign_in", actor=user, target=user)
        return redirect(_next_url(request, default))
    from kiban.identity.id_providers import id_providers

    return render(
        request,
        "identity/sign_in.html",
        {
            "form": form,
            "next": _next_url(request, ""),
            "id_providers": id_providers.configured(),
        },
    )


def _pending_user(request: HttpRequest) -> tuple[User | None, str]:
    pending = request.session.get(PENDING_KEY) or {}
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    return user, pending.get("next", "/")


def two_factor(request: HttpRequest) -> HttpResponse:
    user, next_url = _pending_user(request)
    device = user and selectors.confirmed_totp_device(user=user)
    has_passkey = bool(user) and selectors.passkeys_of(user=user).exists()
    if device is None and not has_passkey:
        return redirect("identity:sign-in")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and device is not None:
        if device.verify_token(form.cleaned_data["code"]):
            del request.session[PENDING_KEY]
            login(request, user, backend=BACKEND)
            otp_login(request, device)
            audit_record(action="account.sign_in", actor=user, target=user, data={"2fa": "totp"})
            return redirect(next_url)
        security_event(action="totp_failed", request=request, data={"user": user.pk})
        form.add_error("code", _("That code is not right or has expired. Try the current code."))
    return render(
        request,
        "identity/two_factor.html",
        {
            "form": form,
            "has_totp": device is not None,
            "has_passkey": has_passkey,
        },
    )


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


def totp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app during a staff member's first sign-in."""
    user, next_url = _pending_user(request)
    if user is None or selectors.confirmed_totp_device(user=user) is not None:
        return redirect("identity:sign-in")
    device = user.totpdevice_set.filter(confirmed=False).first() or services.totp_device_create(
        user=user
    )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            services.totp_device_confirm(device=device)
            del request.session[PENDING_KEY]
            login(request, user, backend=BACKEND)
            otp_login(request, device)
            return redirect(next_url)
        form.add_error("code", _("That code is not right or has expired. Try the current code."))
    secret = base64.b32encode(device.bin_key).decode()
    uri = device.config_url
    return render(
        request,
        "identity/totp_setup.html",
        {"form": form, "secret": secret, "qr_svg": _qr_svg(uri)},
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit_record(action="account.sign_out", actor=request.user, target=request.user)
    services.session_forget(session_key=request.session.session_key)
    logout(request)
    messages.success(request, _("You have signed out."))
    return redirect("web:home")


def register(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.account_register(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
            display_name=form.cleaned_data["display_name"],
        )
        login(request, user, backend=BACKEND)
        messages.success(request, _("Your account has been created."))
        return redirect("submissions:my-page")
    return render(request, "identity/register.html", {"form": form})


password_reset = auth_views.PasswordResetView.as_view(
    template_name="identity/password_reset.html",
    email_template_name="identity/password_reset_email.txt",
    subject_template_name="identity/password_reset_subject.txt",
    success_url=reverse_lazy("identity:password-reset-done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="identity/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="identity/password_reset_confirm.html",
    success_url=reverse_lazy("identity:password-reset-complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="identity/password_reset_complete.html"
)
