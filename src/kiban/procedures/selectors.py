"""Reads of procedures: the public catalogue, the current version, and checked definitions."""

from __future__ import annotations

from functools import cache

from django.db import connection
from django.db.models import OuterRef, Subquery

from kiban.audit.services import security_event
from kiban.db.rows import Columns, instances, quoted, select
from kiban.identity.models import Organisation
from kiban.procedures.constants import VersionStatus
from kiban.procedures.localise import text
from kiban.procedures.models import Procedure, ProcedureVersion
from kiban.procedures.services import canonical_hash


class TamperedVersion(Exception):
    """A published version's definition no longer matches the hash taken at publication."""


def published_procedures(language: str | None = None) -> list[ProcedureVersion]:
    """Return the latest published version of every procedure, with procedure and organisation.

    Sorted by title in ``language`` when given, else by procedure code. One query.
    """
    latest = (
        ProcedureVersion.objects.filter(
            procedure=OuterRef("procedure"), status=VersionStatus.PUBLISHED
        )
        .order_by("-number")
        .values("pk")[:1]
    )
    versions = list(
        ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED, pk=Subquery(latest))
        .select_related("procedure__organisation")
        .order_by("procedure__code")
    )
    if language:
        versions.sort(key=lambda version: text(version.definition.get("title"), language))
    return versions


# A version, its procedure and owner are read on every page of an application and change
# rarely (a published version never): their instances are remembered by row.
VERSION_COLUMNS = Columns(ProcedureVersion, "v", remember=256)
PROCEDURE_COLUMNS = Columns(Procedure, "p", remember=256)
OWNER_COLUMNS = Columns(Organisation, "o", remember=256)


@cache
def _current_sql(vendor: str) -> str:
    return (
        f"SELECT {VERSION_COLUMNS.sql}, {PROCEDURE_COLUMNS.sql}, {OWNER_COLUMNS.sql} "
        f"FROM {quoted(ProcedureVersion._meta.db_table)} v "
        f"JOIN {quoted(Procedure._meta.db_table)} p ON p.id = v.procedure_id "
        f"JOIN {quoted(Organisation._meta.db_table)} o ON o.id = p.organisation_id "
        "WHERE p.code = %s AND v.status = %s ORDER BY v.number DESC LIMIT 1"
    )


def current_version(procedure_code: str) -> ProcedureVersion | None:
    """Return the latest published version of procedure ``procedure_code``, or None.

    With its procedure and owner filled in, in one statement (kiban.db.rows): every start of
    an application reads it.
    """
    found = select(_current_sql(connection.vendor), [procedure_code, VersionStatus.PUBLISHED])
    if not found:
        return None
    version, procedure, owner = instances(
        found[0], VERSION_COLUMNS, PROCEDURE_COLUMNS, OWNER_COLUMNS)
    procedure.organisation = owner
    version.procedure = procedure
    return version


def version_checked(version: ProcedureVersion) -> dict:
    """Return the definition of ``version`` after checking it is the one that was published.

    A published or retired version whose definition no longer matches its content hash (or
    that has no hash) raises TamperedVersion and records a security event. Drafts are
    returned as they are.
    """
    if (
        version.status in (VersionStatus.DRAFT, VersionStatus.IN_REVIEW)
        and not version.content_hash
    ):
        return version.definition
    key = (version.pk, version.content_hash)
    if _checked.get(key) is version.definition:  # this very object passed the check
        return version.definition
    actual = canonical_hash(version.definition)
    if not version.content_hash or actual != version.content_hash:
        security_event(
            action="procedure_version_tampered",
            data={
                "procedure": version.procedure.code,
                "version": version.number,
                "version_id": version.pk,
                "expected_hash": version.content_hash,
                "actual_hash": actual,
            },
        )
        raise TamperedVersion(f"{version.procedure.code} v{version.number}")
    if len(_checked) >= 256:
        _checked.clear()
    _checked[key] = version.definition
    return version.definition


# Definitions that matched their hash, by version and hash. A remembered version row
# (VERSION_COLUMNS) gives the same definition object while its row is unchanged; a changed
# row is decoded into a new object, which is checked again. The entry holds the object, so
# an identity check cannot match a new object at a reused address.
_checked: dict[tuple, dict] = {}


# --- the builder ----------------------------------------------------------------------------

BUILDER_ROLES = ("editor", "reviewer", "publisher")


def builder_roles(user, organisation) -> set[str]:
    """Return which builder roles ``user`` holds in ``organisation`` (one query)."""
    from kiban.identity.selectors import organisations_of

    if not getattr(user, "is_authenticated", False) or organisation is None:
        return set()
    roles = set()
    for role in BUILDER_ROLES:
        if organisations_of(user=user, roles={role}).filter(pk=organisation.pk).exists():
            roles.add(role)
    return roles


