"""Writes of the review work: one module per area (deadlines, checklist, notes, assignment)."""

from reviews.services.checklist import checklist_item_record
from reviews.services.deadlines import (
    deadlines_escalate_overdue_requests,
    deadlines_remind_licence_anniversaries,
    deadlines_warn_pledge_dates,
    next_anniversary,
)
from reviews.services.notes import note_add

__all__ = [
    "checklist_item_record",
    "deadlines_escalate_overdue_requests",
    "deadlines_remind_licence_anniversaries",
    "deadlines_warn_pledge_dates",
    "next_anniversary",
    "note_add",
]
