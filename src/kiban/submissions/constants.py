from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RECEIVED = "received", _("Received")
    IN_REVIEW = "in_review", _("In review")
    NEEDS_CORRECTION = "needs_correction", _("Needs correction")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


# Which status a case worker may move a submission to from each status.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.RECEIVED: frozenset({Status.IN_REVIEW, Status.NEEDS_CORRECTION, Status.REJECTED}),
    Status.IN_REVIEW: frozenset(
        {Status.NEEDS_CORRECTION, Status.APPROVED, Status.REJECTED}
    ),
    Status.NEEDS_CORRECTION: frozenset({Status.IN_REVIEW, Status.REJECTED}),
    Status.APPROVED: frozenset(),
    Status.REJECTED: frozenset(),
}


class MessageKind(models.TextChoices):
    COMMENT = "comment", _("Internal comment")
    CORRECTION_REQUEST = "correction_request", _("Correction requested")
    RESIDENT_REPLY = "resident_reply", _("Reply from the applicant")
    NOTICE = "notice", _("Message from the bureau")
