"""Reads of the base registry. Every read of facts passes through `facts_read`."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from kiban.db.rows import Columns, get, instances, prepared, quoted, select
from kiban.identity.models import Organisation
from kiban.registry.constants import AccessorKind, Outcome, Purpose
from kiban.registry.models import AccessRecord, Attribute, Consent, Fact, Representation, Subject
from kiban.registry.services import access_record


@dataclass(frozen=True)
class Accessor:
    """Who reads: a procedure prefilling for its applicant, staff, a system, or the subject."""

    kind: str
    user: object = None
    organisation: object = None
    label: str = ""
    procedure_code: str = ""
    reference: str = ""
    legal_basis: str = ""


class AccessDenied(PermissionError):
    def __init__(self, attribute_codes: Iterable[str], reason: str):
        self.attribute_codes = sorted(attribute_codes)
        self.reason = reason
        super().__init__(f"{reason}: {', '.join(self.attribute_codes)}")


@cache
def _consented_sql(vendor: str, scoped: bool) -> str:
    through = Consent.attributes.through
    organisation = "(c.organisation_id IS NULL OR c.organisation_id = %s)" if scoped else (
        "c.organisation_id IS NULL")
    return (
        f"SELECT DISTINCT a.code FROM {quoted(Consent._meta.db_table)} c "
        f"JOIN {quoted(through._meta.db_table)} ca ON ca.consent_id = c.id "
        f"JOIN {quoted(Attribute._meta.db_table)} a ON a.id = ca.attribute_id "
        f"WHERE c.subject_id = %s AND c.purpose = %s AND c.withdrawn_at IS NULL AND {organisation}"
    )


def _consented_codes(subject: Subject, purpose: str, organisation) -> set[str]:
    """Codes the subject's active consents for `purpose` cover (for everyone or `organisation`).

    On every prefill read: one statement in SQL (kiban.db.rows).
    """
    params = [subject.pk, purpose]
    if organisation:
        params.append(getattr(organisation, "pk", organisation))
    found = select(_consented_sql(connection.vendor, bool(organisation)), params)
    return {code for (code,) in found}


def consented_codes(*, subject: Subject, purpose: str, organisation=None) -> set[str]:
    """Return the attribute codes the subject's active consents for `purpose` cover."""
    return _consented_codes(subject, purpose, organisation)


def _allowed(
    subject: Subject, codes: set[str], purpose: str, accessor: Accessor
) -> tuple[set, str]:
    """Return the codes this accessor may read for `purpose`, and the basis that allows them."""
    if accessor.kind == AccessorKind.SELF:
        return codes, "subject"
    if accessor.kind == AccessorKind.REPRESENTATIVE:
        # Whoever acts for the subject must hold an active representation at every read.
        if accessor.user is None or not acts_for(agent=accessor.user, subject=subject):
            return set(), ""
        return codes, accessor.legal_basis or "representation"
    if accessor.kind == AccessorKind.PROCEDURE and purpose == Purpose.PREFILL:
        return codes & _consented_codes(subject, purpose, accessor.organisation), "consent"
    if accessor.legal_basis:
        return codes, accessor.legal_basis
    consented = codes & _consented_codes(subject, purpose, accessor.organisation)
    return consented, "consent"


_FACT = Columns(Fact, "f")
_ATTRIBUTE = Columns(Attribute, "a")
_SOURCE = Columns(Organisation, "o")


@cache
def _facts_sql(count: int, vendor: str) -> str:
    fact, attribute = quoted(Fact._meta.db_table), quoted(Attribute._meta.db_table)
    organisation = quoted(Organisation._meta.db_table)
    return (
        f"SELECT {_FACT.sql}, {_ATTRIBUTE.sql}, {_SOURCE.sql} FROM {fact} f "
        f"JOIN {attribute} a ON a.id = f.attribute_id "
        f"LEFT JOIN {organisation} o ON o.id = f.source_organisation_id "
        f"WHERE f.subject_id = %s AND a.code IN ({', '.join(['%s'] * count)}) "
        "AND f.valid_from <= %s AND (f.valid_to IS NULL OR f.valid_to > %s) "
        "ORDER BY f.recorded_at DESC, f.id DESC"
    )


