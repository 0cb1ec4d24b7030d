"""axe-core in the page under test: the accessibility check of the main pages.

axe-core (4.12.1) comes vendored in the axe-playwright-python wheel, pinned in requirements/local.txt;
we load its script ourselves and ask for the WCAG 2.x A and AA rules only.
"""

from pathlib import Path
from typing import Any

import axe_playwright_python
from playwright.sync_api import Page

AXE_SCRIPT = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Every WCAG A/AA violation axe finds on the page as it is now."""
    page.evaluate(AXE_SCRIPT)
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = page.evaluate("options => axe.run(document, options)", options)
    violations: list[dict[str, Any]] = results["violations"]
    return violations


def serious_violations(page: Page) -> list[str]:
    """The serious and critical ones, each as "rule: help (selectors)", for an assertion message."""
    return [
        f"{violation['id']}: {violation['help']} ({', '.join(str(node['target']) for node in violation['nodes'][:5])})"
        for violation in axe_violations(page)
        if violation.get("impact") in BLOCKING_IMPACTS
    ]
