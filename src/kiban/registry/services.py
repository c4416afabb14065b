"""Writes to the base registry: subjects, facts, consents and access records."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from kiban.audit.services import audit_record
from kiban.registry.constants import AccessorKind, Outcome, SubjectKind
from kiban.registry.models import AccessRecord, Attribute, Consent, Fact, Subject


class UnknownAttribute(ValueError):
    pass


def subject_create_for_user(*, user, kind: str = SubjectKind.PERSON) -> Subject:
    subject = Subject.objects.create(kind=kind, user=user)
    audit_record(action="subject.create", actor=user, target=subject)
    return subject


def _attribute(code: str) -> Attribute:
    try:
        return Attribute.objects.get(code=code)
    except Attribute.DoesNotExist:
        raise UnknownAttribute(code) from None


@transaction.atomic
def fact_record(
    *,
    subject: Subject,
    attribute_code: str,
    value: Any,
    source_kind: str,
    method: str,
    source_organisation=None,
    source_label: str = "",
    source_reference: str = "",
    valid_from: date | None = None,
    match_key: str = "",
    recorded_by=None,
    actor_label: str = "",
) -> Fact:
    """Record a new value; it supersedes older facts from `valid_from` (default today) on."""
    attribute = _attribute(attribute_code)
    fact = Fact.objects.create(
        subject=subject,
        attribute=attribute,
        value=value,
        match_key=match_key[:300],
        source_kind=source_kind,
        source_organisation=source_organisation,
        source_label=source_label,
        source_reference=source_reference,
        method=method,
        valid_from=valid_from or timezone.localdate(),
        recorded_by=recorded_by,
    )
    audit_record(
        action="fact.record",
        actor=recorded_by,
        actor_label=actor_label,
        organisation=source_organisation,
        target=fact,
        data={"attribute": attribute_code, "source": source_kind, "method": method},
    )
    return fact


@transaction.atomic
def consent_give(
    *, subject: Subject, purpose: str, attribute_codes: Iterable[str], organisation=None, actor=None
) -> Consent:
    """Give (or widen) the subject's consent for `purpose`; one active consent per purpose."""
    attributes = list(Attribute.objects.filter(code__in=set(attribute_codes)))
    consent = (
        Consent.objects.select_for_update()
        .filter(subject=subject, purpose=purpose, organisation=organisation, withdrawn_at=None)
        .first()
    )
    if consent is None:
        consent = Consent.objects.create(
            subject=subject, purpose=purpose, organisation=organisation
        )
    consent.attributes.add(*attributes)
    audit_record(
        action="consent.give",
        actor=actor,
        target=consent,
        data={"purpose": purpose, "attributes": sorted(a.code for a in attributes)},
    )
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, actor=None) -> Consent:
    if consent.withdrawn_at is None:
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_at"])
        audit_record(action="consent.withdraw", actor=actor, target=consent)
    return consent


def access_record(
    *,
    subject: Subject,
    attribute_codes: Iterable[str],
    accessor,
    purpose: str,
    basis: str = "",
    outcome: str = Outcome.ALLOWED,
) -> AccessRecord | None:
    """Write one row of the subject's access log; reads by the subject themself are not logged."""
    if accessor.kind == AccessorKind.SELF:
        return None
    return AccessRecord.objects.create(
        subject=subject,
        attribute_codes=sorted(set(attribute_codes)),
        accessor_kind=accessor.kind,
        accessor_user=accessor.user,
        accessor_organisation=accessor.organisation,
        accessor_label=accessor.label,
        procedure_code=accessor.procedure_code,
        reference=accessor.reference,
        purpose=purpose,
        basis=basis,
        outcome=outcome,
    )
