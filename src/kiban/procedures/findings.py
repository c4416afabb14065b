"""The problems the definition validator and the quality gate report."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """One problem in a definition: where (a JSON path such as $.steps[0].fields[1]) and what."""

    path: str
    code: str
    message: str


ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class QualityFinding:
    """One finding of the gate: ``severity`` is "error" (blocks) or "warning"."""

    path: str
    code: str
    message: str
    severity: str = ERROR
    where: str = ""
