"""The stored bytes are the bytes that were uploaded: their SHA-256 matches the one taken while streaming."""

from applications.checks.findings import Finding, Outcome

CHECK = "integrity"


def check_integrity(*, actual_sha256: str, expected_sha256: str) -> Finding:
    if actual_sha256 != expected_sha256:
        # Storage corrupted or replaced the file; the firm can fix it only by uploading again.
        return Finding(
            CHECK,
            Outcome.FAIL,
            f"{CHECK}.mismatch",
        )
    return Finding(CHECK, Outcome.PASS, f"{CHECK}.ok", {"sha256": actual_sha256})
