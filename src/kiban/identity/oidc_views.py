"""The pages of kiban's OpenID Connect provider: the consent to release data to an application.

Everything else (token, userinfo, JWKS, discovery, logout) is django-oauth-toolkit's, mounted
under /oidc/ by `oidc_urls`.
"""

from django.contrib.auth.views import redirect_to_login
from django.utils.translation import get_language
from oauth2_provider import views as dot_views

from kiban.identity import services
from kiban.identity.oidc_provider import attributes_for_scopes, sign_on_client_of
from kiban.registry import selectors as registry_selectors


def _consent_covers(user, sign_on, codes: list[str]) -> bool:
    subject = registry_selectors.subject_of_user(user)
    if subject is None:
        return False
    given = registry_selectors.consented_codes(
        subject=subject, purpose=sign_on.consent_purpose, organisation=sign_on.organisation
    )
    return set(codes) <= given


class AuthorizationView(dot_views.AuthorizationView):
    """Ask the resident once to release data to an application; remember it as a consent."""

    template_name = "identity/oidc_authorize.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and user.is_staff_member and not user.is_verified():
            # Staff act only after their second factor, here as everywhere.
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)

    def render_to_response(self, context, **kwargs):
        application = context.get("application")
        sign_on = sign_on_client_of(application) if application else None
        if sign_on is None:
            return super().render_to_response(context, **kwargs)
        codes = attributes_for_scopes(context.get("scopes", []))
        if _consent_covers(self.request.user, sign_on, codes):
            form = self.get_form_class()(data={**self.get_initial(), "allow": True})
            if form.is_valid():
                return self.form_valid(form)
        catalogue = {a.code: a for a in registry_selectors.attribute_catalogue()}
        language = get_language()
        context.update(
            {
                "sign_on": sign_on,
                "client_name": sign_on.name(language),
                "client_purpose": sign_on.purpose(language),
                "organisation_name": sign_on.organisation.name(language),
                "attribute_labels": [catalogue[c].label(language) for c in codes if c in catalogue],
            }
        )
        return super().render_to_response(context, **kwargs)

    def form_valid(self, form):
        if form.cleaned_data.get("allow"):
            application = self._application(form.cleaned_data.get("client_id"))
            sign_on = sign_on_client_of(application) if application else None
            scopes = (form.cleaned_data.get("scope") or "").split()
            codes = attributes_for_scopes(
                [s for s in scopes if sign_on is not None and s in sign_on.scopes]
            )
            if sign_on is not None and codes:
                services.sign_on_consent_give(user=self.request.user, client=sign_on, codes=codes)
        return super().form_valid(form)

    @staticmethod
    def _application(client_id):
        from oauth2_provider.models import get_application_model

        return get_application_model().objects.filter(client_id=client_id).first()
