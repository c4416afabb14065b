"""axe-core (bundled by axe-playwright-python, no network) over many pages, one report."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

AXE = Axe()
# WCAG 2.0, 2.1 and 2.2 A and AA (JIS X 8341-3:2016 AA is WCAG 2.0 AA) and axe's best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
OPTIONS = {"resultTypes": ["violations"], "runOnly": {"type": "tag", "values": TAGS}}
BLOCKING = ("serious", "critical")
CHECKED: list[str] = []  # every page state checked in this session, for the summary line
NOTED: list[str] = []  # moderate and minor findings, reported but not failing


def _describe(violation: dict) -> str:
    nodes = "; ".join(
        f"{', '.join(map(str, node['target']))}: {node.get('failureSummary', '').strip()}"
        for node in violation["nodes"][:5]
    )
    return f"{violation['id']} ({violation['impact']}) {violation['help']} — {nodes}"


class Audit:
    """Check pages as a test walks through them; fail once, at the end, listing everything."""

    def __init__(self) -> None:
        self.failures: list[str] = []

    def check(self, page, label: str) -> None:
        results = AXE.run(page, options=OPTIONS).response
        CHECKED.append(label)
        for violation in results["violations"]:
            line = f"[{label}] {page.url}\n    {_describe(violation)}"
            if violation["impact"] in BLOCKING:
                self.failures.append(line)
            else:
                NOTED.append(line)

    def assert_clean(self) -> None:
        assert not self.failures, (
            f"{len(self.failures)} serious or critical accessibility violations:\n"
            + "\n".join(self.failures)
        )
