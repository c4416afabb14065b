"""The demo installation (`kiban demo`) and synthetic residents (`kiban seed`)."""

import io
import re

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from kiban.audit.models import AuditRecord
from kiban.identity.constants import Role, UserKind
from kiban.identity.models import Membership, Organisation, User
from kiban.jp.numbers import is_valid_corporate_number
from kiban.procedures.constants import VersionStatus
from kiban.procedures.models import Procedure, ProcedureVersion
from kiban.registry.constants import SubjectKind
from kiban.registry.models import Consent, Fact, Subject
from kiban.web.demo import (
    ADMIN_EMAIL,
    BUSINESS_EMAIL,
    DEMO_PASSWORD,
    RESIDENT_EMAIL,
    SYNTHETIC_DOMAIN,
    demo_banner,
    demo_corporate_number,
    demo_totp_code,
    demo_totp_secret,
    load_demo,
    residents_seed,
    synthetic_resident,
)

pytestmark = pytest.mark.django_db

COUNTED = [User, Organisation, Membership, Subject, Fact, Consent, Procedure, ProcedureVersion,
           TOTPDevice, AuditRecord]


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def _prefill_codes(procedure: Procedure) -> set[str]:
    definition = procedure.versions.get().definition
    return {f["prefill"] for step in definition["steps"] for f in step["fields"] if "prefill" in f}


def _facts(email: str) -> dict[str, Fact]:
    return {f.attribute.code: f for f in Fact.objects.filter(subject__user__email=email)}


def test_load_demo_twice_changes_nothing():
    load_demo()
    first = _counts()

    load_demo()

    assert _counts() == first
    assert User.objects.filter(email__endswith=f"@{SYNTHETIC_DOMAIN}").count() == 1000


def test_demo_accounts_sign_in_with_the_demo_password():
    load_demo(residents=0)

    users = User.objects.filter(email__endswith="@demo.kiban.jp")

    assert users.count() == 8
    assert all(user.check_password(DEMO_PASSWORD) for user in users)


def test_caseworkers_act_in_their_bureau_with_a_confirmed_second_factor():
    load_demo(residents=0)

    caseworker = User.objects.get(email="caseworker.welfare@demo.kiban.jp")
    memberships = caseworker.memberships.filter(organisation__code="welfare")
    roles = set(memberships.values_list("role", flat=True))

    assert caseworker.kind == UserKind.STAFF
    assert Role.CASE_WORKER in roles
    assert TOTPDevice.objects.filter(user__kind=UserKind.STAFF, confirmed=True).count() == 5


def test_admin_may_use_the_django_admin_site():
    load_demo(residents=0)

    admin = User.objects.get(email=ADMIN_EMAIL)

    assert admin.is_staff and admin.is_superuser
    assert admin.memberships.filter(organisation__code="digital-service", role=Role.ADMIN).exists()


def test_demo_totp_code_is_accepted_by_the_staff_device():
    load_demo(residents=0)

    device = TOTPDevice.objects.get(user__email=ADMIN_EMAIL)

    assert device.verify_token(demo_totp_code())


def test_the_totp_command_prints_the_current_code():
    load_demo(residents=0)
    out = io.StringIO()

    call_command("totp", "caseworker.tax@demo.kiban.jp", stdout=out, stderr=io.StringIO())

    assert out.getvalue().strip() == demo_totp_code()


def test_the_business_has_a_valid_corporate_number():
    load_demo(residents=0)

    business = Subject.objects.get(kind=SubjectKind.BUSINESS, representatives__email=BUSINESS_EMAIL)
    number = business.facts.get(attribute__code="business.corporate_number").value

    assert number == demo_corporate_number()
    assert is_valid_corporate_number(number)
    assert business.facts.get(attribute__code="business.name").value == "株式会社デモ商会"


def test_four_procedures_are_published_by_four_bureaus():
    load_demo(residents=0)

    published = ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED)

    assert published.count() == 4
    assert set(published.values_list("procedure__organisation__code", flat=True)) == {
        "welfare", "housing", "tax", "industry",
    }


def test_procedures_share_attributes():
    load_demo(residents=0)

    codes = {p.code: _prefill_codes(p) for p in Procedure.objects.all()}
    residents = ["child-allowance", "housing-application", "tax-certificate"]

    assert all({"person.name", "person.phone"} <= codes[code] for code in residents)
    assert "person.address" in codes["child-allowance"] & codes["housing-application"]
    assert {"business.name", "business.corporate_number", "business.phone"} <= codes["sme-subsidy"]


def test_the_demo_resident_has_no_phone_but_consents_to_its_prefill():
    load_demo(residents=0)

    facts = _facts(RESIDENT_EMAIL)
    consent = Consent.objects.get(subject__user__email=RESIDENT_EMAIL, purpose="prefill")

    assert "person.phone" not in facts
    assert set(facts) == {
        "person.name", "person.birth_date", "person.address", "person.email", "person.bank_account",
    }
    assert facts["person.name"].value["family"] == "都民"
    assert facts["person.address"].value["key"] == "新宿区西新宿2-8-1"
    assert "person.phone" in set(consent.attributes.values_list("code", flat=True))


def test_the_banner_lists_sign_ins_and_the_second_factor():
    banner = demo_banner("http://127.0.0.1:8000")

    assert "http://127.0.0.1:8000" in banner
    assert RESIDENT_EMAIL in banner and ADMIN_EMAIL in banner and DEMO_PASSWORD in banner
    assert demo_totp_secret() in banner
    assert "kiban totp <email>" in banner
    assert re.search(r"Current code: \d{6}", banner)


def test_seed_creates_residents_with_facts():
    call_command("seed", "--residents", "50", stdout=io.StringIO())

    residents = User.objects.filter(email__endswith=f"@{SYNTHETIC_DOMAIN}")
    facts = Fact.objects.filter(subject__user__in=residents)

    assert residents.count() == 50
    assert facts.count() == 200
    assert set(facts.values_list("attribute__code", flat=True)) == {
        "person.name", "person.birth_date", "person.address", "person.phone",
    }


def test_seeded_names_round_trip_exactly():
    residents_seed(count=50)

    emails = {n: f"resident{n:05d}@{SYNTHETIC_DOMAIN}" for n in (3, 14, 15)}
    stored = {n: _facts(email)["person.name"].value for n, email in emails.items()}

    assert stored == {n: synthetic_resident(n)["name"] for n in (3, 14, 15)}
    assert [stored[n]["family"] for n in (3, 14, 15)] == ["齋藤", "\U00020bb7田", "山\ufa11"]


def test_seeding_again_adds_nobody():
    residents_seed(count=20)

    assert residents_seed(count=30) == 10
    assert User.objects.filter(email__endswith=f"@{SYNTHETIC_DOMAIN}").count() == 30


def test_seeded_addresses_are_real_tokyo_postal_codes():
    from kiban.jp.postal import lookup

    person = synthetic_resident(7)
    areas = lookup(person["address"]["postal_code"])

    assert [(a.prefecture, a.city, a.town) for a in areas] == [
        (person["address"]["prefecture"], person["address"]["city"], person["address"]["town"])
    ]
