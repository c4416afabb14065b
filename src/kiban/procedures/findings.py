"""The problems the definition validator reports."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """One problem in a definition: where (a JSON path such as $.steps[0].fields[1]) and what."""

    path: str
    code: str
    message: str
