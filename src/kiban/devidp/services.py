"""Writes of the development identity provider: its demo people and its registered clients."""

from datetime import date

from django.contrib.auth.hashers import make_password
from django.db import transaction

from kiban.devidp.constants import Issuer
from kiban.devidp.models import Client, Person

# Made-up people. 都民 花子 and 事業 太郎 match kiban's demo accounts; 港 さくら is the demo
# resident who has not verified yet. Addresses use real postal codes, made-up house numbers.
DEMO_PEOPLE = [
    {
        "issuer": Issuer.NATIONAL,
        "code": "tomin-hanako",
        "sub": "devidp-national-tomin-hanako",
        "family_name": "都民",
        "given_name": "花子",
        "family_name_kana": "トミン",
        "given_name_kana": "ハナコ",
        "birthdate": date(1985, 4, 12),
        "gender": "female",
        "postal_code": "1638001",
        "region": "東京都",
        "locality": "新宿区",
        "street_address": "西新宿2-8-1",
        "note": "resident@demo.kiban.jp（確認済み / verified）",
    },
    {
        "issuer": Issuer.NATIONAL,
        "code": "minato-sakura",
        "sub": "devidp-national-minato-sakura",
        "family_name": "港",
        "given_name": "さくら",
        "family_name_kana": "ミナト",
        "given_name_kana": "サクラ",
        "birthdate": date(1994, 9, 15),
        "gender": "female",
        "postal_code": "1050011",
        "region": "東京都",
        "locality": "港区",
        "street_address": "芝公園3-5-12",
        "note": "newcomer@demo.kiban.jp（未確認 / not verified yet）",
    },
    {
        "issuer": Issuer.NATIONAL,
        "code": "shinjuku-jiro",
        "sub": "devidp-national-shinjuku-jiro",
        "family_name": "新宿",
        "given_name": "次郎",
        "family_name_kana": "シンジュク",
        "given_name_kana": "ジロウ",
        "birthdate": date(1952, 1, 30),
        "gender": "male",
        "postal_code": "1600022",
        "region": "東京都",
        "locality": "新宿区",
        "street_address": "新宿4-1-6",
        "note": "kiban のアカウントなし / no kiban account yet",
    },
    {
        "issuer": Issuer.BUSINESS,
        "code": "jigyo-taro",
        "sub": "devidp-business-jigyo-taro",
        "family_name": "事業",
        "given_name": "太郎",
        "family_name_kana": "ジギョウ",
        "given_name_kana": "タロウ",
        "postal_code": "1000005",
        "region": "東京都",
        "locality": "千代田区",
        "street_address": "丸の内1-1-1",
        "corporate_name": "株式会社デモ商会",
        "note": "business@demo.kiban.jp（gBizIDプライム）",
    },
]


@transaction.atomic
def person_save(*, issuer: str, code: str, **fields) -> Person:
    person, _ = Person.objects.update_or_create(issuer=issuer, code=code, defaults=fields)
    return person


@transaction.atomic
def client_register(
    *,
    issuer: str,
    client_id: str,
    client_secret: str,
    name: str,
    redirect_uris: list[str],
    post_logout_redirect_uris: list[str] | None = None,
) -> Client:
    """Register (or update) a relying party; the secret is stored hashed."""
    client, _ = Client.objects.update_or_create(
        issuer=issuer,
        client_id=client_id,
        defaults={
            "client_secret_hash": make_password(client_secret),
            "name": name,
            "redirect_uris": redirect_uris,
            "post_logout_redirect_uris": post_logout_redirect_uris or [],
        },
    )
    return client


def demo_load(*, kiban_url: str, corporate_number: str, credentials: dict[str, dict]) -> None:
    """Create the demo people and register kiban at both issuers with `credentials` by issuer."""
    for person in DEMO_PEOPLE:
        fields = dict(person)
        if fields["issuer"] == Issuer.BUSINESS:
            fields["corporate_number"] = corporate_number
        person_save(**fields)
    for issuer in Issuer.values:
        client_register(
            issuer=issuer,
            client_id=credentials[issuer]["client_id"],
            client_secret=credentials[issuer]["client_secret"],
            name="kiban 東京都オンラインサービス",
            redirect_uris=[f"{kiban_url}/accounts/verify/{issuer}/callback/"],
            post_logout_redirect_uris=[f"{kiban_url}/"],
        )
