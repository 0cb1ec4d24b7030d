"""ZIP archives, where a document type allows them: refuse zip bombs from the directory alone, never extracting."""

import zipfile
from typing import IO

from applications.checks.findings import Finding, Outcome, rewind

CHECK = "archive"
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100  # uncompressed over compressed; ordinary documents compress far less than this
MAX_MEMBERS = 1000


def check_archive(
    stream: IO[bytes],
    *,
    max_uncompressed_bytes: int = MAX_UNCOMPRESSED_BYTES,
    max_ratio: int = MAX_RATIO,
    max_members: int = MAX_MEMBERS,
) -> Finding:
    try:
        with zipfile.ZipFile(rewind(stream)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        return Finding(CHECK, Outcome.FAIL, f"{CHECK}.damaged")
    if any(info.flag_bits & 0x1 for info in members):
        return Finding(CHECK, Outcome.FAIL, f"{CHECK}.encrypted")
    # Declared sizes: an overlapping-entry bomb declares each entry's full size, so the sum still catches it.
    total = sum(info.file_size for info in members)
    compressed = max(sum(info.compress_size for info in members), 1)
    if len(members) > max_members or total > max_uncompressed_bytes or total / compressed > max_ratio:
        return Finding(
            CHECK,
            Outcome.FAIL,
            f"{CHECK}.too_large",
            {
                "total": f"{total:,}",
                "members": len(members),
                "max_total": f"{max_uncompressed_bytes:,}",
                "max_members": max_members,
                "max_ratio": max_ratio,
            },
        )
    return Finding(CHECK, Outcome.PASS, f"{CHECK}.ok", {"members": len(members), "total": f"{total:,}"})
