"""Writes to the base registry: subjects, facts, consents and access records."""

from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from kiban.audit.services import audit_record
from kiban.db import rows
from kiban.events.services import event_emit
from kiban.registry.constants import AccessorKind, Outcome, RepresentationKind, SubjectKind
from kiban.registry.models import (
    AccessRecord,
    Attribute,
    Consent,
    Fact,
    Representation,
    Subject,
)


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
    event_emit(
        type="fact.published", organisation=source_organisation, subject=subject,
        actor_label=actor_label,
        payload={"subject": str(subject.public_id), "attribute": attribute_code, "fact": fact.pk,
                 "valid_from": fact.valid_from.isoformat(), "source_kind": source_kind,
                 "method": method, "source": getattr(source_organisation, "code", None)},
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
        event_emit(
            type="consent.withdrawn", organisation=consent.organisation_id,
            subject=consent.subject,
            payload={"consent": consent.pk, "purpose": consent.purpose,
                     "attributes": sorted(consent.attributes.values_list("code", flat=True))},
        )
    return consent


def access_record(
    *,
    subject: Subject,
    attribute_codes: Iterable[str],
    accessor,
    purpose: str,
    basis: str = "",
    outcome: str = Outcome.ALLOWED,
) -> None:
    """Write one row of the subject's access log; reads by the subject themself are not logged."""
    if accessor.kind == AccessorKind.SELF:
        return
    row = {
        "subject": subject, "at": timezone.now(), "attribute_codes": sorted(set(attribute_codes)),
        "accessor_kind": accessor.kind, "accessor_user": accessor.user,
        "accessor_organisation": accessor.organisation, "accessor_label": accessor.label,
        "procedure_code": accessor.procedure_code, "reference": accessor.reference,
        "purpose": purpose, "basis": basis, "outcome": outcome,
    }
    held = _held_rows.get()
    if held is not None:
        held.append((AccessRecord, row))
        return
    # One row per logged read, on every read's way: one INSERT without the ORM (kiban.db.rows).
    rows.insert(AccessRecord, row)


_held_rows: ContextVar[list | None] = ContextVar("kiban_access_rows_held", default=None)


@contextmanager
def access_rows_held():
    """Hold the access-log rows written in this block; yield them as (model, values) pairs.

    The system API reads without a transaction and writes its message-log record at the
    end; it passes the held rows to `message_log.call_record`, so the resident's rows and
    the record commit together (one commit, not two). Rows held when the block ends were
    never written: the caller writes them before it answers, or does not answer with the
    data.
    """
    held: list[tuple] = []
    token = _held_rows.set(held)
    try:
        yield held
    finally:
        _held_rows.reset(token)


@transaction.atomic
def representation_record(
    *, subject: Subject, agent, kind: str, source_label: str = "", valid_from: date | None = None,
    actor=None,
) -> Representation:
    """Record that `agent` may act for `subject` (kept if an active one of that kind exists)."""
    today = timezone.localdate()
    active = Representation.objects.filter(subject=subject, agent=agent, kind=kind).filter(
        models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=today)
    ).first()
    if active is not None:
        return active
    representation = Representation.objects.create(
        subject=subject, agent=agent, kind=kind, source_label=source_label,
        valid_from=valid_from or today, recorded_by=actor,
    )
    if kind == RepresentationKind.REPRESENTATIVE:
        subject.representatives.add(agent)
    audit_record(action="representation.record", actor=actor, target=representation,
                 data={"kind": kind, "subject": str(subject.public_id), "agent": agent.pk})
    return representation


@transaction.atomic
def representation_end(*, representation: Representation, actor=None) -> Representation:
    """End a representation from today; later accesses on the subject's behalf are refused."""
    if representation.valid_to is None or representation.valid_to > timezone.localdate():
        representation.valid_to = timezone.localdate()
        representation.save(update_fields=["valid_to"])
        if representation.kind == RepresentationKind.REPRESENTATIVE:
            representation.subject.representatives.remove(representation.agent)
        audit_record(action="representation.end", actor=actor, target=representation)
    return representation
