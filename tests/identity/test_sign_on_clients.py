"""The platform team registers bureau applications; the registration is audited."""

import io

import pytest
from django.core.management import CommandError, call_command

from kiban.audit.models import AuditRecord
from kiban.identity.models import SignOnClient
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def register(*extra: str) -> str:
    out = io.StringIO()
    call_command(
        "sign_on_client_register", "--organisation", "welfare", "--client-id", "portal",
        "--name-ja", "ポータル", "--name-en", "Portal", "--purpose-ja", "案内", "--purpose-en",
        "Guidance", "--redirect-uri", "https://portal.example/callback", *extra, stdout=out,
    )
    return out.getvalue()


def test_a_bureau_application_is_registered_with_its_scopes_and_a_secret_shown_once():
    OrganisationFactory(code="welfare")

    output = register("--scopes", "profile,address", "--member-system", "tokyo/welfare/portal")

    client = SignOnClient.objects.get()
    assert client.scopes == ["profile", "address"]
    assert client.member_system == "tokyo/welfare/portal"
    assert client.application.redirect_uris == "https://portal.example/callback"
    assert "Client secret (shown once): " in output
    assert output.split(": ")[-1].strip() != client.application.client_secret  # stored hashed
    assert AuditRecord.objects.filter(action="sign_on_client.register").exists()


def test_an_unknown_scope_is_refused():
    OrganisationFactory(code="welfare")

    with pytest.raises(CommandError):
        register("--scopes", "profile,my_number")

    assert not SignOnClient.objects.exists()
