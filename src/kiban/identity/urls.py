from django.urls import path

from kiban.identity import federation_views, security_views, views

app_name = "identity"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/two-factor/", views.two_factor, name="two-factor"),
    path("sign-in/authenticator/", views.totp_setup, name="totp-setup"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("register/", views.register, name="register"),
    path("password-reset/", views.password_reset, name="password-reset"),
    path("password-reset/sent/", views.password_reset_done, name="password-reset-done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password-reset-confirm",
    ),
    path("password-reset/done/", views.password_reset_complete, name="password-reset-complete"),
    # Identity verification and sign-in with external providers (national ID, GビズID).
    path("verify/", federation_views.verify, name="verify"),
    path("verify/link/", federation_views.verify_link, name="verify-link"),
    path("verify/<str:provider_code>/start/", federation_views.sign_in_start, name="verify-start"),
    path("verify/<str:provider_code>/callback/", federation_views.callback, name="verify-callback"),
    # Security: signed-in sessions and passkeys.
    path("security/", security_views.security, name="security"),
    path("security/sessions/<int:session_id>/end/", security_views.session_end, name="session-end"),
    path(
        "security/passkeys/options/",
        security_views.passkey_register_options,
        name="passkey-register-options",
    ),
    path("security/passkeys/", security_views.passkey_register, name="passkey-register"),
    path(
        "sign-in/passkey/options/",
        security_views.passkey_sign_in_options,
        name="passkey-sign-in-options",
    ),
    path("sign-in/passkey/", security_views.passkey_sign_in, name="passkey-sign-in"),
]
