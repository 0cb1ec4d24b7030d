"""The same file already filed by another firm: a red flag for the officer, never shown to the firm."""

from collections.abc import Sequence

from applications.checks.findings import Finding, Outcome

CHECK = "duplicate"


def check_duplicate(*, filed_elsewhere: Sequence[str]) -> Finding:
    """`filed_elsewhere` names the other firms' applications that hold a file with the same SHA-256."""
    if filed_elsewhere:
        where = ", ".join(filed_elsewhere[:10])
        if len(filed_elsewhere) > 10:
            params = {"where": where, "more": len(filed_elsewhere) - 10}
            return Finding(CHECK, Outcome.WARN, f"{CHECK}.found_more", params, internal=True)
        return Finding(CHECK, Outcome.WARN, f"{CHECK}.found", {"where": where}, internal=True)
    return Finding(CHECK, Outcome.PASS, f"{CHECK}.none", internal=True)
