"""The form of one question: texts, answer rules, registry prefill, choices, conditions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kiban.jp.era import parse_date
from kiban.jp.errors import JpValueError
from kiban.procedures.builder_forms import (
    CHOICE_VALUE,
    IDENTIFIER,
    KEEP,
    BuilderForm,
    ConditionRows,
    no_script,
)
from kiban.procedures.condition_editor import Source
from kiban.procedures.field_types import field_types


def _number(value) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


class FieldForm(BuilderForm):
    """Everything about one field: texts, answer rules, registry, type options, conditions."""

    id = forms.CharField(label=gettext_lazy("Id"), max_length=63, validators=[IDENTIFIER],
                         help_text=gettext_lazy("The key of the answer; conditions use it."))
    required = forms.BooleanField(label=gettext_lazy("The resident must answer this"),
                                  required=False)
    need = forms.CharField(
        label=gettext_lazy("Why this is needed (data minimisation)"), required=False,
        max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), validators=[no_script],
        help_text=gettext_lazy("What the bureau does with this answer. Reviewers check it "
                               "against the purpose."),
    )

    def __init__(self, *args, field: dict, definition: dict, attributes: dict, readable: set,
                 sources: dict[str, list[Source]], language: str, subfield: bool = False,
                 steps: list[tuple[str, str]] | None = None, current_step: str = "",
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.field, self.kind = field, field_types[field["type"]]
        self.subfield = subfield
        for key in ("id", "required", "need"):
            self.fields[key].initial = field.get(key)
        self.add_localised("label", _("Label"), initial=field.get("label"), required=("ja",))
        self.add_localised("help", _("Help text"), long=True, max_length=5000,
                           initial=field.get("help"))
        self.add_localised("error", _("Message when left empty"), max_length=500,
                           initial=field.get("error"))
        if not subfield and self.kind.value_type:
            self._registry_fields(attributes, readable)
        self.option_names = self._option_fields(field.get("options") or {})
        self.choice_count = self._choice_fields(field) if "choices" in self._schema() else 0
        self.conditions = {}
        if not subfield:
            self.fields["step"] = forms.ChoiceField(
                label=_("Step"), choices=steps or [], initial=current_step,
                help_text=_("Choose another step to move the question to the end of it."),
            )
            for key in ("show_if", "required_if"):
                self.conditions[key] = ConditionRows(self, key, sources[key], field.get(key),
                                                     language)

    def _schema(self) -> dict:
        return self.kind.options_schema.get("properties", {})

    def _registry_fields(self, attributes: dict, readable: set) -> None:
        compatible = [a for a in attributes.values()
                      if self.kind.value_type and a.value_type == self.kind.value_type]
        choices = [("", _("Do not prefill"))]
        for attribute in compatible:
            label = f"{attribute.label_ja} / {attribute.label_en} ({attribute.code})"
            if attribute.code not in readable:
                label += " — " + _("not allowed for your organisation")
            if attribute.code in readable or attribute.code == self.field.get("prefill"):
                choices.append((attribute.code, label))
        if self.field.get("prefill") and self.field["prefill"] not in dict(choices):
            choices.append((self.field["prefill"], self.field["prefill"]))
        self.fields["prefill"] = forms.ChoiceField(
            label=_("Prefill from the base registry"), required=False, choices=choices,
            initial=self.field.get("prefill", ""),
            help_text=_("The resident sees the value with its source and date and can "
                        "correct it."),
        )
        self.fields["save_back"] = forms.BooleanField(
            label=_("Offer to save a corrected answer back to the resident's profile"),
            required=False, initial=bool(self.field.get("save_back")),
        )

    def _option_fields(self, options: dict) -> list[str]:
        schema, names = self._schema(), []
        simple = {
            "max_length": lambda: forms.IntegerField(label=_("Maximum length (characters)"),
                                                     min_value=1, max_value=20000),
            "min": lambda: self._bound_field(_("Lowest allowed")),
            "max": lambda: self._bound_field(_("Highest allowed")),
            "decimal_places": lambda: forms.IntegerField(label=_("Decimal places"),
                                                         min_value=0, max_value=6),
            "min_items": lambda: forms.IntegerField(label=_("At least (entries)"), min_value=0,
                                                    max_value=50),
            "max_items": lambda: forms.IntegerField(label=_("At most (entries)"), min_value=1,
                                                    max_value=50),
            "widget": lambda: forms.ChoiceField(label=_("Show as"), choices=[
                ("radio", _("Radio buttons")), ("select", _("A drop-down list"))]),
            "readings": lambda: forms.BooleanField(label=_("Ask for the reading (セイ・メイ)")),
            "max_bytes": lambda: forms.IntegerField(label=_("Largest file (MB)"), min_value=1,
                                                    max_value=100),
            "allowed_types": lambda: forms.MultipleChoiceField(
                label=_("Accepted kinds of file"), widget=forms.CheckboxSelectMultiple,
                choices=[("pdf", "PDF"), ("jpeg", "JPEG"), ("png", "PNG")]),
        }
        for name, make in simple.items():
            if name not in schema:
                continue
            field = make()
            field.required = False
            field.initial = options.get(name)
            if name == "readings":
                field.initial = options.get("readings", True)
            if name == "max_bytes" and options.get(name):
                field.initial = max(1, options[name] // (1024 * 1024))
            self.fields[f"option_{name}"] = field
            names.append(name)
        for name, label in (("unit", _("Unit")), ("item_label", _("Name of one entry"))):
            if name in schema:
                self.add_localised(f"option_{name}", label, initial=options.get(name),
                                   max_length=100)
                names.append(name)
        return names

    def _bound_field(self, label) -> forms.Field:
        if self.field["type"] == "date":
            return forms.CharField(label=label, max_length=20, help_text=_(
                "A date like 2024-04-01 or 令和6年4月1日, or \"today\"."))
        return forms.DecimalField(label=label, max_digits=18, decimal_places=6)

    def _choice_fields(self, field: dict) -> int:
        choices = (field.get("options") or {}).get("choices") or []
        count = len(choices) + 2
        for index in range(count):
            choice = choices[index] if index < len(choices) else {}
            self.fields[f"choice_{index}_value"] = forms.CharField(
                label=_("Value stored"), required=False, max_length=80,
                initial=choice.get("value", ""), validators=[CHOICE_VALUE])
            self.add_localised(f"choice_{index}", _("Choice"), initial=choice.get("label"),
                               max_length=200)
            if index < len(choices):
                self.fields[f"choice_{index}_remove"] = forms.BooleanField(
                    label=_("Remove this choice"), required=False)
        return count

    def choice_rows(self) -> list[dict]:
        return [
            {
                "number": index + 1,
                "value": self[f"choice_{index}_value"],
                "labels": self.localised_fields(f"choice_{index}"),
                "remove": self[f"choice_{index}_remove"]
                if f"choice_{index}_remove" in self.fields else None,
            }
            for index in range(self.choice_count)
        ]

    def option_fields(self) -> list:
        bound = []
        for name in self.option_names:
            if name in ("unit", "item_label"):
                bound += self.localised_fields(f"option_{name}")
            else:
                bound.append(self[f"option_{name}"])
        return bound

    def clean(self):
        data = super().clean()
        if self.field["type"] == "date":
            for name in ("min", "max"):
                raw = (data.get(f"option_{name}") or "").strip()
                if raw and raw != "today":
                    try:
                        data[f"option_{name}"] = parse_date(raw).isoformat()
                    except (JpValueError, ValueError):
                        self.add_error(f"option_{name}", _(
                            "Enter a date like 2024-04-01 or 令和6年4月1日, or \"today\"."))
        return data

    def _options(self) -> dict[str, Any]:
        data, options = self.cleaned_data, {}
        for name in self.option_names:
            if name in ("unit", "item_label"):
                value = {k: v.strip() for k, v in self.localised(f"option_{name}").items()
                         if v.strip()}
            else:
                value = data.get(f"option_{name}")
            if isinstance(value, Decimal):
                value = _number(value)
            if name == "max_bytes" and value:
                value = value * 1024 * 1024
            if name == "readings":
                value = None if value else False
            if isinstance(value, date):
                value = value.isoformat()
            if value not in (None, "", [], {}):
                options[name] = value
        if self.choice_count:
            options["choices"] = self._choices()
        return options

    def _choices(self) -> list[dict]:
        data, choices, taken = self.cleaned_data, [], set()
        for index in range(self.choice_count):
            labels = {k: v.strip() for k, v in self.localised(f"choice_{index}").items()
                      if v.strip()}
            value = (data.get(f"choice_{index}_value") or "").strip()
            if data.get(f"choice_{index}_remove") or not (labels or value):
                continue
            if not value:
                value = f"option_{index + 1}"
                while value in taken:
                    value += "_"
            taken.add(value)
            choices.append({"value": value, "label": labels})
        return choices

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values: dict[str, Any] = {
            "id": data["id"],
            "label": self.localised("label"),
            "help": self.localised("help"),
            "error": self.localised("error"),
            "required": data["required"],
            "need": data["need"].strip(),
            "options": self._options(),
        }
        if not self.subfield:
            values["prefill"] = data.get("prefill") or ""
            values["save_back"] = data.get("save_back")
            values["step"] = data.get("step")
            for key, rows in self.conditions.items():
                rule = rows.value()
                if rule is not KEEP:
                    values[key] = rule
        return values
