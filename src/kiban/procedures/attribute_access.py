"""Which registry attributes an organisation may prefill its procedures from.

The rule (see docs/builder.md):

- public and normal attributes (氏名, 住所, 電話番号 …) may be prefilled by every
  organisation's procedures; each read still needs the resident's consent and is logged;
- sensitive attributes (性別, 振込先口座 …) only by organisations on that attribute's
  allow-list (``AttributeAccess``), each entry naming the legal basis that allows it. An
  entry for a bureau covers its departments.

The quality gate refuses a version that prefills from an attribute its owner may not read.
"""

from __future__ import annotations

from django.db import transaction

from kiban.audit.services import audit_record
from kiban.procedures.models import AttributeAccess
from kiban.registry.constants import Sensitivity


def _organisations(organisation) -> list[int]:
    bureau = organisation.bureau()
    return sorted({organisation.pk, bureau.pk})


def readable_codes(organisation, attributes) -> set[str]:
    """Return the codes among ``attributes`` (Attribute rows) that ``organisation`` may prefill."""
    granted = set(
        AttributeAccess.objects.filter(
            organisation_id__in=_organisations(organisation)
        ).values_list("attribute__code", flat=True)
    )
    return {
        attribute.code
        for attribute in attributes
        if attribute.sensitivity != Sensitivity.SENSITIVE or attribute.code in granted
    }


@transaction.atomic
def attribute_access_grant(*, organisation, attribute, legal_basis: str, actor) -> AttributeAccess:
    """Let ``organisation`` prefill from the sensitive ``attribute`` on ``legal_basis``."""
    access, _created = AttributeAccess.objects.update_or_create(
        organisation=organisation,
        attribute=attribute,
        defaults={"legal_basis": legal_basis, "granted_by": actor if actor else None},
    )
    audit_record(
        action="procedure.attribute_access_grant",
        actor=actor,
        organisation=organisation,
        target=access,
        data={"attribute": attribute.code, "legal_basis": legal_basis},
    )
    return access


@transaction.atomic
def attribute_access_revoke(*, organisation, attribute, actor) -> None:
    """Withdraw ``organisation``'s permission to prefill from ``attribute``."""
    deleted, _rows = AttributeAccess.objects.filter(
        organisation=organisation, attribute=attribute
    ).delete()
    if deleted:
        audit_record(
            action="procedure.attribute_access_revoke",
            actor=actor,
            organisation=organisation,
            data={"attribute": attribute.code},
        )