def current_facts(subject: Subject, codes: Iterable[str], as_of: date | None = None) -> dict:
    """Return {code: Fact} valid on `as_of` (today by default), the last recorded winning.

    Every read of the registry runs this, so it is one statement in SQL (kiban.db.rows) that
    fills each fact's attribute and source organisation as select_related would.
    """
    codes = sorted(set(codes))
    if not codes:
        return {}
    day = prepared(Fact, "valid_from", as_of or timezone.localdate())
    rows = select(_facts_sql(len(codes), connection.vendor), [subject.pk, *codes, day, day])
    result: dict[str, Fact] = {}
    for row in rows:
        fact, attribute = instances(row, _FACT, _ATTRIBUTE)
        if attribute.code in result:
            continue
        source = row[len(_FACT) + len(_ATTRIBUTE):]  # no source organisation: all NULL
        fact.attribute = attribute
        fact.source_organisation = _SOURCE.instance(source) if source[0] is not None else None
        result[attribute.code] = fact
    return result


def facts_read(
    *,
    subject: Subject,
    attribute_codes: Iterable[str],
    purpose: str,
    accessor: Accessor,
    as_of: date | None = None,
    strict: bool = False,
) -> dict[str, Fact]:
    """Read the current facts of `subject`, checking purpose and basis, and log the read.

    Prefill reads return only consented attributes. With `strict`, any attribute that is not
    allowed refuses the whole read (logged as refused) by raising `AccessDenied`.
    """
    codes = set(attribute_codes)
    allowed, basis = _allowed(subject, codes, purpose, accessor)
    if strict and allowed != codes:
        access_record(
            subject=subject,
            attribute_codes=codes - allowed,
            accessor=accessor,
            purpose=purpose,
            basis="",
            outcome=Outcome.DENIED,
        )
        raise AccessDenied(codes - allowed, "no_consent_or_legal_basis")
    facts = current_facts(subject, allowed, as_of) if allowed else {}
    if facts:
        access_record(
            subject=subject,
            attribute_codes=facts.keys(),
            accessor=accessor,
            purpose=purpose,
            basis=basis,
        )
    return facts


def fact_history(*, subject: Subject) -> QuerySet[Fact]:
    """Return every fact of the subject (for the subject themself), newest first."""
    return (
        Fact.objects.filter(subject=subject)
        .select_related("attribute", "source_organisation")
        .order_by("attribute__code", "-recorded_at", "-id")
    )


def consents_of(*, subject: Subject) -> QuerySet[Consent]:
    return Consent.objects.filter(subject=subject).prefetch_related(
        Prefetch("attributes", queryset=Attribute.objects.order_by("code"))
    )


def access_log_of(*, subject: Subject, limit: int = 200) -> QuerySet[AccessRecord]:
    return (
        AccessRecord.objects.filter(subject=subject)
        .select_related("accessor_organisation", "accessor_user")
        .order_by("-at", "-id")[:limit]
    )


def attribute_catalogue() -> QuerySet[Attribute]:
    return Attribute.objects.order_by("code")


_SUBJECT = Columns(Subject, "s")


def subject_of_user(user) -> Subject | None:
    """Return the user's own subject (at every start of an application: plain SQL)."""
    if getattr(user, "pk", None) is None:
        return None
    return get(Subject, _SUBJECT, "user", user.pk)


def _active(queryset: QuerySet[Representation]) -> QuerySet[Representation]:
    today = timezone.localdate()
    return queryset.filter(valid_from__lte=today).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=today))


def representations_for(*, subject: Subject) -> QuerySet[Representation]:
    """Return who may act for `subject` (for the subject's own My data), active ones."""
    return _active(Representation.objects.filter(subject=subject)).select_related("agent")


def representations_by(*, agent) -> QuerySet[Representation]:
    """Return the subjects `agent` may act for, active ones."""
    return _active(Representation.objects.filter(agent=agent)).select_related("subject")


def acts_for(*, agent, subject: Subject) -> bool:
    """Return whether `agent` may act for `subject` today (their own subject always)."""
    if subject.user_id is not None and subject.user_id == agent.pk:
        return True
    return _active(Representation.objects.filter(agent=agent, subject=subject)).exists()


def applying_subject(*, user, business: bool = False) -> Subject | None:
    """Return whom an application is about: a business the user represents, or the user."""
    if business:
        represented = (
            Subject.objects.filter(kind="business",
                                   representations__in=representations_by(agent=user))
            .order_by("pk").first()
        )
        if represented is None:
            represented = Subject.objects.filter(kind="business", representatives=user).first()
        if represented is not None:
            return represented
    return subject_of_user(user)
