"""Dated documents older than their type allows (for example audited accounts older than 18 months)."""

import calendar
from datetime import date

from applications.checks.findings import Finding, Outcome

CHECK = "document_age"


def months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))


def check_document_age(*, document_date: date | None, max_age_months: int, today: date, type_name: str) -> Finding:
    if document_date is None:
        return Finding(CHECK, Outcome.PASS, "Not dated: no document date was entered, so its age was not checked.")
    if document_date > today:
        return Finding(CHECK, Outcome.FAIL, f"The document date {document_date} is in the future. Correct the date.")
    oldest = months_before(today, max_age_months)
    if document_date < oldest:
        return Finding(
            CHECK,
            Outcome.FAIL,
            f"The document is dated {document_date}; {type_name} may be at most {max_age_months} months old "
            f"(dated {oldest} or later). Upload a more recent one.",
        )
    return Finding(CHECK, Outcome.PASS, f"Dated {document_date}, within {max_age_months} months.")
