"""A virus scan behind a small scanner interface. With no scanner configured the finding says so, in so many words."""

from dataclasses import dataclass
from typing import IO, BinaryIO, Protocol, cast
from urllib.parse import urlparse

from clamav_client.clamd import ClamdError, ClamdNetworkSocket, ClamdUnixSocket, CommunicationError

from applications.checks.findings import Finding, Outcome, rewind

CHECK = "virus_scan"


@dataclass(frozen=True)
class ScanResult:
    infected: bool
    signature: str = ""
    error: str = ""  # the scanner answered but could not scan (e.g. the file exceeds its stream limit)


class Scanner(Protocol):
    name: str

    def scan(self, stream: IO[bytes]) -> ScanResult: ...


class ScannerUnavailable(ConnectionError):
    """The scanner could not be reached: transient, so the task retries (it is an OSError)."""


class ClamdScanner:
    """clamd over TCP (tcp://host:3310) or a Unix socket (unix:///run/clamav/clamd.ctl or a bare path).

    Streams the file with INSTREAM, so clamd needs no access to our storage.
    """

    name = "ClamAV"

    def __init__(self, url: str, *, timeout: float = 30.0) -> None:
        parsed = urlparse(url)
        self.client: ClamdNetworkSocket
        if parsed.scheme == "tcp":
            self.client = ClamdNetworkSocket(
                host=parsed.hostname or "127.0.0.1", port=parsed.port or 3310, timeout=timeout
            )
        elif parsed.scheme in ("unix", ""):
            self.client = ClamdUnixSocket(path=parsed.path, timeout=int(timeout))
        else:
            raise ValueError(f"CLAMD_URL must be tcp://host:port or a Unix socket path, not {url!r}.")

    def scan(self, stream: IO[bytes]) -> ScanResult:
        try:
            report = self.client.instream(cast(BinaryIO, rewind(stream)))  # it only calls read()
        except CommunicationError as error:
            raise ScannerUnavailable(str(error)) from error
        except ClamdError as error:  # clamd answered with an error: a retry would get the same answer
            return ScanResult(infected=False, error=str(error) or type(error).__name__)
        status, reason = report.get("stream", ("ERROR", "no answer for the stream"))
        if status == "FOUND":
            return ScanResult(infected=True, signature=reason or "a virus")
        if status == "OK":
            return ScanResult(infected=False)
        return ScanResult(infected=False, error=reason or status)


def scanner_from_url(url: str) -> Scanner | None:
    return ClamdScanner(url) if url else None


def check_virus(stream: IO[bytes], *, scanner: Scanner | None) -> Finding:
    if scanner is None:
        # Never a silent pass: the officer sees that nothing scanned this file.
        return Finding(CHECK, Outcome.WARN, f"{CHECK}.not_configured", internal=True)
    result = scanner.scan(rewind(stream))
    if result.infected:
        return Finding(
            CHECK,
            Outcome.FAIL,
            f"{CHECK}.found",
            {"scanner": scanner.name, "signature": result.signature},
        )
    if result.error:
        return Finding(
            CHECK, Outcome.WARN, f"{CHECK}.error", {"scanner": scanner.name, "error": result.error}, internal=True
        )
    return Finding(CHECK, Outcome.PASS, f"{CHECK}.ok", {"scanner": scanner.name})
