"""Background work of the submissions app (run by the worker that `kiban demo` starts)."""

from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from kiban.submissions.models import Submission


@task()
def submission_receipt_email(*, submission_id: int) -> str:
    """E-mail the applicant that their application was received, with its reference."""
    submission = Submission.objects.select_related("applicant", "version").get(pk=submission_id)
    from kiban.procedures.forms import text

    language = submission.applicant.preferred_language or "ja"
    with translation.override(language):
        title = text(submission.version.definition.get("title"), language)
        send_mail(
            subject=_("Application received: %(reference)s") % {"reference": submission.reference},
            message=_(
                "We have received your application “%(title)s”. Reference: %(reference)s. "
                "You can follow its status on My page."
            )
            % {"title": title, "reference": submission.reference},
            from_email=None,
            recipient_list=[submission.applicant.email],
        )
    return submission.reference
