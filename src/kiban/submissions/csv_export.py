"""Export a staff member's inbox as CSV for Excel, logged in every applicant's access log.

The file is UTF-8 with a byte order mark, which Excel in Japan needs to read it as UTF-8.
Any cell that a spreadsheet could run as a formula gets a leading single quote (CSV
injection); nothing else is changed, so names keep the exact characters stored (𠮷, 髙).
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from kiban.audit.services import audit_record
from kiban.procedures.localise import text
from kiban.registry.constants import AccessorKind, Purpose
from kiban.registry.models import AccessRecord
from kiban.submissions.casework import (
    answer_sections,
    case_accessor,
    case_attribute_codes,
    checked_definition,
)
from kiban.submissions.constants import Status
from kiban.submissions.models import Submission

BOM = "\ufeff"
#: A cell starting with one of these is read as a formula (or a DDE call) by spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Larger exports must be narrowed with filters, so one request cannot hold a whole bureau.
MAX_ROWS = 10_000
CHUNK = 500


class ExportTooLarge(Exception):
    def __init__(self, count: int):
        self.count = count
        super().__init__(count)


def csv_cell(value) -> str:
    """Return `value` as CSV text that no spreadsheet will evaluate."""
    cell = "" if value is None else str(value)
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def _fixed_row(submission: Submission, language: str) -> list[str]:
    submitted = submission.submitted_at
    return [
        submission.reference or "",
        text(submission.version.definition.get("title"), language),
        Status(submission.status).label,
        timezone.localtime(submitted).strftime("%Y-%m-%d %H:%M") if submitted else "",
        submission.applicant.display_name or submission.applicant.email,
    ]


def _answer_cells(
    submission: Submission, definition: dict | None, language: str
) -> dict[tuple[str, str], str]:
    """Return {(step title, label): shown value}; stored values if the definition is not sound."""
    sections = answer_sections(definition, submission.answers, language)
    if sections is None:
        return {
            ("", key): value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            for key, value in submission.answers.items()
        }
    return {(title, label): str(value) for title, rows in sections for label, value in rows}


def _headers(columns: Iterable[tuple[str, str]]) -> list[str]:
    """Name answer columns by their label, adding the step title where labels repeat."""
    columns = list(columns)
    uses = Counter(label for _, label in columns)
    return [
        label if uses[label] == 1 or not title else f"{title} {label}" for title, label in columns
    ]


def _access_records(chunk: list[Submission], user) -> list[AccessRecord]:
    """Return one applicant access-log row per exported case (kept in step with access_record)."""
    records = []
    for submission in chunk:
        accessor = case_accessor(submission=submission, user=user)
        records.append(AccessRecord(
            subject=submission.subject,
            attribute_codes=case_attribute_codes(submission.version.definition),
            accessor_kind=AccessorKind.STAFF, accessor_user=user,
            accessor_organisation=submission.organisation, accessor_label=accessor.label,
            procedure_code=accessor.procedure_code, reference=accessor.reference,
            purpose=Purpose.CASE_WORK, basis=accessor.legal_basis,
        ))
    return records


def inbox_csv(
    *, submissions: QuerySet[Submission], user, language: str, fixed_headers: list[str],
    filters: dict | None = None,
) -> bytes:
    """Return the CSV of `submissions` (an `inbox_for` queryset) and log every case read.

    `fixed_headers` names the first five columns (reference, procedure, status, submitted
    at, applicant) in the staff member's language. Raise ExportTooLarge over MAX_ROWS.
    The access records and the audit record are written together once the rows are built,
    so a failed export logs nothing and a long one holds no write lock while it reads.
    """
    ids = list(submissions.values_list("pk", flat=True)[: MAX_ROWS + 1])
    if len(ids) > MAX_ROWS:
        raise ExportTooLarge(len(ids))
    rows, columns, records, definitions = [], {}, [], {}
    for start in range(0, len(ids), CHUNK):
        chunk_ids = ids[start : start + CHUNK]
        chunk = list(
            Submission.objects.filter(pk__in=chunk_ids)
            .select_related("version__procedure", "applicant", "organisation", "subject")
            .order_by("-submitted_at", "-id")
        )
        records.extend(_access_records(chunk, user))
        for submission in chunk:
            version = submission.version
            if version.pk not in definitions:
                definitions[version.pk] = checked_definition(version)
            answers = _answer_cells(submission, definitions[version.pk], language)
            columns.update(dict.fromkeys(answers))
            rows.append((_fixed_row(submission, language), answers))
    shown_filters = {name: str(value) for name, value in (filters or {}).items() if value}
    with transaction.atomic():
        AccessRecord.objects.bulk_create(records, batch_size=CHUNK)
        audit_record(
            action="submission.export", actor=user,
            data={"count": len(ids), "filters": shown_filters},
        )
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerow([csv_cell(h) for h in [*fixed_headers, *_headers(columns)]])
    for fixed, answers in rows:
        writer.writerow([csv_cell(v) for v in [*fixed, *(answers.get(c, "") for c in columns)]])
    return buffer.getvalue().encode("utf-8")
