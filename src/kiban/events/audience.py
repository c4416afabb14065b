"""Which events a member system may receive: decided by its contracts, through one hook.

A system receives events under the contract of a purpose (the X-Kiban-Purpose of its
feed call, or the purpose a webhook subscription was made for). `contract_audience` reads
that contract through the exchange app's selectors:

- submission.created and submission.status_changed: of the system's own organisation and
  its departments;
- fact.published: from any source, about the attributes the contract lets it read;
- consent.withdrawn: of its own organisations, and platform-wide consents.

A contract that is not in force, a revoked system or a missing exchange app: nothing (deny
by default). The feed, the fan-out and each delivery ask again, so a revoked contract
stops events at once. Another rule can be put in its place with `audiences.register`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from kiban.events.constants import EventType


@dataclass(frozen=True)
class Grant:
    """Event types one contract lets a system receive, from which organisations, about what."""

    types: frozenset[str] = frozenset()
    # None: events of every organisation (and of none); otherwise only of these, where None
    # stands for events of no organisation.
    organisation_ids: frozenset[int | None] | None = frozenset()
    # For fact.published: None for any attribute, otherwise only these attribute codes.
    attribute_codes: frozenset[str] | None = None

    @classmethod
    def of(
        cls,
        *,
        types: Iterable[str],
        organisation_ids: Iterable[int | None] | None,
        attribute_codes: Iterable[str] | None = None,
    ) -> Grant:
        return cls(
            types=frozenset(types),
            organisation_ids=None if organisation_ids is None else frozenset(organisation_ids),
            attribute_codes=None if attribute_codes is None else frozenset(attribute_codes),
        )

    def allows(self, *, type: str, organisation_id: int | None, payload: dict) -> bool:
        if type not in self.types:
            return False
        if self.organisation_ids is not None and organisation_id not in self.organisation_ids:
            return False
        if type == EventType.FACT_PUBLISHED and self.attribute_codes is not None:
            return payload.get("attribute") in self.attribute_codes
        return True


@dataclass(frozen=True)
class Audience:
    """Everything one member system may receive: the union of its grants."""

    grants: tuple[Grant, ...] = ()

    @property
    def types(self) -> frozenset[str]:
        return frozenset().union(*(grant.types for grant in self.grants))

    def narrowed(self, types: Iterable[str]) -> Audience:
        """Return this audience limited to `types` (a subscription's choice)."""
        wanted = frozenset(types)
        narrowed = (
            Grant(grant.types & wanted, grant.organisation_ids, grant.attribute_codes)
            for grant in self.grants
        )
        return Audience(tuple(grant for grant in narrowed if grant.types))

    def allows(self, *, type: str, organisation_id: int | None, payload: dict) -> bool:
        """Return whether one event (by its type, organisation and payload) may be received."""
        return any(
            grant.allows(type=type, organisation_id=organisation_id, payload=payload)
            for grant in self.grants
        )


NOBODY = Audience()
SUBMISSION_TYPES = frozenset({EventType.SUBMISSION_CREATED, EventType.SUBMISSION_STATUS_CHANGED})


def contract_audience(system: Any, purpose: str) -> Audience:
    """Return what `system` may receive under its contract for `purpose` (module docstring)."""
    try:
        from kiban.exchange.selectors import OutsideContract, contract_for, organisation_ids
    except ImportError:
        return NOBODY
    if not purpose or getattr(system, "revoked_at", None) is not None:
        return NOBODY
    try:
        contract = contract_for(system=system, purpose=purpose, operation="receive_events")
    except OutsideContract:
        return NOBODY
    types = frozenset(contract.receive_events)
    own = organisation_ids(system)
    grants = (
        Grant.of(types=types & SUBMISSION_TYPES, organisation_ids=own),
        Grant.of(types=types & {EventType.FACT_PUBLISHED}, organisation_ids=None,
                 attribute_codes=contract.read_attributes),
        Grant.of(types=types & {EventType.CONSENT_WITHDRAWN}, organisation_ids=own | {None}),
    )
    return Audience(tuple(grant for grant in grants if grant.types))


class AudienceHook:
    """The rule that says what a system may receive: `contract_audience` unless replaced."""

    def __init__(self) -> None:
        self._function: Callable[[Any, str], Audience] = contract_audience

    def register(self, function: Callable[[Any, str], Audience]) -> Callable[[Any, str], Audience]:
        self._function = function
        return function

    def reset(self) -> None:
        self._function = contract_audience

    def for_system(self, system: Any, purpose: str) -> Audience:
        """Return what `system` may receive under `purpose`."""
        if system is None:
            return NOBODY
        return self._function(system, purpose) or NOBODY


audiences = AudienceHook()
