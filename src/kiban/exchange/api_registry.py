"""The base registry for bureau systems: read facts under a contract, find a subject, publish.

Every read goes through `registry.selectors.facts_read` with the system as accessor, so it
appears in the resident's access log; a read outside the contract is refused and logged
there as refused too.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja import Status as Answer
from pydantic import Field

from kiban.exchange import selectors, services
from kiban.exchange.calls import CallError, purpose_of
from kiban.exchange.constants import ErrorCode, Operation
from kiban.exchange.schemas import ERRORS, ApiError, FactsOut, MatchIn, PublishedOut, PublishIn
from kiban.exchange.selectors import OutsideContract
from kiban.exchange.values import ValueInvalid, value_parse
from kiban.registry.constants import AccessorKind, Outcome
from kiban.registry.models import Attribute
from kiban.registry.selectors import AccessDenied, Accessor, facts_read
from kiban.registry.services import access_record

router = Router()


class FactsQuery(Schema):
    attributes: list[str] = Field(min_length=1, max_length=50,
                                  description="Attribute codes, e.g. person.address")
    as_of: date | None = Field(None, description="The day the facts are true on (today).")


def _accessor(system, contract=None) -> Accessor:
    return Accessor(kind=AccessorKind.SYSTEM, organisation=system.organisation, label=system.name,
                    legal_basis=contract.legal_basis if contract else "")


def _source(fact) -> dict:
    organisation = fact.source_organisation
    return {"kind": fact.source_kind, "organisation": organisation.code if organisation else None,
            "label": fact.source_label}


def _fact_out(fact) -> dict:
    return {"attribute": fact.attribute.code, "value": fact.value, "valid_from": fact.valid_from,
            "valid_to": fact.valid_to, "recorded_at": fact.recorded_at, "method": fact.method,
            "source": _source(fact)}


def _read(request: HttpRequest, contract, subject, codes: list[str], as_of: date | None) -> dict:
    """Read `codes` of `subject` under `contract`: logged for the resident."""
    request.kiban_call.subject_ids = [str(subject.public_id)]
    try:
        selectors.contract_grants(contract, Operation.READ_ATTRIBUTES, codes)
    except OutsideContract:
        access_record(subject=subject, attribute_codes=codes, accessor=_accessor(request.auth),
                      purpose=contract.purpose, outcome=Outcome.DENIED)
        raise
    as_of = as_of or timezone.localdate()
    try:
        facts = facts_read(subject=subject, attribute_codes=codes, purpose=contract.purpose,
                           accessor=_accessor(request.auth, contract), as_of=as_of, strict=True)
    except AccessDenied as denied:  # not expected: the contract's legal basis allows the read
        raise OutsideContract(str(denied)) from None
    return {"subject": subject.public_id, "as_of": as_of, "purpose": contract.purpose,
            "facts": [_fact_out(facts[code]) for code in sorted(facts)]}


def _contract(request: HttpRequest):
    return selectors.contract_for(system=request.auth, purpose=purpose_of(request),
                                  operation=Operation.READ_ATTRIBUTES)


@router.get("/subjects/{uuid:subject_id}/facts", response={200: FactsOut, **ERRORS},
            summary="Read facts of a subject")
def facts_of_subject(request: HttpRequest, subject_id: UUID, query: Query[FactsQuery]):
    """Return the subject's facts of the given attributes as of a day (today by default)."""
    contract = _contract(request)
    subject = selectors.subject_by_public_id(subject_id)
    if subject is None:
        raise CallError(404, ErrorCode.NOT_FOUND, "There is no subject with this id.")
    codes = sorted(set(query.attributes))
    return Answer(200, _read(request, contract, subject, codes, query.as_of))


@router.post("/matches", response={200: FactsOut, 409: ApiError, **ERRORS},
             summary="Find a subject by a matching key and read facts")
def facts_by_match(request: HttpRequest, payload: MatchIn):
    """Find the one subject whose current `key` fact has `value`, then read `attributes`.

    The value travels in the body, never in a URL. The key must be one of the contract's
    match keys; no match is 404, several are 409.
    """
    contract = _contract(request)
    selectors.contract_grants(contract, "match_keys", [payload.key])
    attribute = Attribute.objects.filter(code=payload.key).first()
    try:
        _, key = value_parse(attribute.value_type, payload.value)
    except ValueInvalid as invalid:
        raise CallError(422, ErrorCode.INVALID_VALUE, str(invalid)) from None
    as_of = payload.as_of or timezone.localdate()
    subjects = selectors.subjects_matching(attribute_code=payload.key, match_key=key, as_of=as_of)
    if not subjects:
        raise CallError(404, ErrorCode.NO_MATCH, "No subject has this value now.")
    if len(subjects) > 1:
        raise CallError(409, ErrorCode.AMBIGUOUS_MATCH, "Several subjects have this value.")
    codes = sorted(set(payload.attributes))
    return Answer(200, _read(request, contract, subjects[0], codes, as_of))


@router.post("/facts", response={201: PublishedOut, **ERRORS},
             summary="Publish a fact as authoritative source")
def fact_publish(request: HttpRequest, payload: PublishIn):
    """Record a verified value; it becomes the current fact and later procedures prefill it."""
    contract = selectors.contract_for(system=request.auth, purpose=purpose_of(request),
                                      operation=Operation.PUBLISH_ATTRIBUTES,
                                      codes=[payload.attribute])
    subject = selectors.subject_by_public_id(payload.subject)
    if subject is None:
        raise CallError(404, ErrorCode.NOT_FOUND, "There is no subject with this id.")
    request.kiban_call.subject_ids = [str(subject.public_id)]
    try:
        fact = services.fact_publish(system=request.auth, contract=contract, subject=subject,
                            attribute_code=payload.attribute, value=payload.value,
                            valid_from=payload.valid_from, reference=payload.reference)
    except services.NotAuthoritative as refused:
        raise OutsideContract(str(refused)) from None
    except ValueInvalid as invalid:
        raise CallError(422, ErrorCode.INVALID_VALUE, str(invalid)) from None
    return Answer(201, {
        "subject": subject.public_id, "attribute": payload.attribute, "fact": fact.pk,
        "valid_from": fact.valid_from, "recorded_at": fact.recorded_at, "method": fact.method,
        "source": _source(fact),
    })
