"""The demo's member systems: one per bureau, with a contract over its own procedure.

The welfare bureau's benefits system is also the authoritative source of verified addresses
(in the story it checks them against the resident register), so it can publish a new address
that the resident's next procedure prefills. Client ids and secrets are fixed so that
`kiban demo` can print them; they are for the demo only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from kiban.audit.services import audit_record
from kiban.exchange.models import MemberSystem
from kiban.exchange.services import contract_grant, system_register
from kiban.identity.models import Organisation
from kiban.registry.models import Attribute

EVENTS = ["submission.created", "submission.status_changed", "fact.published",
          "consent.withdrawn"]
PERSON = ["person.name", "person.birth_date", "person.address", "person.phone"]
BUSINESS = ["business.name", "business.corporate_number", "business.address", "business.phone"]


@dataclass(frozen=True)
class DemoSystem:
    bureau: str
    name: str
    code: str
    procedure: str
    purpose: str
    description: str
    read_attributes: list[str]
    publish_attributes: list[str] = field(default_factory=list)

    @property
    def client_id(self) -> str:
        return f"demo-{self.bureau}"

    @property
    def secret(self) -> str:
        return f"kiban-demo-{self.bureau}-secret-2026"


DEMO_SYSTEMS = [
    DemoSystem("welfare", "福祉局 児童手当システム", "tokyo/welfare/benefits-system",
               "child-allowance", "child-allowance", "児童手当の認定と支給", PERSON,
               ["person.address"]),
    DemoSystem("housing", "住宅政策本部 都営住宅管理システム", "tokyo/housing/tenancy-system",
               "housing-application", "public-housing", "都営住宅の入居者募集と審査",
               [*PERSON, "person.household_size"]),
    DemoSystem("tax", "主税局 税務システム", "tokyo/tax/certificate-system", "tax-certificate",
               "tax-certificate", "納税証明書の交付", ["person.name", "person.address", *BUSINESS]),
    DemoSystem("industry", "産業労働局 補助金システム", "tokyo/industry/subsidy-system",
               "sme-subsidy", "sme-subsidy", "中小企業向け補助金の審査と交付",
               [*BUSINESS, "business.employees"]),
]
#: The demo attribute whose authoritative source is a bureau system.
AUTHORITATIVE = {"person.address": ["welfare"]}


def _authoritative_sources_load() -> None:
    for code, sources in AUTHORITATIVE.items():
        attribute = Attribute.objects.filter(code=code).first()
        if attribute is not None and not set(sources) <= set(attribute.authoritative_sources):
            attribute.authoritative_sources = sorted({*attribute.authoritative_sources, *sources})
            attribute.save(update_fields=["authoritative_sources"])
            audit_record(action="registry.attribute_sources", target=attribute,
                         data={"authoritative_sources": attribute.authoritative_sources})


def _legal_basis(procedure_code: str) -> str:
    from kiban.procedures.models import ProcedureVersion

    version = ProcedureVersion.objects.filter(procedure__code=procedure_code).order_by("-number")
    definition = version.values_list("definition", flat=True).first() or {}
    return definition.get("legal_basis", "")


@transaction.atomic
def exchange_demo_load() -> None:
    """Register each bureau's demo system and its contract; a second run adds nothing."""
    _authoritative_sources_load()
    existing = set(MemberSystem.objects.values_list("code", flat=True))
    organisations = {o.code: o for o in Organisation.objects.all()}
    for demo in DEMO_SYSTEMS:
        if demo.code in existing or demo.bureau not in organisations:
            continue
        system, _ = system_register(
            code=demo.code, organisation=organisations[demo.bureau], name=demo.name,
            client_id=demo.client_id, secret=demo.secret,
        )
        contract_grant(
            system=system, purpose=demo.purpose, description=demo.description,
            legal_basis=_legal_basis(demo.procedure), valid_from=timezone.localdate(),
            read_attributes=demo.read_attributes, publish_attributes=demo.publish_attributes,
            match_keys=["person.phone"] if "person.phone" in demo.read_attributes else [],
            read_submissions=[demo.procedure], work_submissions=[demo.procedure],
            receive_events=EVENTS,
        )


def exchange_banner_lines(url: str) -> list[str]:
    """Return the banner's lines about the bureau systems and the reference client."""
    width = max(len(d.code) for d in DEMO_SYSTEMS) + 2
    welfare = DEMO_SYSTEMS[0]
    return [
        f"Bureau systems (API {url}/api/v1/, documentation {url}/api/v1/docs):",
        *(f"  {d.code:<{width}}client id {d.client_id}  secret {d.secret}  purpose {d.purpose}"
          for d in DEMO_SYSTEMS),
        "Try the reference client of the welfare bureau (after applying for 児童手当):",
        f"  .venv/bin/python examples/bureau_client.py --url {url} --client-id "
        f"{welfare.client_id} --secret {welfare.secret} --purpose {welfare.purpose}",
        "Staff see calls, errors and latency per system at /staff/exchange/; check the",
        "tamper-evident message log with:  kiban verify-log",
        "",
    ]
