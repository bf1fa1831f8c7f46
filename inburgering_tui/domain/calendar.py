"""Calendar arithmetic for legal terms: months clip to the month's end (DOMAIN.md §2)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """31 January + 1 month = 28 (or 29) February; negative months go back the same way."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    if day.day <= 28:  # every month has a 28th: the common case needs no calendar lookup
        return date(year, month, day.day)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_weeks(day: date, weeks: int) -> date:
    return day + timedelta(weeks=weeks)


def add_days(day: date, days: int) -> date:
    return day + timedelta(days=days)
