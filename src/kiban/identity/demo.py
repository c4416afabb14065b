"""Identity parts of the demo: the development identity provider's people and clients, the
sample bureau application (examples/bureau_app), and the links between demo accounts and
demo identities. `kiban.web.demo.load_demo` calls `identity_demo_load`.
"""

import os
from datetime import date

from django.conf import settings

from kiban.identity import services
from kiban.identity.models import ExternalIdentity, Organisation, SignOnClient, User

BUREAU_APP_CLIENT_ID = "tokyo-kosodate-portal"
BUREAU_APP_SECRET = "bureau-app-demo-secret"
BUREAU_APP_SYSTEM = "tokyo/welfare/kosodate-portal"
BUREAU_APP_NAME = ("子育て応援ポータル（サンプル）", "Childcare Support Portal (sample)")


def bureau_app_url() -> str:
    """Return where the sample bureau application runs (kiban's port + 1 by default)."""
    if os.environ.get("KIBAN_BUREAU_APP_URL"):
        return os.environ["KIBAN_BUREAU_APP_URL"].rstrip("/")
    port = int(settings.BASE_URL.rsplit(":", 1)[-1].strip("/") or 8000) + 1
    return f"http://localhost:{port}"


def _member_system(organisation: Organisation) -> tuple[str, str]:
    """Register the sample application as a member system with a sign-in contract (exchange)."""
    from kiban.exchange.models import Contract, MemberSystem
    from kiban.exchange.services import contract_grant, system_register

    system = MemberSystem.objects.filter(code=BUREAU_APP_SYSTEM).first()
    if system is None:
        system, _ = system_register(
            code=BUREAU_APP_SYSTEM, organisation=organisation, name=BUREAU_APP_NAME[0]
        )
    contract = Contract.objects.filter(
        system=system, purpose="resident-sign-in", revoked_at=None
    ).first()
    if contract is None:
        contract = contract_grant(
            system=system,
            purpose="resident-sign-in",
            valid_from=date(2026, 4, 1),
            legal_basis="本人の同意（サインイン時に kiban の画面で確認）",
            description="kiban でのサインイン（OpenID Connect）。属性は住民の同意がある場合に限り、"
            "userinfo で提供する。",
        )
    return system.code, f"{system.code} · {contract.purpose}"


def bureau_app_register(organisation: Organisation) -> SignOnClient:
    url = bureau_app_url()
    existing = SignOnClient.objects.filter(
        application__client_id=BUREAU_APP_CLIENT_ID,
        application__redirect_uris=f"{url}/callback",
    ).first()
    if existing is not None:
        return existing
    system, contract = _member_system(organisation)
    return services.sign_on_client_register(
        organisation=organisation,
        client_id=BUREAU_APP_CLIENT_ID,
        client_secret=BUREAU_APP_SECRET,
        name_ja=BUREAU_APP_NAME[0],
        name_en=BUREAU_APP_NAME[1],
        purpose_ja="子育て支援の案内を、お住まいの地域に合わせて表示するため",
        purpose_en="To show childcare support for the area you live in",
        redirect_uris=[f"{url}/callback"],
        post_logout_redirect_uris=[f"{url}/"],
        scopes=["profile", "address"],
        member_system=system,
        contract=contract,
    )


def _link(user: User, provider: str, subject: str) -> None:
    """Link a demo account to its demo identity at the provider's current issuer URL."""
    issuer = settings.ID_PROVIDERS[provider]["issuer"].rstrip("/")
    ExternalIdentity.objects.update_or_create(
        user=user, provider=provider, defaults={"issuer": issuer, "subject": subject}
    )


