"""Staff pages that change data: KPI values with approval, other channels, costs, imports."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kiban.identity.models import Organisation
from kiban.insights import imports, selectors, services
from kiban.insights.constants import ENTERED_CHANNELS
from kiban.insights.forms import ChannelForm, CostForm, ImportForm, KpiForm, KpiValueForm
from kiban.insights.models import KpiValue, OrgKpi
from kiban.insights.views import bureau_choices, kpi_context, scope_required

DECISION_MESSAGES = {
    "own_entry": gettext_lazy("You entered this value; someone else must approve it."),
    "not_waiting": gettext_lazy("This value is no longer waiting for approval."),
}


@scope_required
def kpi(request: HttpRequest, scope, code: str) -> HttpResponse:
    """A KPI: chart against target, data table, entry form and the trail of corrections."""
    context = kpi_context(request, scope, code)
    item = context["kpi"]
    form = KpiValueForm(request.POST or None, organisations=bureau_choices(selectors.Scope(True)))
    if not item.by_organisation:
        del form.fields["organisation"]
    if request.method == "POST":
        if not context["can_enter"]:
            raise PermissionDenied
        if form.is_valid():
            organisation = None
            if form.cleaned_data.get("organisation"):
                organisation = Organisation.objects.get(pk=form.cleaned_data["organisation"])
            try:
                services.kpi_value_submit(
                    kpi=item,
                    period=form.cleaned_data["period"],
                    value=form.cleaned_data["value"],
                    organisation=organisation,
                    note=form.cleaned_data["note"],
                    actor=request.user,
                )
            except services.InsightsError as error:
                form.add_error(
                    "period" if error.code == "period_grain" else None,
                    str(imports.MESSAGES.get(error.code, error.code)),
                )
            else:
                messages.success(request, _("The value was saved and waits for approval."))
                return redirect("insights:kpi", code=code)
    context["form"] = form
    return render(request, "insights/kpi.html", context, status=400 if form.errors else 200)


@scope_required
def kpi_decide(request: HttpRequest, scope, value_id: int) -> HttpResponse:
    """Approve or reject a waiting KPI value (not one's own)."""
    if request.method != "POST":
        raise Http404
    entry = get_object_or_404(KpiValue.objects.select_related("kpi"), pk=value_id)
    if not selectors.can_approve_kpi(scope, entry.kpi, request.user):
        raise PermissionDenied
    approve = request.POST.get("decision") == "approve"
    try:
        services.kpi_value_decide(
            entry=entry, approve=approve, actor=request.user, note=request.POST.get("note", "")
        )
    except services.InsightsError as error:
        messages.error(request, DECISION_MESSAGES.get(error.code, error.code))
    else:
        messages.success(
            request, _("The value was approved.") if approve else _("The value was rejected.")
        )
    return redirect("insights:kpi", code=entry.kpi.code)


def _procedure_choices(scope) -> list[tuple[str, str]]:
    return [
        (p.code, f"{p.code} ({p.organisation.name_ja})") for p in selectors.procedures_in(scope)
    ]


@scope_required
def data(request: HttpRequest, scope) -> HttpResponse:
    """Enter other channels and costs per procedure and period, or import them from CSV."""
    procedures = {p.code: p for p in selectors.procedures_in(scope)}
    choices = _procedure_choices(scope)
    action = request.POST.get("action") if request.method == "POST" else None
    channel_form = ChannelForm(
        request.POST if action == "channels" else None, procedures=choices, prefix="channels"
    )
    cost_form = CostForm(
        request.POST if action == "costs" else None, procedures=choices, prefix="costs"
    )
    import_form = ImportForm(
        request.POST if action == "import" else None,
        request.FILES if action == "import" else None,
        prefix="import",
    )
    report = None
    if action == "channels" and channel_form.is_valid():
        cleaned = channel_form.cleaned_data
        services.channel_volumes_set(
            procedure=procedures[cleaned["procedure"]],
            month=cleaned["month"].start,
            counts={c.value: cleaned[c.value] for c in ENTERED_CHANNELS},
            actor=request.user,
        )
        messages.success(request, _("The counts were saved."))
        return redirect("insights:data")
    if action == "costs" and cost_form.is_valid():
        cleaned = cost_form.cleaned_data
        services.service_cost_set(
            procedure=procedures[cleaned["procedure"]],
            period=cleaned["period"],
            amount_yen=cleaned["amount_yen"],
            note=cleaned["note"],
            actor=request.user,
        )
        messages.success(request, _("The cost was saved."))
        return redirect("insights:data")
    if action == "import" and import_form.is_valid():
        report = _import(request, scope, import_form.cleaned_data, procedures)
        if report.ok:
            messages.success(
                request, _("%(count)d rows were imported.") % {"count": report.written}
            )
            return redirect("insights:data")
    status = (
        400
        if action
        and (
            report is not None
            and not report.ok
            or any(f.errors for f in (channel_form, cost_form, import_form))
        )
        else 200
    )
    return render(
        request,
        "insights/data.html",
        {
            "channel_form": channel_form,
            "cost_form": cost_form,
            "import_form": import_form,
            "report": report,
            "report_rows": report.messages() if report else [],
        },
        status=status,
    )


def _import(request: HttpRequest, scope, cleaned: dict, procedures: dict):
    upload = cleaned["file"]
    content = upload.read(imports.tabular.MAX_BYTES + 1)
    if cleaned["kind"] == "channels":
        return imports.channel_volumes_import(
            data=content, procedures=procedures, actor=request.user
        )
    if cleaned["kind"] == "costs":
        return imports.service_costs_import(data=content, procedures=procedures, actor=request.user)
    kpis = {k.code: k for k in selectors.visible_kpis(scope) if selectors.can_enter_kpi(scope, k)}
    return imports.kpi_values_import(data=content, kpis=kpis, actor=request.user)


def _owner_choices(scope) -> list[tuple[str, str]]:
    """Return the organisations `scope` may own KPIs for: any (platform) or its admin bureaus."""
    return [
        (str(o.pk), o.name_ja)
        for o in Organisation.objects.exclude(kind="department")
        if scope.everything or o.pk in scope.approver_ids
    ]


@scope_required
def kpi_edit(request: HttpRequest, scope, code: str | None = None) -> HttpResponse:
    """Add a KPI to the catalogue or change one (platform team, or a bureau's admins)."""
    kpi = get_object_or_404(OrgKpi, code=code) if code else None
    owners = _owner_choices(scope)
    if not owners or (kpi is not None and str(kpi.owner_id) not in dict(owners)):
        raise PermissionDenied
    initial = {}
    if kpi is not None:
        initial = {name: getattr(kpi, name) for name in KpiForm.base_fields if name != "owner"}
        initial["owner"] = str(kpi.owner_id)
    form = KpiForm(request.POST or None, initial=initial, owners=owners)
    if kpi is not None:
        form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        new_code = kpi.code if kpi else fields.pop("code")
        fields.pop("code", None)
        if kpi is None and OrgKpi.objects.filter(code=new_code).exists():
            form.add_error("code", _("A KPI with this code exists already."))
        else:
            fields["owner"] = Organisation.objects.get(pk=fields["owner"])
            services.kpi_save(code=new_code, fields=fields, actor=request.user)
            messages.success(request, _("The KPI was saved."))
            return redirect("insights:kpi", code=new_code)
    return render(
        request,
        "insights/kpi_edit.html",
        {"form": form, "kpi": kpi},
        status=400 if form.errors else 200,
    )
