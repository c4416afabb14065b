"""External OpenID Connect identity providers kiban trusts, as a registry of plugins.

`@id_providers.register("national")` adds a provider: it names its scopes, reads its settings
(`settings.ID_PROVIDERS[code]`: issuer, client id and secret, from KIBAN_<NAME>_ID_* variables)
and turns the claims it returns into registry facts.
"""

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kiban.identity.constants import UserKind
from kiban.jp.address import address_key, split_building
from kiban.jp.width import fold_width

KANA = "#ja-Kana-JP"
GENDER_ON_CARD = {"female": "女", "male": "男"}


@dataclass(frozen=True)
class ProviderConfig:
    issuer: str
    client_id: str
    client_secret: str
    label: str
    timeout: float


@dataclass(frozen=True)
class ClaimedFact:
    """One fact a provider vouches for: an attribute code and its value in kiban's shape."""

    attribute_code: str
    value: Any


class IdProvider:
    code = ""
    scopes = "openid"
    account_kind = UserKind.RESIDENT
    default_label = ""
    title = _("Identity provider")

    def config(self) -> ProviderConfig:
        raw = settings.ID_PROVIDERS.get(self.code) or {}
        if not raw.get("issuer"):
            raise ImproperlyConfigured(f"no issuer for identity provider {self.code}")
        return ProviderConfig(
            issuer=raw["issuer"].rstrip("/"),
            client_id=raw["client_id"],
            client_secret=raw["client_secret"],
            label=raw.get("label") or self.default_label,
            timeout=raw.get("timeout", 10),
        )

    def is_configured(self) -> bool:
        return bool((settings.ID_PROVIDERS.get(self.code) or {}).get("issuer"))

    def facts(self, claims: dict) -> list[ClaimedFact]:
        raise NotImplementedError


class Registry:
    def __init__(self) -> None:
        self._providers: dict[str, IdProvider] = {}

    def register(self, code: str):
        def decorator(cls: type[IdProvider]) -> type[IdProvider]:
            cls.code = code
            self._providers[code] = cls()
            return cls

        return decorator

    def __getitem__(self, code: str) -> IdProvider:
        return self._providers[code]

    def __contains__(self, code: str) -> bool:
        return code in self._providers

    def configured(self) -> list[IdProvider]:
        return [p for p in self._providers.values() if p.is_configured()]


id_providers = Registry()


def _name(claims: dict) -> dict | None:
    family, given = claims.get("family_name"), claims.get("given_name")
    if not family or not given:
        return None
    return {
        "family": family,
        "given": given,
        "family_reading": claims.get(f"family_name{KANA}", ""),
        "given_reading": claims.get(f"given_name{KANA}", ""),
    }


def address_from_claim(claim: Any) -> dict | None:
    """Return kiban's address value from an OIDC address claim (town and block split apart)."""
    if not isinstance(claim, dict) or not claim.get("region") or not claim.get("locality"):
        return None
    street_address = fold_width(str(claim.get("street_address", ""))).strip()
    rest, building = split_building(street_address)
    match = re.match(r"^(\D*?)(\d.*)?$", rest)
    town, street = (match.group(1), match.group(2) or "") if match else (rest, "")
    prefecture, city = str(claim["region"]), str(claim["locality"])
    return {
        "postal_code": re.sub(r"\D", "", str(claim.get("postal_code", ""))),
        "prefecture": prefecture,
        "city": city,
        "town": town.strip(),
        "street": street.strip(),
        "building": building.strip(),
        "key": address_key(f"{prefecture}{city}{town}{street}{building}"),
    }


@id_providers.register("national")
class NationalIdProvider(IdProvider):
    """The Digital Agency's sign-in with the My Number card: the four basic facts (基本4情報)."""

    scopes = "openid name address birthdate gender"
    default_label = "デジタル認証アプリ（マイナンバーカード）"
    title = _("My Number card")

    def facts(self, claims: dict) -> list[ClaimedFact]:
        facts = []
        if name := _name(claims):
            facts.append(ClaimedFact("person.name", name))
        if address := address_from_claim(claims.get("address")):
            facts.append(ClaimedFact("person.address", address))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(claims.get("birthdate", ""))):
            facts.append(ClaimedFact("person.birth_date", claims["birthdate"]))
        if claims.get("gender") in GENDER_ON_CARD:
            facts.append(ClaimedFact("person.sex", GENDER_ON_CARD[claims["gender"]]))
        return facts


@id_providers.register("business")
class BusinessIdProvider(IdProvider):
    """GビズID: the account holder and the business they act for."""

    scopes = "openid profile corporate address"
    account_kind = UserKind.BUSINESS
    default_label = "GビズID"
    title = _("GBizID")

    def facts(self, claims: dict) -> list[ClaimedFact]:
        facts = []
        if claims.get("corporate_name"):
            facts.append(ClaimedFact("business.name", str(claims["corporate_name"])))
        if re.fullmatch(r"\d{13}", str(claims.get("corporate_number", ""))):
            facts.append(ClaimedFact("business.corporate_number", claims["corporate_number"]))
        if address := address_from_claim(claims.get("address")):
            facts.append(ClaimedFact("business.address", address))
        return facts

    def person_facts(self, claims: dict) -> list[ClaimedFact]:
        name = _name(claims)
        return [ClaimedFact("person.name", name)] if name else []
