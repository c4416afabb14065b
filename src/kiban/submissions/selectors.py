"""Reads of the resident flow, always scoped to the signed-in applicant."""

from django.db.models import QuerySet
from django.http import Http404

from kiban.audit.services import security_event
from kiban.submissions.constants import Status
from kiban.submissions.models import Submission


def submission_of_applicant(*, request, public_id) -> Submission:
    """Return the applicant's own submission; anyone else's is a 404, logged as suspicious."""
    submission = (
        Submission.objects.select_related("version__procedure__organisation", "subject")
        .filter(public_id=public_id)
        .first()
    )
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