def has_builder_role(user, organisation, role: str) -> bool:
    """Return whether ``user`` holds ``role`` in ``organisation``."""
    from kiban.identity.selectors import has_role

    if not getattr(user, "is_authenticated", False):
        return False
    return has_role(user=user, organisation=organisation, roles={role})


def builder_organisations(user, roles=BUILDER_ROLES):
    """Return the organisations in which ``user`` holds one of the builder ``roles``."""
    from kiban.identity.selectors import organisations_of

    return organisations_of(user=user, roles=set(roles)).order_by("code")


def procedures_of(organisations) -> list:
    """Return the procedures of ``organisations`` with their versions (two queries)."""
    from kiban.procedures.models import Procedure

    return list(
        Procedure.objects.filter(organisation__in=organisations)
        .select_related("organisation")
        .prefetch_related("versions")
        .order_by("organisation__code", "code")
    )


def open_version(procedure) -> ProcedureVersion | None:
    """Return the procedure's draft or version in review, if it has one."""
    return (
        procedure.versions.filter(status__in=(VersionStatus.DRAFT, VersionStatus.IN_REVIEW))
        .order_by("-number")
        .first()
    )


def procedure_versions(procedure) -> list[ProcedureVersion]:
    """Return every version of ``procedure``, newest first, with who did what."""
    return list(
        procedure.versions.select_related(
            "created_by", "submitted_by", "approved_by", "published_by"
        ).order_by("-number")
    )


def catalogue_for(organisation) -> tuple[dict, set[str]]:
    """Return ({code: Attribute} of the catalogue, codes ``organisation`` may prefill from)."""
    from kiban.procedures.attribute_access import readable_codes
    from kiban.registry.selectors import attribute_catalogue

    attributes = {attribute.code: attribute for attribute in attribute_catalogue()}
    return attributes, readable_codes(organisation, attributes.values())


def version_quality(version, *, check_accessibility: bool = True, language: str = "ja") -> list:
    """Return the quality gate's findings for ``version`` (see ``kiban.procedures.quality``)."""
    from kiban.procedures.quality import quality_findings

    attributes, readable = catalogue_for(version.procedure.organisation)
    return quality_findings(
        version.definition,
        attributes=attributes,
        readable=readable,
        check_accessibility=check_accessibility,
        language=language,
    )


def shared_templates() -> list:
    """Return the templates any bureau may copy, newest first, with their procedures."""
    from kiban.procedures.models import ProcedureTemplate

    return list(
        ProcedureTemplate.objects.filter(withdrawn_at=None)
        .select_related("version__procedure__organisation", "shared_by")
        .order_by("-shared_at")
    )


def builder_history(procedure, limit: int = 200) -> list:
    """Return the audit records of ``procedure`` and its versions, newest first."""
    from kiban.audit.models import AuditRecord
    from kiban.procedures.models import Procedure

    version_ids = [str(pk) for pk in procedure.versions.values_list("pk", flat=True)]
    records = AuditRecord.objects.filter(
        target_type=ProcedureVersion._meta.label_lower, target_id__in=version_ids
    ) | AuditRecord.objects.filter(
        target_type=Procedure._meta.label_lower, target_id=str(procedure.pk)
    )
    return list(records.select_related("actor").order_by("-at", "-id")[:limit])


# --- life events ----------------------------------------------------------------------------


def published_life_events() -> list:
    """Return the life events offered to residents, with their procedures' organisations."""
    from kiban.procedures.models import LifeEvent

    return list(
        LifeEvent.objects.exclude(published_at=None)
        .select_related("organisation")
        .prefetch_related("entries__procedure__organisation")
        .order_by("code")
    )


def life_events_of(organisations) -> list:
    """Return the life events owned by ``organisations`` (for their editors)."""
    from kiban.procedures.models import LifeEvent

    return list(
        LifeEvent.objects.filter(organisation__in=organisations)
        .select_related("organisation")
        .prefetch_related("entries__procedure")
        .order_by("code")
    )


def bundle_candidates() -> list[ProcedureVersion]:
    """Return the latest published version of every procedure, for adding to a life event."""
    return published_procedures()


def journey_of(*, user, public_id):
    """Return the journey ``public_id`` of applicant ``user``, or raise Journey.DoesNotExist."""
    from kiban.procedures.models import Journey

    return Journey.objects.select_related("life_event").get(public_id=public_id, applicant=user)


def journey_items(journey) -> list[tuple]:
    """Return [(submission, checked definition)] of the journey, in the life event's order."""
    items = []
    for item in journey.items.select_related(
        "submission__version__procedure__organisation", "submission__organisation"
    ).order_by("position", "id"):
        items.append((item.submission, version_checked(item.submission.version)))
    return items


def journeys_of(*, user) -> list:
    """Return the resident's journeys, newest first."""
    from kiban.procedures.models import Journey

    return list(Journey.objects.filter(applicant=user).select_related("life_event"))
