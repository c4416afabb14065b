"""Turn what an identity provider vouches for into verified facts in the base registry."""

from kiban.identity.id_providers import ClaimedFact, IdProvider
from kiban.identity.models import User
from kiban.registry import selectors as registry_selectors
from kiban.registry import services as registry
from kiban.registry.constants import (
    AccessorKind,
    Method,
    Purpose,
    RepresentationKind,
    SourceKind,
    SubjectKind,
)
from kiban.registry.models import Subject

# The field type whose match key a fact of each attribute gets, as procedures compute it.
MATCHING_FIELD_TYPE = {
    "person.name": "name",
    "person.address": "postal_address",
    "business.address": "postal_address",
    "business.corporate_number": "corporate_number",
}


def _match_key(code: str, value) -> str:
    from kiban.procedures.field_types import field_types

    kind = MATCHING_FIELD_TYPE.get(code)
    return field_types[kind].match_key(value) if kind else ""


def _record_new(subject: Subject, facts: list[ClaimedFact], label: str, user: User) -> list[str]:
    """Record the facts whose value differs from the current verified one; return their codes."""
    current = registry_selectors.facts_read(
        subject=subject,
        attribute_codes=[f.attribute_code for f in facts],
        purpose=Purpose.SELF_VIEW,
        accessor=registry_selectors.Accessor(kind=AccessorKind.SELF),
    )
    recorded = []
    for fact in facts:
        known = current.get(fact.attribute_code)
        if known is not None and known.value == fact.value and known.method == Method.VERIFIED:
            continue
        registry.fact_record(
            subject=subject,
            attribute_code=fact.attribute_code,
            value=fact.value,
            source_kind=SourceKind.NATIONAL_ID,
            method=Method.VERIFIED,
            source_label=label,
            match_key=_match_key(fact.attribute_code, fact.value),
            recorded_by=user,
        )
        recorded.append(fact.attribute_code)
    return recorded


def _business_subject(user: User, corporate_number: str, label: str) -> Subject:
    """Return the business with this corporate number (or a new one) and make `user` its
    representative."""
    from kiban.registry.models import Fact

    code = "business.corporate_number"
    found = (
        Fact.objects.filter(
            attribute__code=code,
            match_key=_match_key(code, corporate_number),
            subject__kind=SubjectKind.BUSINESS,
        )
        .select_related("subject")
        .first()
    )
    subject = (
        found.subject
        if found
        else registry.subject_create_for_user(user=None, kind=SubjectKind.BUSINESS)
    )
    registry.representation_record(
        subject=subject,
        agent=user,
        kind=RepresentationKind.REPRESENTATIVE,
        source_label=label,
        actor=user,
    )
    return subject


def verified_facts_record(*, user: User, provider: IdProvider, claims: dict) -> list[str]:
    """Record the provider's facts about `user` (and their business); return the codes recorded."""
    label = provider.config().label
    if provider.code == "business":
        recorded = _record_new(user.subject, provider.person_facts(claims), label, user)
        facts = provider.facts(claims)
        number = next(
            (f.value for f in facts if f.attribute_code == "business.corporate_number"), ""
        )
        if number:
            recorded += _record_new(_business_subject(user, number, label), facts, label, user)
        return recorded
    return _record_new(user.subject, provider.facts(claims), label, user)
