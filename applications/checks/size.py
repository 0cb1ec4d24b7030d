"""Size limits per document type, and empty files."""

from applications.checks.findings import Finding, Outcome

CHECK = "size"


def check_size(*, size: int, max_size_bytes: int, type_name: str, type_name_zh: str = "") -> Finding:
    if size == 0:
        return Finding(CHECK, Outcome.FAIL, f"{CHECK}.empty")
    if size > max_size_bytes:
        return Finding(
            CHECK,
            Outcome.FAIL,
            f"{CHECK}.too_large",
            {"size": f"{size:,}", "type_name": type_name, "type_name_zh": type_name_zh, "limit": f"{max_size_bytes:,}"},
        )
    return Finding(CHECK, Outcome.PASS, f"{CHECK}.ok", {"size": f"{size:,}", "limit": f"{max_size_bytes:,}"})
