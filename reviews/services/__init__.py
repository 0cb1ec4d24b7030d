"""Writes of the review work: one module per area (deadlines, checklist, notes, assignment)."""

from reviews.services.deadlines import (
    deadlines_escalate_overdue_requests,
    deadlines_remind_licence_anniversaries,
    deadlines_warn_pledge_dates,
    next_anniversary,
)

__all__ = [
    "deadlines_escalate_overdue_requests",
    "deadlines_remind_licence_anniversaries",
    "deadlines_warn_pledge_dates",
    "next_anniversary",
]
