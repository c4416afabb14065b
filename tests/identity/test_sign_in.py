import pytest
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kiban.audit.models import AuditRecord
from kiban.identity.services import totp_device_create
from tests.factories import ResidentFactory, StaffFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_resident_signs_in_with_password(client):
    resident = ResidentFactory()

    response = client.post("/accounts/sign-in/", {"username": resident.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/my/"
    assert client.session["_auth_user_id"] == str(resident.pk)


def test_full_width_email_is_accepted(client):
    ResidentFactory(email="hanako@example.jp")

    response = client.post(
        "/accounts/sign-in/",
        {"username": "ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ", "password": PASSWORD},
    )

    assert response.status_code == 302


def test_wrong_password_shows_a_clear_error(client):
    resident = ResidentFactory()

    response = client.post("/accounts/sign-in/", {"username": resident.email, "password": "nope"})

    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_account_locks_after_repeated_failures(client, settings):
    resident = ResidentFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/sign-in/", {"username": resident.email, "password": "nope"})

    response = client.post("/accounts/sign-in/", {"username": resident.email, "password": PASSWORD})

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_staff_must_pass_totp(client):
    staff = StaffFactory()
    device = totp_device_create(user=staff, confirmed=True)

    first = client.post("/accounts/sign-in/", {"username": staff.email, "password": PASSWORD})
    assert first["Location"] == "/accounts/sign-in/two-factor/"
    assert "_auth_user_id" not in client.session
    wrong = client.post(
        "/accounts/sign-in/two-factor/",
        {"code": "000000" if current_code(device) != "000000" else "111111"},
    )
    assert "_auth_user_id" not in client.session
    assert wrong.status_code == 200
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    done = client.post("/accounts/sign-in/two-factor/", {"code": current_code(device)})

    assert done.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)
    assert client.session["otp_device_id"] == device.persistent_id


def test_staff_without_an_authenticator_enrols_one(client):
    staff = StaffFactory()

    response = client.post(
        "/accounts/sign-in/", {"username": staff.email, "password": PASSWORD}, follow=True
    )
    device = TOTPDevice.objects.get(user=staff)
    confirm = client.post("/accounts/sign-in/authenticator/", {"code": current_code(device)})

    assert "<svg" in response.content.decode()
    assert confirm.status_code == 302
    device.refresh_from_db()
    assert device.confirmed


def test_register_creates_a_resident_with_a_subject(client):
    response = client.post(
        "/accounts/register/",
        {
            "display_name": "𠮷田 太郎",
            "email": "new@example.jp",
            "password": "a-long-password-2026",
        },
    )

    assert response.status_code == 302
    from kiban.identity.models import User

    user = User.objects.get(email="new@example.jp")
    assert user.display_name == "𠮷田 太郎"
    assert user.subject is not None


def test_password_reset_sends_an_email(client):
    resident = ResidentFactory()

    client.post("/accounts/password-reset/", {"email": resident.email})

    assert len(mail.outbox) == 1
    assert "/accounts/password-reset/" in mail.outbox[0].body


def test_sign_in_and_out_are_audited(client):
    resident = ResidentFactory()
    client.post("/accounts/sign-in/", {"username": resident.email, "password": PASSWORD})
    client.post("/accounts/sign-out/")

    actions = list(AuditRecord.objects.values_list("action", flat=True))
    assert "account.sign_in" in actions
    assert "account.sign_out" in actions
