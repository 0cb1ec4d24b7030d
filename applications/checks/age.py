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


def check_document_age(
    *, document_date: date | None, max_age_months: int, today: date, type_name: str, type_name_zh: str = ""
) -> Finding:
    if document_date is None:
        return Finding(CHECK, Outcome.PASS, f"{CHECK}.undated")
    if document_date > today:
        return Finding(CHECK, Outcome.FAIL, f"{CHECK}.future", {"date": document_date.isoformat()})
    oldest = months_before(today, max_age_months)
    if document_date < oldest:
        return Finding(
            CHECK,
            Outcome.FAIL,
            f"{CHECK}.too_old",
            {
                "date": document_date.isoformat(),
                "type_name": type_name,
                "type_name_zh": type_name_zh,
                "months": max_age_months,
                "oldest": oldest.isoformat(),
            },
        )
    return Finding(CHECK, Outcome.PASS, f"{CHECK}.ok", {"date": document_date.isoformat(), "months": max_age_months})
