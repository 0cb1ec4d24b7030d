"""What every check returns. Plain data, no Django: checks are pure functions over bytes and facts."""

from dataclasses import dataclass
from enum import StrEnum
from typing import IO

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

    `message` is written for the firm: what is wrong and what to do about it. An `internal` finding
    is for the regulator's staff only (a firm never sees it).
    """

    check: str
    outcome: Outcome
    message: str
    internal: bool = False


def rewind(stream: IO[bytes]) -> IO[bytes]:
    stream.seek(0)
    return stream


def head(stream: IO[bytes], size: int = 8192) -> bytes:
    data = rewind(stream).read(size)
    rewind(stream)
    return data
