"""The public face of procedure definitions for the apps that show and read them.

The submissions app (and any other) uses these functions only; the modules behind them
are free to change. A definition is the JSON of a ``ProcedureVersion`` (see
``kiban/schema/procedure.schema.json``); answers map field ids to JSON values.
"""

from kiban.procedures.conditions import (
    incomplete_steps,
    is_required,
    prune_answers,
    step_fields,
    visible_steps,
)
from kiban.procedures.findings import Finding
from kiban.procedures.localise import text
from kiban.procedures.parsing import StepResult, input_name, parse_step
from kiban.procedures.rendering import prefill_notice, render_step
from kiban.procedures.review import display_answers, error_items
from kiban.procedures.validation import procedure_schema, validate_definition

__all__ = [
    "Finding",
    "StepResult",
    "display_answers",
    "error_items",
    "incomplete_steps",
    "input_name",
    "is_required",
    "parse_step",
    "prefill_notice",
    "procedure_schema",
    "prune_answers",
    "render_step",
    "step_fields",
    "text",
    "validate_definition",
    "visible_steps",
]