def _newcomer_load(user: User) -> None:
    """Give 港 さくら her own declarations only: her account is self-asserted."""
    from kiban.jp.address import address_key
    from kiban.registry import services as registry
    from kiban.registry.constants import Method, Purpose, SourceKind
    from kiban.registry.models import Consent, Fact

    subject = user.subject
    if not Fact.objects.filter(subject=subject).exists():
        name = {
            "family": "港",
            "given": "さくら",
            "family_reading": "ミナト",
            "given_reading": "サクラ",
        }
        address = {
            "postal_code": "1050011",
            "prefecture": "東京都",
            "city": "港区",
            "town": "芝公園",
            "street": "3-5-12",
            "building": "",
            "key": address_key("東京都港区芝公園3-5-12"),
        }
        for code, value in (
            ("person.name", name),
            ("person.address", address),
            ("person.email", user.email),
        ):
            registry.fact_record(
                subject=subject,
                attribute_code=code,
                value=value,
                source_kind=SourceKind.SELF,
                method=Method.DECLARED,
                valid_from=date(2025, 4, 1),
                recorded_by=user,
            )
    if not Consent.objects.filter(subject=subject, purpose=Purpose.PREFILL).exists():
        registry.consent_give(
            subject=subject,
            purpose=Purpose.PREFILL,
            actor=user,
            attribute_codes=["person.name", "person.address", "person.email", "person.phone"],
        )


def _representations_load(users: dict[str, User]) -> None:
    """都民 花子 acts for her son 都民 一郎 (no account); 事業 太郎 represents his business."""
    from kiban.registry import services as registry
    from kiban.registry.constants import Method, RepresentationKind, SourceKind, SubjectKind
    from kiban.registry.models import Representation, Subject

    parent = users["resident@demo.kiban.jp"]
    if not Representation.objects.filter(agent=parent, kind=RepresentationKind.PARENT).exists():
        child = registry.subject_create_for_user(user=None)
        name = {
            "family": "都民",
            "given": "一郎",
            "family_reading": "トミン",
            "given_reading": "イチロウ",
        }
        for code, value in (("person.name", name), ("person.birth_date", "2020-05-01")):
            registry.fact_record(
                subject=child,
                attribute_code=code,
                value=value,
                source_kind=SourceKind.NATIONAL_ID,
                method=Method.VERIFIED,
                source_label="住民基本台帳（デモ）",
                valid_from=date(2020, 5, 1),
            )
        registry.representation_record(
            subject=child,
            agent=parent,
            kind=RepresentationKind.PARENT,
            source_label="住民基本台帳（デモ）",
            actor=parent,
        )
    business_user = users["business@demo.kiban.jp"]
    business = Subject.objects.filter(
        kind=SubjectKind.BUSINESS, representatives=business_user
    ).first()
    if business is not None:
        registry.representation_record(
            subject=business,
            agent=business_user,
            kind=RepresentationKind.REPRESENTATIVE,
            source_label="GビズID（デモ）",
            actor=business_user,
        )


def identity_demo_load(
    *, organisations: dict[str, Organisation], users: dict[str, User], corporate_number: str
) -> None:
    """Load the dev IdP's people and clients, link the verified demo accounts, register the
    sample bureau application."""
    from kiban.devidp.services import demo_load

    if settings.KIBAN_DEV_IDP:
        demo_load(
            kiban_url=settings.BASE_URL.rstrip("/"),
            corporate_number=corporate_number,
            credentials={code: settings.ID_PROVIDERS[code] for code in ("national", "business")},
        )
        _link(users["resident@demo.kiban.jp"], "national", "devidp-national-tomin-hanako")
        _link(users["business@demo.kiban.jp"], "business", "devidp-business-jigyo-taro")
    _newcomer_load(users["newcomer@demo.kiban.jp"])
    _representations_load(users)
    bureau_app_register(organisations["welfare"])


def identity_banner_lines(url: str) -> list[str]:
    """Return the banner's lines about verified identity, single sign-on and passkeys."""
    return [
        "Verified identity: sign in as newcomer@demo.kiban.jp (港 さくら, not verified yet) and",
        "start 納税証明書の交付請求: it asks you to verify first. The development national ID",
        f"provider ({url}/dev-idp/national/) lets you pick 港 さくら instead of reading a card;",
        "back in kiban the name and address are verified facts (My data) and you can apply.",
        "Or use “Sign in with My Number card” on the sign-in page (都民 花子 is linked).",
        "",
        f"Sign in to a bureau application through kiban: {bureau_app_url()}/",
        "  (the sample in examples/bureau_app, started by `kiban demo`; no second password)",
        "Staff passkeys: open kiban at http://localhost:<port>/ (browsers refuse IP addresses),",
        "  sign in with the code once, then add a passkey under /accounts/security/.",
        "",
    ]
