from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from applications.models import LicenceApplication


@dataclass(frozen=True)
class PledgeClock:
    """Days under review against the pledge; days waiting on the firm do not count."""

    started_at: datetime
    days_elapsed: int
    days_paused: int
    pledge_days: int

    @property
    def days_left(self) -> int:
        return self.pledge_days - self.days_elapsed

    @property
    def pledge_date(self) -> date:
        return timezone.localdate(self.started_at) + timedelta(days=self.pledge_days + self.days_paused)


def pledge_clock(*, application: LicenceApplication, now: datetime | None = None) -> PledgeClock | None:
    """None until the application is accepted. Stops at the final decision."""
    if application.accepted_at is None:
        return None
    end = application.decided_at or now or timezone.now()
    paused = timedelta()
    for request in application.information_requests.all():
        start = max(request.created_at, application.accepted_at)
        stop = min(request.responded_at or end, end)
        if stop > start:
            paused += stop - start
    elapsed = (end - application.accepted_at) - paused
    return PledgeClock(
        started_at=application.accepted_at,
        days_elapsed=max(elapsed.days, 0),
        days_paused=paused.days,
        pledge_days=settings.LICENSING_PLEDGE_DAYS,
    )
