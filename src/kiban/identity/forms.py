from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from kiban.identity.models import User
from kiban.jp.width import fold_width


class SignInForm(AuthenticationForm):
    username = forms.CharField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean_username(self) -> str:
        # Residents type e-mail addresses in full width on Japanese keyboards; accept it.
        return fold_width(self.cleaned_data["username"]).strip().lower()


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "short"}
        ),
    )

    def clean_code(self) -> str:
        code = "".join(ch for ch in fold_width(self.cleaned_data["code"]) if ch.isdigit())
        if len(code) != 6:
            raise forms.ValidationError(_("Enter the 6 digits shown in your authenticator app."))
        return code


class RegisterForm(forms.Form):
    display_name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 10 characters."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self) -> str:
        email = fold_width(self.cleaned_data["email"]).strip().lower()
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(_("An account with this e-mail address already exists."))
        return email

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password"):
            try:
                password_validation.validate_password(
                    cleaned["password"], User(email=cleaned.get("email", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class ReauthenticateForm(forms.Form):
    """Confirm it is still the account holder before linking an identity to the account."""

    password = forms.CharField(
        label=_("Your kiban password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user: User, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not user.has_usable_password():
            # An account created through the identity provider has no password to confirm.
            del self.fields["password"]


class LinkAccountForm(SignInForm):
    """Sign in with the password of the existing account to link a verified identity to it."""

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if not user.is_resident:
            raise forms.ValidationError(
                _("Only residents' and businesses' accounts can be linked."), code="not_resident"
            )


class NewAccountForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def clean_email(self) -> str:
        email = fold_width(self.cleaned_data["email"]).strip().lower()
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(
                _("An account with this e-mail address already exists. Link it instead.")
            )
        return email
