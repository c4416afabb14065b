"""The builder's HTML forms: texts in three languages, type options, choices and conditions.

Each form reads its initial values from a definition and returns, in ``values()``, what
``kiban.procedures.builder`` needs to apply the change. Conditions are rows of (field,
operator, value) plus one empty row to add another: no JavaScript and no JSON needed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kiban.procedures import builder, condition_editor
from kiban.procedures.builder import LANGUAGES, languages_of
from kiban.procedures.condition_editor import OPERATORS, Clause, Source
from kiban.procedures.field_types import field_types

LANGUAGE_LABELS = {
    "ja": gettext_lazy("Japanese"),
    "en": gettext_lazy("English"),
    "ja-easy": gettext_lazy("Easy Japanese (やさしい日本語)"),
}
FIELD_TYPE_LABELS = {
    "text": gettext_lazy("Short text"),
    "long_text": gettext_lazy("Long text"),
    "number": gettext_lazy("Number"),
    "yes_no": gettext_lazy("Yes or no"),
    "choice": gettext_lazy("One choice from a list"),
    "multi_choice": gettext_lazy("Several choices from a list"),
    "date": gettext_lazy("Date (西暦 or 和暦)"),
    "email": gettext_lazy("E-mail address"),
    "phone": gettext_lazy("Phone number"),
    "name": gettext_lazy("Name with reading (姓・名・セイ・メイ)"),
    "postal_address": gettext_lazy("Address found from the postal code"),
    "bank_account": gettext_lazy("Bank account for payments"),
    "corporate_number": gettext_lazy("Corporate number (法人番号)"),
    "my_number": gettext_lazy("My Number (個人番号; needs a legal basis)"),
    "file": gettext_lazy("Attached document (PDF, JPEG, PNG)"),
    "group": gettext_lazy("Repeating group, e.g. one row per child"),
}
CODE = RegexValidator(
    r"^[a-z0-9][a-z0-9-]{0,79}$",
    gettext_lazy("Use lowercase letters, digits and hyphens, like child-allowance."),
)
IDENTIFIER = RegexValidator(
    builder.IDENTIFIER,
    gettext_lazy("Start with a lowercase letter; use only a-z, 0-9 and _."),
)
CHOICE_VALUE = RegexValidator(
    r"^[A-Za-z0-9_.-]{1,80}$", gettext_lazy("Use letters, digits, _ . and - only.")
)


def no_script(value: str) -> None:
    if "<script" in (value or "").lower():
        raise forms.ValidationError(_("This text contains <script; remove it."))


def suffix(language: str) -> str:
    return language.replace("-", "_")


def field_type_label(name: str) -> str:
    return str(FIELD_TYPE_LABELS.get(name, name))


class BuilderForm(forms.Form):
    """A form whose texts come in Japanese, English and やさしい日本語."""

    def add_localised(self, key: str, label, *, initial=None, long: bool = False,
                      max_length: int = 500, languages=LANGUAGES, required=()) -> None:
        initial = initial or {}
        for language in languages:
            widget = forms.Textarea(attrs={"rows": 3}) if long else forms.TextInput()
            widget.attrs["lang"] = "en" if language == "en" else "ja"
            self.fields[f"{key}_{suffix(language)}"] = forms.CharField(
                label=f"{label} ({LANGUAGE_LABELS[language]})",
                required=language in required,
                max_length=max_length,
                initial=initial.get(language, ""),
                widget=widget,
                validators=[no_script],
            )

    def localised(self, key: str, languages=LANGUAGES) -> dict[str, str]:
        return {lang: self.cleaned_data.get(f"{key}_{suffix(lang)}", "") for lang in languages}

    def localised_fields(self, key: str, languages=LANGUAGES) -> list:
        return [self[f"{key}_{suffix(lang)}"] for lang in languages if f"{key}_{suffix(lang)}"
                in self.fields]


class ProcedureCreateForm(BuilderForm):
    organisation = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Organisation"),
                                          empty_label=None)
    code = forms.CharField(
        label=gettext_lazy("Code"), max_length=80, validators=[CODE],
        help_text=gettext_lazy("Part of the address residents use, like moving-in-notice."),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.add_localised("title", gettext_lazy("Title"), languages=("ja", "en"),
                           required=("ja", "en"))


class SettingsForm(BuilderForm):
    legal_basis = forms.CharField(
        label=gettext_lazy("Legal basis"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}), validators=[no_script],
        help_text=gettext_lazy("The law or ordinance that allows collecting the data, or "
                               "\"本人の同意\" (the resident's consent)."),
    )
    retention_days = forms.IntegerField(
        label=gettext_lazy("Retention period (days)"), required=False, min_value=1,
        max_value=36500,
        help_text=gettext_lazy("How long submissions are kept after they are closed."),
    )
    contact = forms.CharField(
        label=gettext_lazy("Contact for questions"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}), validators=[no_script],
        help_text=gettext_lazy("Office, phone number and opening hours."),
    )
    requires_assurance = forms.ChoiceField(
        label=gettext_lazy("Who may apply"), required=False,
        choices=[("", gettext_lazy("Anyone signed in")),
                 ("verified", gettext_lazy("Only accounts verified with the My Number card"))],
    )
    offer_easy = forms.BooleanField(
        label=gettext_lazy("Offer this procedure in やさしい日本語 too"), required=False,
    )

    def __init__(self, *args, definition: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_localised("title", gettext_lazy("Title"), initial=definition.get("title"),
                           required=("ja", "en"))
        self.add_localised("description", gettext_lazy("Description"), long=True,
                           max_length=5000, initial=definition.get("description"))
        self.add_localised("purpose", gettext_lazy("Purpose of collecting the data"), long=True,
                           max_length=5000, initial=definition.get("purpose"))
        for key in ("legal_basis", "retention_days", "contact", "requires_assurance"):
            self.fields[key].initial = definition.get(key)
        self.fields["offer_easy"].initial = "ja-easy" in languages_of(definition)

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": self.localised("title"),
            "description": self.localised("description"),
            "purpose": self.localised("purpose"),
            "legal_basis": data["legal_basis"],
            "retention_days": data["retention_days"],
            "contact": data["contact"],
            "requires_assurance": data["requires_assurance"],
            "languages": ["ja", "en", *(["ja-easy"] if data["offer_easy"] else [])],
        }


# --- conditions ---------------------------------------------------------------------------

KEEP = object()  # a condition written outside the builder, left as it is


def _shown(clause: Clause) -> str:
    if isinstance(clause.value, bool):
        return "yes" if clause.value else "no"
    return "" if clause.value is None else str(clause.value)


def _source_label(source: Source, language: str) -> str:
    from kiban.procedures.field_types.choices import choices_of
    from kiban.procedures.localise import text

    choices = choices_of(source.field) if not source.part else []
    if choices:
        listed = ", ".join(f"{c['value']}={text(c.get('label'), language)}" for c in choices[:8])
        return f"{source.label} ({listed})"
    return source.label


class ConditionRows:
    """The rows of one condition (``show_if`` or ``required_if``) inside a form."""

    def __init__(self, form: forms.Form, key: str, sources: list[Source], rule: Any,
                 language: str) -> None:
        self.form, self.key, self.rule = form, key, rule
        self.sources = {source.path: source for source in sources}
        parsed = condition_editor.from_rule(rule)
        self.custom = parsed is None
        self.description = condition_editor.describe(rule, {}, language) if self.custom else ""
        combine, clauses = parsed or ("all", [])
        self.count = len(clauses) + 1
        form.fields[f"{key}_combine"] = forms.ChoiceField(
            label=_("When there are several conditions"), required=False, initial=combine,
            choices=[("all", _("all must hold")), ("any", _("any one is enough"))],
            widget=forms.RadioSelect,
        )
        path_choices = [("", _("(choose a question)"))] + [
            (source.path, _source_label(source, language)) for source in sources
        ]
        known = {path for path, _label in path_choices}
        operator_choices = [(code, str(label)) for code, (label, *_rest) in OPERATORS.items()]
        for index in range(self.count):
            clause = clauses[index] if index < len(clauses) else None
            choices = list(path_choices)
            if clause and clause.path not in known:
                choices.append((clause.path, clause.path))
            form.fields[f"{key}_{index}_path"] = forms.ChoiceField(
                label=_("Question"), required=False, choices=choices,
                initial=clause.path if clause else "",
            )
            form.fields[f"{key}_{index}_operator"] = forms.ChoiceField(
                label=_("Check"), required=False, choices=operator_choices,
                initial=clause.operator if clause else "equals",
            )
            form.fields[f"{key}_{index}_value"] = forms.CharField(
                label=_("Value"), required=False, max_length=200,
                initial=_shown(clause) if clause else "",
                help_text=_("yes or no; a choice's value or label; a number; a date like "
                            "2024-04-01 or 令和6年4月1日. Not needed for “is answered”."),
            )
            if clause:
                form.fields[f"{key}_{index}_remove"] = forms.BooleanField(
                    label=_("Remove this condition"), required=False
                )
        if self.custom:
            form.fields[f"{key}_custom_remove"] = forms.BooleanField(
                label=_("Remove this condition"), required=False
            )

    @property
    def combine(self):
        return self.form[f"{self.key}_combine"]

    @property
    def custom_remove(self):
        return self.form[f"{self.key}_custom_remove"] if self.custom else None

    @property
    def rule_json(self) -> str:
        import json

        return json.dumps(self.rule, ensure_ascii=False)

    def rows(self) -> list[dict]:
        form, key = self.form, self.key
        return [
            {
                "number": index + 1,
                "path": form[f"{key}_{index}_path"],
                "operator": form[f"{key}_{index}_operator"],
                "value": form[f"{key}_{index}_value"],
                "remove": form[f"{key}_{index}_remove"]
                if f"{key}_{index}_remove" in form.fields else None,
            }
            for index in range(self.count)
        ]

    def value(self) -> Any:
        """Return the new rule (None for no condition), KEEP, or add errors to the form."""
        data, key = self.form.cleaned_data, self.key
        if self.custom:
            return None if data.get(f"{key}_custom_remove") else KEEP
        clauses = []
        for index in range(self.count):
            path = data.get(f"{key}_{index}_path")
            if not path or data.get(f"{key}_{index}_remove"):
                continue
            operator = data.get(f"{key}_{index}_operator") or "equals"
            source = self.sources.get(path)
            if source is None:
                self.form.add_error(f"{key}_{index}_path", _(
                    "This question is not answered before the condition is needed."))
                continue
            try:
                value = condition_editor.coerce(source, operator,
                                                data.get(f"{key}_{index}_value", ""))
            except ValueError as error:
                self.form.add_error(f"{key}_{index}_value", str(error))
                continue
            clauses.append(Clause(path, operator, value))
        return condition_editor.to_rule(clauses, data.get(f"{key}_combine") or "all")


class StepForm(BuilderForm):
    def __init__(self, *args, step: dict, sources: list[Source], language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_localised("title", _("Step title"), initial=step.get("title"),
                           required=("ja",))
        self.add_localised("description", _("Step description"), long=True, max_length=5000,
                           initial=step.get("description"))
        self.show_if = ConditionRows(self, "show_if", sources, step.get("show_if"), language)

    def values(self) -> dict[str, Any]:
        values = {"title": self.localised("title"),
                  "description": self.localised("description")}
        rule = self.show_if.value()
        if rule is not KEEP:
            values["show_if"] = rule
        return values


class StepAddForm(BuilderForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_localised("title", _("Step title"), languages=("ja", "en"), required=("ja",))


class FieldAddForm(BuilderForm):
    field_type = forms.ChoiceField(label=gettext_lazy("Kind of question"),
                                   widget=forms.RadioSelect)

    def __init__(self, *args, in_group: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        names = [name for name in FIELD_TYPE_LABELS if name in field_types]
        names += [name for name in field_types.names() if name not in names]
        if in_group:
            names = [name for name in names if field_types[name].allowed_in_group]
        self.fields["field_type"].choices = [(name, field_type_label(name)) for name in names]
        self.add_localised("label", _("Label"), languages=("ja", "en"), required=("ja",))


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note to the editor"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required when you return the version to draft."),
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Definition file (JSON)"))
    organisation = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Organisation"),
                                          empty_label=None)
    code = forms.CharField(
        label=gettext_lazy("Code"), max_length=80, validators=[CODE], required=False,
        help_text=gettext_lazy("Leave empty to use the code in the file."),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class CopyForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Copy into"),
                                          empty_label=None)
    code = forms.CharField(label=gettext_lazy("Code of the new procedure"), max_length=80,
                           validators=[CODE])

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class LifeEventForm(BuilderForm):
    organisation = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Organisation"),
                                          empty_label=None)
    code = forms.CharField(label=gettext_lazy("Code"), max_length=80, validators=[CODE],
                           help_text=gettext_lazy("Part of the address, like moving-in."))

    def __init__(self, *args, organisations=None, life_event=None, **kwargs):
        super().__init__(*args, **kwargs)
        if life_event is not None:
            del self.fields["organisation"], self.fields["code"]
        else:
            self.fields["organisation"].queryset = organisations
        self.add_localised("title", _("Title"), required=("ja", "en"),
                           initial=life_event.title if life_event else None)
        self.add_localised("description", _("Description"), long=True, max_length=5000,
                           initial=life_event.description if life_event else None)
