"""Size limits per document type, and empty files."""

from applications.checks.findings import Finding, Outcome

CHECK = "size"


def check_size(*, size: int, max_size_bytes: int, type_name: str) -> Finding:
    if size == 0:
        return Finding(CHECK, Outcome.FAIL, "The file is empty. Upload the complete document.")
    if size > max_size_bytes:
        return Finding(
            CHECK,
            Outcome.FAIL,
            f"The file is {size:,} bytes; {type_name} may be at most {max_size_bytes:,} bytes. "
            "Reduce it (for example lower the scan resolution) and upload it again.",
        )
    return Finding(CHECK, Outcome.PASS, f"{size:,} bytes, within the {max_size_bytes:,} byte limit.")
