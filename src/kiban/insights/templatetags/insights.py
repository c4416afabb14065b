"""Template tags of the insights app: the satisfaction question at the end of a journey."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from kiban.insights.forms import FeedbackForm
from kiban.insights.journeys import journey_key

register = template.Library()


@register.simple_tag(takes_context=True)
def feedback_question(context) -> dict | None:
    """Return what the satisfaction include needs from the page's context, or None.

    Pages pass `submission` (the receipt) or `feedback_procedure` (a procedure code) and
    may pass `feedback_ending` (not_eligible, referred, error; default submitted).
    """
    submission = context.get("submission")
    code = context.get("feedback_procedure") or ""
    journey = ""
    if submission is not None and getattr(submission, "public_id", None):
        code = code or submission.version.procedure.code
        journey = journey_key(submission.public_id)
    if not code:
        return None
    ending = context.get("feedback_ending") or "submitted"
    form = context.get("feedback_form") or FeedbackForm(
        initial={"procedure": code, "ending": ending, "journey": journey}
    )
    request = context.get("request")
    # The inputs are written out in the template rather than by Django's widgets, whose
    # rendering (a template per radio button) cost more than the rest of the receipt page.
    hidden = [(field.html_name, "" if field.value() is None else field.value())
              for field in form.hidden_fields()]
    score = form["score"].value()
    return {"form": form, "next": request.get_full_path() if request else "", "hidden": hidden,
            "scores": [value for value, _label in form.fields["score"].choices],
            "score": "" if score is None else str(score)}


@register.simple_tag
def table_html(table):
    """Render a data table (kiban.insights.tables.Table); its cells are escaped there."""
    return mark_safe(table.html(empty=_("No data yet.")))
