"""Staff second factors (TOTP or a passkey) before personal data, idle sessions, the list of
sessions a user can end."""

import time

import pytest
from django.test import Client
from django_otp.oath import totp

from kiban.audit.models import AuditRecord
from kiban.identity.middleware import LAST_SEEN_KEY
from kiban.identity.models import PasskeyDevice, UserSession
from kiban.identity.services import totp_device_create
from tests.factories import MembershipFactory, ResidentFactory
from tests.identity.soft_authenticator import SoftAuthenticator

PASSWORD = "correct-horse-battery"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _relying_party(settings):
    settings.KIBAN_WEBAUTHN_RP_ID = "testserver"


@pytest.fixture
def case_worker():
    worker = MembershipFactory().user
    totp_device_create(user=worker, confirmed=True)
    return worker


def password_step(client: Client, user) -> None:
    response = client.post("/accounts/sign-in/", {"username": user.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/sign-in/two-factor/"


def sign_in_with_totp(user) -> Client:
    client = Client()
    password_step(client, user)
    device = user.totpdevice_set.get()
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert client.post("/accounts/sign-in/two-factor/", {"code": code}).status_code == 302
    return client


def register_passkey(client: Client, authenticator: SoftAuthenticator):
    options = client.post("/accounts/security/passkeys/options/").content.decode()
    return client.post(
        "/accounts/security/passkeys/",
        authenticator.create(options),
        content_type="application/json",
    )


def passkey_step(client: Client, authenticator: SoftAuthenticator, **kwargs):
    options = client.post("/accounts/sign-in/passkey/options/").content.decode()
    return client.post(
        "/accounts/sign-in/passkey/",
        authenticator.get(options, **kwargs),
        content_type="application/json",
    )


def test_a_case_worker_with_only_a_password_cannot_open_the_inbox(case_worker):
    client = Client()
    password_step(client, case_worker)

    response = client.get("/staff/inbox/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_a_staff_member_adds_a_passkey_after_the_code(case_worker):
    client = sign_in_with_totp(case_worker)

    response = register_passkey(client, SoftAuthenticator())

    assert response.status_code == 200, response.content
    assert PasskeyDevice.objects.get(user=case_worker).sign_count == 0
    assert AuditRecord.objects.filter(action="passkey.register").exists()


def test_a_passkey_is_the_second_step_before_the_inbox(case_worker):
    authenticator = SoftAuthenticator()
    register_passkey(sign_in_with_totp(case_worker), authenticator)
    client = Client()
    password_step(client, case_worker)

    response = passkey_step(client, authenticator)

    assert response.status_code == 200, response.content
    assert response.json()["redirect"] == "/staff/inbox/"
    assert client.get("/staff/inbox/").status_code == 200
    assert PasskeyDevice.objects.get().sign_count == 1


def test_a_passkey_for_another_site_is_refused(case_worker):
    authenticator = SoftAuthenticator()
    register_passkey(sign_in_with_totp(case_worker), authenticator)
    client = Client()
    password_step(client, case_worker)

    response = passkey_step(client, authenticator, rp_id="evil.example")

    assert response.status_code == 400
    assert client.get("/staff/inbox/").status_code == 302
    assert AuditRecord.objects.filter(action="security.passkey_failed").exists()


def test_an_unknown_passkey_is_refused(case_worker):
    register_passkey(sign_in_with_totp(case_worker), SoftAuthenticator())
    client = Client()
    password_step(client, case_worker)

    response = passkey_step(client, SoftAuthenticator())

    assert response.status_code == 400


def test_a_replayed_passkey_answer_is_refused(case_worker):
    authenticator = SoftAuthenticator()
    register_passkey(sign_in_with_totp(case_worker), authenticator)
    client = Client()
    password_step(client, case_worker)
    options = client.post("/accounts/sign-in/passkey/options/").content.decode()
    answer = authenticator.get(options)
    client.post("/accounts/sign-in/passkey/", answer, content_type="application/json")
    other = Client()
    password_step(other, case_worker)
    other.post("/accounts/sign-in/passkey/options/")

    replay = other.post("/accounts/sign-in/passkey/", answer, content_type="application/json")

    assert replay.status_code == 400


def test_an_idle_staff_session_ends(case_worker):
    client = sign_in_with_totp(case_worker)
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - 31 * 60
    session.save()

    response = client.get("/staff/inbox/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")
    assert "_auth_user_id" not in client.session
    assert AuditRecord.objects.filter(action="account.idle_sign_out").exists()


def test_a_resident_session_survives_half_an_hour(client):
    resident = ResidentFactory()
    client.force_login(resident)
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - 31 * 60
    session.save()

    assert client.get("/my/data/").status_code == 200


def test_a_user_sees_their_sessions_and_ends_another(db):
    resident = ResidentFactory()
    phone = Client(HTTP_USER_AGENT="Phone", HTTP_ACCEPT_LANGUAGE="en")
    laptop = Client(HTTP_USER_AGENT="Laptop", HTTP_ACCEPT_LANGUAGE="en")
    phone.force_login(resident)
    laptop.post("/accounts/sign-in/", {"username": resident.email, "password": PASSWORD})
    phone_session = UserSession.objects.get(session_key=phone.session.session_key)

    page = laptop.get("/accounts/security/").content.decode()
    ended = laptop.post(f"/accounts/security/sessions/{phone_session.pk}/end/")

    assert page.count("End this session") == 1
    assert ended.status_code == 302
    assert phone.get("/my/data/").status_code == 302
    assert laptop.get("/my/data/").status_code == 200
    assert not UserSession.objects.filter(pk=phone_session.pk).exists()


def test_nobody_ends_someone_elses_session(db):
    owner, other = ResidentFactory(), ResidentFactory()
    owner_client, other_client = Client(), Client()
    owner_client.force_login(owner)
    other_client.force_login(other)
    session = UserSession.objects.get(user=owner)

    response = other_client.post(f"/accounts/security/sessions/{session.pk}/end/")

    assert response.status_code == 404
    assert owner_client.get("/my/data/").status_code == 200
