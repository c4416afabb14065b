"""Public pages: transparency dashboards (都政の見える化), the open data index, dataset
pages, and the satisfaction question at the end of a journey. No sign-in needed."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kiban.insights import dashboard, kpi_sections, opendata, selectors, services
from kiban.insights.forms import DashboardFilter, FeedbackForm
from kiban.insights.opendata import LICENSE_TITLE, LICENSE_URL


def _public_filters(request: HttpRequest, procedures) -> tuple[DashboardFilter, dashboard.Range]:
    bureaus = sorted({p.organisation for p in procedures}, key=lambda o: o.code)
    form = DashboardFilter(request.GET or None, bureaus=bureaus, everything=True)
    defaults = DashboardFilter({}, bureaus=bureaus, everything=True)
    defaults.is_valid()
    values = dict(defaults.cleaned_data)
    if request.GET:
        if form.is_valid():
            values.update({k: v for k, v in form.cleaned_data.items() if v not in (None, "")})
        else:
            messages.error(request, _("Some filters were not valid, so the defaults are shown."))
    return form, dashboard.Range(values["first"], values["last"], values["grain"])


def transparency_sections(request: HttpRequest) -> dict:
    """Build the public sections: only procedures and KPIs their owners made public."""
    language = get_language()
    procedures = selectors.public_procedures()
    form, span = _public_filters(request, procedures)
    catalogue = dashboard.Catalogue.of(procedures)
    ids = [p.pk for p in procedures]
    months = span.months
    data = (
        selectors.service_data(procedure_ids=ids, first=months[0], last=months[-1])
        if ids
        else selectors.ServiceData()
    )
    totals = [(_("All published procedures"), ids)] if ids else []
    sections = [
        dashboard.kpi_section(data, catalogue, span, language, totals=totals),
        dashboard.trend_section(data, ids, span, language, _("All published procedures")),
        dashboard.nps_section(data, catalogue, span, language, totals),
    ]
    goals = [
        kpi_sections.org_kpi_section(kpi, selectors.kpi_approved_values(kpi), language)
        for kpi in selectors.public_kpis()
    ]
    return {
        "form": form,
        "span": span,
        "range_label": span.label(language),
        "sections": sections,
        "kpi_sections": goals,
        "datasets": opendata.datasets(),
    }


@require_GET
def transparency(request: HttpRequest) -> HttpResponse:
    context = transparency_sections(request)
    query = request.GET.urlencode()
    for section in context["sections"] + context["kpi_sections"]:
        url = reverse("transparency:table-csv", args=[section.table.id])
        section.link = f"{url}?{query}" if query else url
    return render(request, "insights/transparency.html", context)


@require_GET
def transparency_csv(request: HttpRequest, table_id: str) -> HttpResponse:
    """Download a table of the transparency page as CSV: the figures shown, nothing more."""
    context = transparency_sections(request)
    tables = [s.table for s in context["sections"] + context["kpi_sections"]]
    table = next((t for t in tables if t.id == table_id), None)
    if table is None:
        raise Http404
    response = HttpResponse("\ufeff" + table.csv_text(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table_id}.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def opendata_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "insights/opendata.html",
        {
            "datasets": opendata.datasets(),
            "license_title": LICENSE_TITLE,
            "license_url": LICENSE_URL,
            "language": get_language(),
        },
    )


@require_GET
def dataset_page(request: HttpRequest, name: str) -> HttpResponse:
    item = opendata.dataset(name)
    if item is None:
        raise Http404
    language = get_language()
    table = opendata.dataset_table(item, language)
    return render(
        request,
        "insights/dataset.html",
        {
            "dataset": item,
            "title": item.title(language),
            "notes": item.notes_en if language == "en" else item.notes_ja,
            "columns": table.csv_columns(),
            "preview": table.records()[:12],
            "count": len(table.rows),
            "license_title": LICENSE_TITLE,
            "license_url": LICENSE_URL,
        },
    )


@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest) -> HttpResponse:
    """Take the optional satisfaction answer; GET shows the question on its own page."""
    from kiban.procedures.models import Procedure

    form = FeedbackForm(request.POST or request.GET or None)
    procedure = None
    if form.is_bound and form.data.get("procedure"):
        procedure = Procedure.objects.filter(code=form.data.get("procedure")).first()
    if request.method == "POST" and procedure is not None and form.is_valid():
        cleaned = form.cleaned_data
        services.feedback_record(
            procedure=procedure,
            ending=cleaned["ending"],
            journey=cleaned["journey"],
            feedback=services.Feedback(cleaned["score"], cleaned["comment"]),
        )
        messages.success(request, _("Thank you for your answer."))
        target = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(target, {request.get_host()}):
            return redirect(target)
        return redirect("submissions:catalogue")
    if procedure is None:
        raise Http404
    return render(
        request,
        "insights/feedback_page.html",
        {
            "feedback_form": form if request.method == "POST" else None,
            "feedback_procedure": procedure.code,
            "feedback_ending": form.data.get("ending") or "not_eligible",
        },
        status=400 if request.method == "POST" else 200,
    )
