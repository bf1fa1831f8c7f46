"""Calendar arithmetic for legal terms: months clip to the month's end (DOMAIN.md §2)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """31 January + 1 month = 28 (or 29) February; negative months go back the same way."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def add_weeks(day: date, weeks: int) -> date:
    return day + timedelta(weeks=weeks)


def add_days(day: date, days: int) -> date:
    return day + timedelta(days=days)
