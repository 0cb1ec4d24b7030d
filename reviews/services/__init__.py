"""Writes of the review work: one module per area (deadlines, checklist, notes, decisions, requests)."""

from reviews.services.checklist import checklist_item_record
from reviews.services.deadlines import (
    deadlines_escalate_overdue_requests,
    deadlines_remind_licence_anniversaries,
    deadlines_warn_pledge_dates,
    next_anniversary,
)
from reviews.services.decisions import decision_record, recommendation_record
from reviews.services.information_requests import (
    information_item_answer,
    information_item_attach_document,
    information_request_close,
    information_request_open,
)
from reviews.services.notes import note_add

__all__ = [
    "checklist_item_record",
    "deadlines_escalate_overdue_requests",
    "deadlines_remind_licence_anniversaries",
    "deadlines_warn_pledge_dates",
    "decision_record",
    "information_item_answer",
    "information_item_attach_document",
    "information_request_close",
    "information_request_open",
    "next_anniversary",
    "note_add",
    "recommendation_record",
]
