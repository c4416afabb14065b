"""Reads of the resident flow, always scoped to the signed-in applicant."""

from functools import cache

from django.db import connection
from django.db.models import QuerySet
from django.http import Http404

from kiban.audit.services import security_event
from kiban.db.rows import Columns, instances, prepared, quoted, select
from kiban.identity.models import Organisation
from kiban.procedures.models import Procedure, ProcedureVersion
from kiban.procedures.selectors import OWNER_COLUMNS, PROCEDURE_COLUMNS, VERSION_COLUMNS
from kiban.registry.models import Subject
from kiban.submissions.constants import Status
from kiban.submissions.models import Submission

_SUBMISSION = Columns(Submission, "s")
_VERSION, _PROCEDURE, _OWNER = VERSION_COLUMNS, PROCEDURE_COLUMNS, OWNER_COLUMNS
_SUBJECT = Columns(Subject, "j")
_JOINED = (_SUBMISSION, _VERSION, _PROCEDURE, _OWNER, _SUBJECT)


@cache
def _submission_sql(vendor: str) -> str:
    def table(model) -> str:
        return quoted(model._meta.db_table)

    return (
        f"SELECT {', '.join(columns.sql for columns in _JOINED)} FROM {table(Submission)} s "
        f"JOIN {table(ProcedureVersion)} v ON v.id = s.version_id "
        f"JOIN {table(Procedure)} p ON p.id = v.procedure_id "
        f"JOIN {table(Organisation)} o ON o.id = p.organisation_id "
        f"JOIN {table(Subject)} j ON j.id = s.subject_id "
        "WHERE s.public_id = %s"
    )


def submission_with_procedure(public_id) -> Submission | None:
    """Return the submission with its version, procedure, owner and subject filled in.

    Every page of the apply flow starts here, so it is one statement in SQL (kiban.db.rows),
    the same rows select_related("version__procedure__organisation", "subject") would read.
    """
    rows = select(_submission_sql(connection.vendor),
                  [prepared(Submission, "public_id", public_id)])
    if not rows:
        return None
    submission, version, procedure, owner, subject = instances(rows[0], *_JOINED)
    procedure.organisation = owner
    version.procedure = procedure
    submission.version, submission.subject = version, subject
    if submission.organisation_id == owner.pk:  # the owner bureau, copied onto the submission
        submission.organisation = owner
    return submission


def submission_of_applicant(*, request, public_id) -> Submission:
    """Return the applicant's own submission; anyone else's is a 404, logged as suspicious."""
    submission = submission_with_procedure(public_id)
    if submission is None:
        raise Http404
    if submission.applicant_id != request.user.pk:
        security_event(
            action="foreign_submission",
            request=request,
            data={"submission": str(public_id)},
        )
        raise Http404
    return submission


def submissions_of_applicant(*, user) -> QuerySet[Submission]:
    return (
        Submission.objects.filter(applicant=user)
        .select_related("version__procedure__organisation")
        .order_by("-updated_at")
    )


def drafts_and_cases(*, user) -> tuple[list[Submission], list[Submission]]:
    submissions = list(submissions_of_applicant(user=user))
    drafts = [s for s in submissions if s.status == Status.DRAFT]
    cases = [s for s in submissions if s.status != Status.DRAFT]
    return drafts, cases
