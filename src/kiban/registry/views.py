from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kiban.registry import selectors, services
from kiban.registry.constants import AccessorKind, Purpose
from kiban.registry.display import value_display
from kiban.registry.models import Consent


def _subject_or_404(request: HttpRequest):
    subject = selectors.subject_of_user(request.user)
    if subject is None:
        raise Http404
    return subject


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """Show the resident their facts with sources, their consents and who read their data."""
    subject = _subject_or_404(request)
    language = get_language()
    catalogue = {a.code: a for a in selectors.attribute_catalogue()}
    current = selectors.facts_read(
        subject=subject,
        attribute_codes=catalogue,
        purpose=Purpose.SELF_VIEW,
        accessor=selectors.Accessor(kind=AccessorKind.SELF),
    )
    rows = []
    for code, facts in groupby(
        selectors.fact_history(subject=subject), key=lambda f: f.attribute.code
    ):
        facts = list(facts)
        attribute = catalogue[code]
        shown = current.get(code, facts[0])
        rows.append(
            {
                "label": attribute.label(language),
                "code": code,
                "current": shown,
                "display": value_display(attribute.value_type, shown.value),
                "history": [
                    (f, value_display(attribute.value_type, f.value))
                    for f in facts
                    if f.pk != shown.pk
                ],
            }
        )
    purposes = _purpose_labels(language)
    consents = [
        {
            "consent": c,
            "labels": [a.label(language) for a in c.attributes.all()],
            "purpose_label": purposes.get(c.purpose, ""),
        }
        for c in selectors.consents_of(subject=subject)
    ]
    log = [
        {
            "record": r,
            "labels": [
                catalogue[c].label(language) if c in catalogue else c for c in r.attribute_codes
            ],
            "purpose_label": purposes.get(r.purpose, ""),
        }
        for r in selectors.access_log_of(subject=subject)
    ]
    return render(
        request, "registry/my_data.html", {
            "rows": rows, "consents": consents, "log": log,
            "acting_for_me": selectors.representations_for(subject=subject),
            "i_act_for": _acting_for(request.user, language),
        }
    )


def _purpose_labels(language: str) -> dict[str, str]:
    """Return readable labels of purposes that name a bureau application (oidc:<client>)."""
    from kiban.identity.selectors import sign_on_client_names

    return {
        purpose: _("Sign-in to %(name)s") % {"name": client.name(language)}
        for purpose, client in sign_on_client_names().items()
    }


def _acting_for(user, language: str) -> list[dict]:
    """Return whom the user may act for, each with its current name."""
    rows = []
    for representation in selectors.representations_by(agent=user):
        subject = representation.subject
        code = "business.name" if subject.kind == "business" else "person.name"
        facts = selectors.facts_read(
            subject=subject, attribute_codes=[code], purpose=Purpose.REPRESENTATION,
            accessor=selectors.Accessor(
                kind=AccessorKind.REPRESENTATIVE, user=user,
                legal_basis=representation.get_kind_display(),
            ),
        )
        fact = facts.get(code)
        name = value_display(fact.attribute.value_type, fact.value) if fact else ""
        rows.append({"representation": representation, "name": name})
    return rows


@login_required
@require_POST
def consent_withdraw(request: HttpRequest, consent_id: int) -> HttpResponse:
    subject = _subject_or_404(request)
    consent = get_object_or_404(Consent, pk=consent_id, subject=subject)
    services.consent_withdraw(consent=consent, actor=request.user)
    messages.success(request, _("Consent withdrawn. Procedures will no longer reuse this data."))
    return redirect("registry:my-data")
