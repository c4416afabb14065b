"""Forms of the insights pages: dashboard filters and the data staff enter."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from kiban.insights.constants import ENTERED_CHANNELS, Aggregation, Direction, Ending, Grain
from kiban.insights.periods import MONTH, PeriodError, fiscal_year, parse_period

MAX_YEARS = 10


def current_fiscal_year() -> int:
    return fiscal_year(date.today())


class DashboardFilter(forms.Form):
    """Which bureau, which fiscal years, by month or by fiscal year. Bad values → errors."""

    bureau = forms.ChoiceField(label=gettext_lazy("Bureau"), required=False)
    first = forms.IntegerField(
        label=gettext_lazy("From fiscal year"), required=False, min_value=2000, max_value=2100
    )
    last = forms.IntegerField(
        label=gettext_lazy("To fiscal year"), required=False, min_value=2000, max_value=2100
    )
    grain = forms.ChoiceField(label=gettext_lazy("Show by"), required=False, choices=Grain.choices)

    def __init__(self, *args, bureaus, everything: bool, **kwargs):
        this_year = current_fiscal_year()
        kwargs.setdefault(
            "initial", {"first": this_year - 1, "last": this_year, "grain": Grain.MONTH}
        )
        super().__init__(*args, **kwargs)
        language = get_language() or "ja"
        choices = [(b.code, b.name(language)) for b in bureaus if b.kind != "platform"]
        if everything:
            choices = [("", _("All bureaus"))] + choices
        self.fields["bureau"].choices = choices

    def clean(self):
        cleaned = super().clean()
        this_year = current_fiscal_year()
        first = cleaned.get("first") or this_year - 1
        last = cleaned.get("last") or this_year
        if "first" not in self.errors and "last" not in self.errors:
            if first > last:
                self.add_error("last", _("The last fiscal year must not be before the first."))
            elif last - first >= MAX_YEARS:
                self.add_error("first", _("Choose at most %(n)d fiscal years.") % {"n": MAX_YEARS})
        cleaned["first"], cleaned["last"] = first, last
        cleaned["grain"] = cleaned.get("grain") or Grain.MONTH
        return cleaned


class MonthField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_period(value, MONTH)
        except PeriodError:
            raise forms.ValidationError(_("Write the month as 2025-04 or 令和7年4月.")) from None


class PeriodField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_period(value)
        except PeriodError:
            raise forms.ValidationError(
                _("Write the period as 2025-04 (a month) or FY2025 / 令和7年度 (a fiscal year).")
            ) from None


class ChannelForm(forms.Form):
    """Counts of applications that arrived outside kiban in one month."""

    procedure = forms.ChoiceField(label=gettext_lazy("Procedure"))
    month = MonthField(label=gettext_lazy("Month"), help_text=gettext_lazy("e.g. 2025-04"))

    def __init__(self, *args, procedures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].choices = procedures
        for channel in ENTERED_CHANNELS:
            self.fields[channel.value] = forms.IntegerField(
                label=channel.label, required=False, min_value=0, max_value=10**9
            )


class CostForm(forms.Form):
    procedure = forms.ChoiceField(label=gettext_lazy("Procedure"))
    period = PeriodField(
        label=gettext_lazy("Period"),
        help_text=gettext_lazy("A month (2025-04) or a fiscal year (FY2025)"),
    )
    amount_yen = forms.DecimalField(
        label=gettext_lazy("Cost (yen)"), min_value=0, max_digits=16, decimal_places=2
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=300)

    def __init__(self, *args, procedures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].choices = procedures


class KpiValueForm(forms.Form):
    period = PeriodField(
        label=gettext_lazy("Period"),
        help_text=gettext_lazy("A month (2025-04) or a fiscal year (FY2025)"),
    )
    organisation = forms.ChoiceField(label=gettext_lazy("Bureau"), required=False)
    value = forms.DecimalField(
        label=gettext_lazy("KPI value"), min_value=0, max_digits=18, decimal_places=2
    )
    note = forms.CharField(
        label=gettext_lazy("Note (why, for a correction)"), required=False, max_length=500
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", "—")] + organisations


class ImportForm(forms.Form):
    KINDS = [
        ("channels", gettext_lazy("Other channels (procedure, month, channel, count)")),
        ("costs", gettext_lazy("Costs (procedure, period, amount_yen, note)")),
        ("kpi_values", gettext_lazy("KPI values (kpi, period, organisation, value, note)")),
    ]
    kind = forms.ChoiceField(label=gettext_lazy("What the file contains"), choices=KINDS)
    file = forms.FileField(label=gettext_lazy("CSV file (UTF-8 or Shift_JIS)"))


class FeedbackForm(forms.Form):
    """The one optional question at the end of a journey."""

    procedure = forms.CharField(widget=forms.HiddenInput, max_length=80)
    ending = forms.ChoiceField(widget=forms.HiddenInput, choices=Ending.choices)
    journey = forms.CharField(widget=forms.HiddenInput, required=False, max_length=32)
    score = forms.TypedChoiceField(
        label=gettext_lazy(
            "How likely are you to recommend this online service to a friend or colleague?"
        ),
        choices=[(str(i), str(i)) for i in range(11)],
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("Anything we could do better? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Please do not write your name, address, phone number or other "
            "personal details. We remove them if you do."
        ),
    )


class KpiForm(forms.Form):
    """A KPI in the catalogue: definition, unit, owner, baseline, target, target date."""

    code = forms.SlugField(
        label=gettext_lazy("Code"),
        max_length=80,
        help_text=gettext_lazy("Letters, digits and hyphens, e.g. copy-paper"),
    )
    name_ja = forms.CharField(label=gettext_lazy("Name (Japanese)"), max_length=200)
    name_en = forms.CharField(label=gettext_lazy("Name (English)"), max_length=200)
    definition_ja = forms.CharField(
        label=gettext_lazy("Definition (Japanese)"), widget=forms.Textarea
    )
    definition_en = forms.CharField(
        label=gettext_lazy("Definition (English)"), widget=forms.Textarea
    )
    unit_ja = forms.CharField(label=gettext_lazy("Unit (Japanese)"), max_length=40)
    unit_en = forms.CharField(label=gettext_lazy("Unit (English)"), max_length=40)
    owner = forms.ChoiceField(label=gettext_lazy("Owner"))
    grain = forms.ChoiceField(label=gettext_lazy("Values per"), choices=Grain.choices)
    aggregation = forms.ChoiceField(
        label=gettext_lazy("A fiscal year of monthly values is"), choices=Aggregation.choices
    )
    direction = forms.ChoiceField(label=gettext_lazy("Direction"), choices=Direction.choices)
    by_organisation = forms.BooleanField(label=gettext_lazy("Values per bureau"), required=False)
    baseline_value = forms.DecimalField(
        label=gettext_lazy("Baseline"), required=False, min_value=0, max_digits=18, decimal_places=2
    )
    baseline_period = PeriodField(label=gettext_lazy("Baseline period"), required=False)
    target_value = forms.DecimalField(
        label=gettext_lazy("Target"), required=False, min_value=0, max_digits=18, decimal_places=2
    )
    target_date = forms.DateField(
        label=gettext_lazy("Target date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    is_public = forms.BooleanField(label=gettext_lazy("Public"), required=False)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = owners

    def clean_baseline_period(self):
        period = self.cleaned_data.get("baseline_period")
        return period.key if period else ""
