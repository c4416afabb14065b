"""Open data: every public figure as a dataset (CSV, JSON), described for DCAT and CKAN.

Datasets and their URLs are stable: `service-kpis` (every published procedure),
`service-kpis-<procedure>` (one procedure), `kpi-<kpi code>` (an organisation KPI). Each has
a landing page /opendata/datasets/<name>/ and files <name>.csv and <name>.json, under the
公共データ利用規約 (第1.0版) (PDL 1.0), which is compatible with CC BY 4.0.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from kiban.insights import dashboard, figures, selectors
from kiban.insights.models import KpiValue, RollupCursor
from kiban.insights.periods import (
    FISCAL_YEAR,
    MONTH,
    Period,
    fiscal_year,
    fiscal_years,
    months_between,
)
from kiban.insights.tables import DECIMAL, INT, PERCENT, SCORE, YEN, Column, Table

LICENSE_ID = "PDL-1.0"
LICENSE_TITLE = "公共データ利用規約（第1.0版） / Public Data License (Version 1.0)"
LICENSE_URL = "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0"
NAMESPACE = uuid.UUID("5f0c8a0e-7d35-4c55-9d3a-6b1e2c4a9f10")  # kiban's datasets


@dataclass
class Dataset:
    name: str
    title_ja: str
    title_en: str
    notes_ja: str
    notes_en: str
    organisation: object
    tags: list[str] = field(default_factory=list)
    modified: datetime | None = None
    frequency: str = "monthly"

    @property
    def id(self) -> str:
        return str(uuid.uuid5(NAMESPACE, self.name))

    def title(self, language: str) -> str:
        return self.title_en if language == "en" else self.title_ja


def _latest_rollup() -> datetime:
    """Return when the rollups were last brought up to date."""
    updated = RollupCursor.objects.filter(name="journeys").values_list("updated_at", flat=True)
    return updated.first() or timezone.now()


def _service_notes(language_ja: bool, name: str = "") -> str:
    if language_ja:
        return (
            f"{name}オンライン手続の4つのサービス指標（完了率、利用者満足度、デジタル利用率、1件あたり"
            "費用）とNPS（95%信頼区間、調整済みWald法）。月別と年度別（4月〜3月）。回答・件数が10未満の"
            "率は秘匿し空欄。オンライン件数はkibanの記録、窓口・郵送などの件数と費用は所管局の入力値。"
        )
    return (
        f"{name}The four service KPIs of online procedures (completion rate, user satisfaction, "
        "digital take-up, cost per transaction) and the NPS with its 95% interval (adjusted "
        "Wald), per month and fiscal year (April–March). Rates based on fewer than 10 cases "
        "or answers are suppressed (empty). Online counts come from kiban's own records; "
        "other channels and costs are entered by the owner bureau."
    )


def datasets() -> list[Dataset]:
    """Return every public dataset, in a stable order."""
    platform = selectors.platform_organisation()
    procedures = selectors.public_procedures()
    catalogue = dashboard.Catalogue.of(procedures)
    modified = _latest_rollup()
    items = []
    if procedures:
        items.append(
            Dataset(
                "service-kpis",
                "オンライン手続のサービス指標（全手続）",
                "Service KPIs of online procedures (all published procedures)",
                _service_notes(True),
                _service_notes(False),
                platform,
                ["service-kpis", "nps", "digital-take-up"],
                modified,
            )
        )
    for procedure in procedures:
        title_ja = catalogue.title(procedure, "ja")
        title_en = catalogue.title(procedure, "en")
        items.append(
            Dataset(
                f"service-kpis-{procedure.code}",
                f"サービス指標：{title_ja}",
                f"Service KPIs: {title_en}",
                _service_notes(True, f"{title_ja}："),
                _service_notes(False, f"{title_en}: "),
                procedure.organisation,
                ["service-kpis", procedure.code],
                modified,
            )
        )
    for kpi in selectors.public_kpis():
        last = KpiValue.objects.filter(kpi=kpi).aggregate(last=Max("entered_at"))["last"]
        items.append(
            Dataset(
                f"kpi-{kpi.code}",
                kpi.name_ja,
                kpi.name_en,
                f"{kpi.definition_ja}\n\n{kpi.data_note_ja}".strip(),
                f"{kpi.definition_en}\n\n{kpi.data_note_en}".strip(),
                kpi.owner,
                ["organisation-kpi", kpi.code],
                last or modified,
                "annual" if kpi.grain == FISCAL_YEAR else "monthly",
            )
        )
    return items


def dataset(name: str) -> Dataset | None:
    return next((d for d in datasets() if d.name == name), None)


def _public_months() -> list[date]:
    first, last = selectors.data_months()
    if first is None:
        return []
    today = timezone.localdate()
    return months_between(date(fiscal_year(first), 4, 1), min(last, today.replace(day=1)))


def service_table(procedures: list, language: str) -> Table:
    """Return per procedure, per month and per fiscal year the four KPIs (open data rows)."""
    columns = [
        Column("procedure", "procedure"),
        Column("procedure_title", "procedure_title"),
        Column("bureau", "bureau"),
        Column("bureau_name", "bureau_name"),
        Column("grain", "grain"),
        Column("period", "period"),
        Column("period_label", "period_label"),
        Column("started", "started", INT),
        Column("completed", "completed", INT),
        Column("completion_rate", "completion_rate", PERCENT),
        Column("responses", "responses", INT),
        Column("satisfaction", "satisfaction", PERCENT),
        Column("nps", "nps", SCORE),
        Column("online", "online", INT),
        Column("other_channels", "other_channels", INT),
        Column("digital_take_up", "digital_take_up", PERCENT),
        Column("cost_yen", "cost_yen", YEN),
        Column("cost_per_transaction", "cost_per_transaction", YEN),
    ]
    table = Table("service-kpis", _("Service KPIs"), columns)
    months = _public_months()
    if not months or not procedures:
        return table
    catalogue = dashboard.Catalogue.of(procedures)
    data = selectors.service_data(
        procedure_ids=[p.pk for p in procedures], first=months[0], last=months[-1]
    )
    periods = fiscal_years(fiscal_year(months[0]), fiscal_year(months[-1]))
    periods += [Period(m, MONTH) for m in months]
    for procedure in procedures:
        for period, kpis in figures.kpis_by_period(data, [procedure.pk], periods):
            record = dashboard.kpi_record("", kpis)
            record.update(
                {
                    "procedure": procedure.code,
                    "procedure_title": catalogue.title(procedure, language),
                    "bureau": procedure.organisation.code,
                    "bureau_name": procedure.organisation.name(language),
                    "grain": period.grain,
                    "period": period.key,
                    "period_label": period.label(language),
                }
            )
            table.rows.append(record)
    return table


def kpi_table(kpi, language: str) -> Table:
    """Return the approved values of a KPI per period (and bureau), with totals."""
    table = Table(
        f"kpi-{kpi.code}",
        kpi.name(language),
        [
            Column("kpi", "kpi"),
            Column("grain", "grain"),
            Column("period", "period"),
            Column("period_label", "period_label"),
            Column("organisation", "organisation"),
            Column("organisation_name", "organisation_name"),
            Column("value", "value", DECIMAL),
            Column("unit", "unit"),
            Column("target", "target", DECIMAL),
            Column("provenance", "provenance"),
        ],
    )
    values = selectors.kpi_approved_values(kpi)
    series = figures.kpi_series(values, kpi.grain, kpi.aggregation)
    names = {
        v.organisation.code: v.organisation.name(language) for v in values if v.organisation_id
    }
    provenance = {}
    for v in values:
        period = (
            Period(v.period_start, v.grain)
            if v.grain == kpi.grain
            else Period.containing(v.period_start, kpi.grain)
        )
        provenance.setdefault(
            (period, v.organisation.code if v.organisation_id else ""), set()
        ).add(v.provenance)
    for period, entry in series.items():
        rows = [(code, value) for code, value in sorted(entry["by"].items()) if code]
        rows.append(("", entry["total"]))
        for code, value in rows:
            table.rows.append(
                {
                    "kpi": kpi.code,
                    "grain": period.grain,
                    "period": period.key,
                    "period_label": period.label(language),
                    "organisation": code,
                    "organisation_name": names.get(code, _("Total") if not code else code),
                    "value": value,
                    "unit": kpi.unit(language),
                    "target": kpi.target_value,
                    "provenance": ",".join(
                        sorted(provenance.get((period, code), entry["provenance"]))
                    ),
                }
            )
    return table


def dataset_table(item: Dataset, language: str) -> Table:
    """Return the rows of a dataset (the same figures as the transparency pages)."""
    with override(language):
        if item.name == "service-kpis":
            return service_table(selectors.public_procedures(), language)
        if item.name.startswith("service-kpis-"):
            code = item.name.removeprefix("service-kpis-")
            procedures = [p for p in selectors.public_procedures() if p.code == code]
            table = service_table(procedures, language)
            table.id = item.name
            return table
        kpi = next(k for k in selectors.public_kpis() if f"kpi-{k.code}" == item.name)
        return kpi_table(kpi, language)
