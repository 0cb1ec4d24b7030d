"""What every check returns. Plain data, no database: checks are pure functions over bytes and facts."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import IO, Any

from applications.checks.messages import render

# Checks read at most this much at a time, so a large file never sits whole in memory.
CHUNK_BYTES = 64 * 1024


class Outcome(StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"

    @property
    def label(self) -> str:
        return {"pass": "Passed", "warn": "Warning", "fail": "Failed"}[self.value]


@dataclass(frozen=True)
class Finding:
    """One check's verdict on one file.

    `code` and `params` say what is wrong and what to do about it, for the firm; `message` words them in the
    reader's language (applications.checks.messages). An `internal` finding is for the regulator's staff only
    (a firm never sees it).
    """

    check: str
    outcome: Outcome
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    internal: bool = False

    @property
    def message(self) -> str:
        return render(self.code, self.params)


def rewind(stream: IO[bytes]) -> IO[bytes]:
    stream.seek(0)
    return stream


def head(stream: IO[bytes], size: int = 8192) -> bytes:
    data = rewind(stream).read(size)
    rewind(stream)
    return data
