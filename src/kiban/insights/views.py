"""Staff dashboards under /staff/insights/: service KPIs, funnels, NPS, organisation KPIs,
data entry and CSV imports. Staff see their bureau; the platform team sees every bureau."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kiban.identity.models import Organisation
from kiban.insights import dashboard, journey_sections, kpi_sections, selectors
from kiban.insights.forms import DashboardFilter
from kiban.insights.models import OrgKpi
from kiban.insights.rollups import rollups_lag
from kiban.submissions.staff_views import staff_required


def scope_required(view):
    """Let through staff with an analyst or admin role; pass their scope to the view."""

    @staff_required
    def wrapper(request: HttpRequest, *args, **kwargs):
        scope = selectors.staff_scope(user=request.user)
        if scope.empty:
            raise PermissionDenied
        return view(request, scope, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _filters(request: HttpRequest, scope) -> tuple[DashboardFilter, dict]:
    """Return the filter form and clean values; bogus values give a message and defaults."""
    bureaus = selectors.bureaus_in(scope)
    form = DashboardFilter(request.GET or None, bureaus=bureaus, everything=scope.everything)
    defaults = DashboardFilter({}, bureaus=bureaus, everything=scope.everything)
    defaults.is_valid()
    values = dict(defaults.cleaned_data)
    if not scope.everything and bureaus:
        values["bureau"] = bureaus[0].code
    if request.GET:
        if form.is_valid():
            values.update({k: v for k, v in form.cleaned_data.items() if v not in (None, "")})
        else:
            messages.error(
                request,
                _(
                    "Some filters were not valid, so the defaults are shown. "
                    "See the messages next to the filters."
                ),
            )
    bureau = next((b for b in bureaus if b.code == values.get("bureau")), None)
    values["bureau_obj"] = bureau if bureau and bureau.kind != "platform" else None
    values["span"] = dashboard.Range(values["first"], values["last"], values["grain"])
    return form, values


def overview_sections(scope, values: dict, language: str) -> dict:
    """Build every section of the overview page from rollups (also used for CSV)."""
    bureau = values["bureau_obj"]
    span = values["span"]
    procedures = selectors.procedures_in(scope, bureau)
    catalogue = dashboard.Catalogue.of(procedures)
    ids = [p.pk for p in procedures]
    months = span.months
    # The whole organisation's totals are shown next to a bureau's, for comparison: sums
    # over every procedure, read as one series per month, never another bureau's details.
    data = selectors.service_data(procedure_ids=ids, first=months[0], last=months[-1], whole=True)
    totals = []
    scope_name = bureau.name(language) if bureau else _("All bureaus")
    if bureau is None and scope.everything:
        everyone = selectors.procedure_ids_by_bureau()
        for organisation in selectors.bureaus_in(scope):
            if len(everyone.get(organisation.pk, [])) > 1:  # one procedure: its own row
                totals.append(
                    (
                        _("Total: %(name)s") % {"name": organisation.name(language)},
                        everyone[organisation.pk],
                    )
                )
    elif ids:
        totals.append((_("Total: %(name)s") % {"name": scope_name}, ids))
    totals.append((_("Whole organisation"), [selectors.WHOLE]))
    sections = [dashboard.kpi_section(data, catalogue, span, language, totals=totals)]
    sections.append(dashboard.trend_section(data, ids, span, language, scope_name))
    sections.append(dashboard.nps_section(data, catalogue, span, language, totals))
    funnel_rows = selectors.funnel_rows(procedure_ids=ids, first=months[0], last=months[-1])
    for procedure in procedures:
        rows = [r for r in funnel_rows if r["procedure_id"] == procedure.pk]
        sections.append(journey_sections.funnel_section(procedure, catalogue, rows, language, span))
    goals = [
        kpi_sections.org_kpi_section(kpi, selectors.kpi_approved_values(kpi), language)
        for kpi in selectors.visible_kpis(scope)
    ]
    page_views = None
    if scope.everything:
        page_views = dashboard.page_view_table(
            selectors.page_views(first=months[0], last=months[-1]), language
        )
    return {
        "page_views": page_views,
        "sections": sections,
        "kpi_sections": goals,
        "procedures": procedures,
        "scope_name": scope_name,
    }


@require_GET
@scope_required
def overview(request: HttpRequest, scope) -> HttpResponse:
    """The dashboard of a bureau (or of all bureaus for the platform team)."""
    form, values = _filters(request, scope)
    language = get_language()
    context = overview_sections(scope, values, language)
    query = request.GET.urlencode()
    for section in context["sections"] + context["kpi_sections"]:
        section.link = _csv_link(section.table.id, query)
    context.update(
        {
            "form": form,
            "span": values["span"],
            "query": query,
            "range_label": values["span"].label(language),
            "show_bureau": len(selectors.bureaus_in(scope)) > 1,
            "lag": rollups_lag(),
            "scope": scope,
        }
    )
    return render(request, "insights/overview.html", context)


def _csv_link(table_id: str, query: str) -> str:
    url = reverse("insights:table-csv", args=[table_id])
    return f"{url}?{query}" if query else url


@require_GET
@scope_required
def procedure(request: HttpRequest, scope, code: str) -> HttpResponse:
    """One procedure: funnel, answer errors, devices, time to complete, satisfaction."""
    context = procedure_sections(request, scope, code)
    for section in context["sections"]:
        section.link = _csv_link(section.table.id, context["query"])
    context["tables"] = [
        {"table": t, "link": _csv_link(t.id, context["query"])} for t in context["tables"]
    ]
    return render(request, "insights/procedure.html", context)


def procedure_sections(request: HttpRequest, scope, code: str) -> dict:
    from kiban.procedures.models import Procedure

    item = get_object_or_404(Procedure.objects.select_related("organisation"), code=code)
    if not scope.allows(item.organisation_id):
        raise Http404
    form, values = _filters(request, scope)
    language, span = get_language(), values["span"]
    catalogue = dashboard.Catalogue.of([item])
    months = span.months
    rows = selectors.journey_rows(procedure_id=item.pk, first=months[0], last=months[-1])
    data = selectors.service_data(procedure_ids=[item.pk], first=months[0], last=months[-1])
    title = catalogue.title(item, language)
    funnel = journey_sections.funnel_section(item, catalogue, rows, language, span)
    trend = dashboard.trend_section(
        data, [item.pk], span, language, title, table_id=f"trend-{item.code}"
    )
    nps = dashboard.nps_section(data, catalogue, span, language, [], table_id=f"nps-{item.code}")
    tables = [
        journey_sections.field_error_table(item, catalogue, rows, language),
        *journey_sections.journey_tables(item, catalogue, rows, language),
    ]
    return {
        "procedure": item,
        "title": title,
        "form": form,
        "span": span,
        "range_label": span.label(language),
        "sections": [funnel, trend, nps],
        "tables": tables,
        "comments": selectors.latest_comments(procedure_ids=[item.pk]),
        "is_public": selectors.is_public(item),
        "query": request.GET.urlencode(),
    }


@require_GET
@scope_required
def kpis(request: HttpRequest, scope) -> HttpResponse:
    """The organisation KPI catalogue and the values waiting for approval."""
    items = selectors.visible_kpis(scope)
    return render(
        request,
        "insights/kpis.html",
        {
            "kpis": items,
            "waiting": selectors.kpi_waiting(items),
            "language": get_language(),
            "can_add": scope.everything or bool(scope.approver_ids),
        },
    )


def kpi_context(request: HttpRequest, scope, code: str) -> dict:
    kpi = get_object_or_404(OrgKpi.objects.select_related("owner"), code=code)
    if kpi not in selectors.visible_kpis(scope):
        raise Http404
    language = get_language()
    values = selectors.kpi_approved_values(kpi)
    section = kpi_sections.org_kpi_section(kpi, values, language)
    breakdown = kpi_sections.bureau_breakdown_table(kpi, values, language)
    return {
        "kpi": kpi,
        "section": section,
        "breakdown": breakdown,
        "history": selectors.kpi_history(kpi),
        "language": language,
        "can_enter": selectors.can_enter_kpi(scope, kpi),
        "can_approve": selectors.can_approve_kpi(scope, kpi, request.user),
        "can_edit": scope.everything or kpi.owner_id in scope.approver_ids,
    }


def tables_for(request: HttpRequest, scope, table_id: str) -> list:
    """Return the tables of the page a table belongs to (for its CSV download)."""
    language = get_language()
    if table_id.startswith("kpi-"):
        code = table_id.removeprefix("kpi-").removesuffix("-by-bureau")
        context = kpi_context(request, scope, code)
        return [context["section"].table] + ([context["breakdown"]] if context["breakdown"] else [])
    for prefix in ("funnel-", "errors-", "devices-", "journeys-", "abandoned-", "trend-", "nps-"):
        if table_id.startswith(prefix):
            context = procedure_sections(request, scope, table_id.removeprefix(prefix))
            return [s.table for s in context["sections"]] + context["tables"]
    _form, values = _filters(request, scope)
    context = overview_sections(scope, values, language)
    return [s.table for s in context["sections"] + context["kpi_sections"]]


@require_GET
@scope_required
def table_csv(request: HttpRequest, scope, table_id: str) -> HttpResponse:
    """Download the data of one chart as CSV (UTF-8 with BOM, which Excel opens as such)."""
    table = next((t for t in tables_for(request, scope, table_id) if t.id == table_id), None)
    if table is None:
        raise Http404
    response = HttpResponse("\ufeff" + table.csv_text(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table_id}.csv"'
    return response


def bureau_choices(scope) -> list[tuple[str, str]]:
    return [
        (str(o.pk), o.name_ja)
        for o in Organisation.objects.filter(
            pk__in=[b.pk for b in selectors.bureaus_in(scope)]
        ).exclude(kind="platform")
    ]


@require_POST
@scope_required
def publication(request: HttpRequest, scope, code: str) -> HttpResponse:
    """Publish or withdraw a procedure's figures (transparency pages and open data)."""
    from kiban.insights.services import publication_set
    from kiban.procedures.models import Procedure

    item = get_object_or_404(Procedure, code=code)
    if not scope.allows(item.organisation_id):
        raise Http404
    public = request.POST.get("public") == "yes"
    publication_set(procedure=item, is_public=public, actor=request.user)
    messages.success(
        request,
        _("The figures of this procedure are now public.")
        if public
        else _("The figures of this procedure are no longer public."),
    )
    return redirect(reverse("insights:procedure", args=[code]))
