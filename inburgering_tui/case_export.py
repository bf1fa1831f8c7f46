"""Every case as one flat row for the municipal case system (``cases export --csv`` and the
back-office screen): identifiers, intake progress, the next deadline, open conflicts."""

from __future__ import annotations

import csv
from datetime import date
from typing import IO

from inburgering_tui.domain.deadlines import LocalPractice
from inburgering_tui.domain.forms import Form
from inburgering_tui.overview import case_overviews
from inburgering_tui.store.office_sync import conflicted_case_ids
from inburgering_tui.store.repository import Store

CSV_COLUMNS = (
    "case_id", "family_name", "given_names", "date_of_birth", "v_nummer", "bsn", "doelgroep",
    "consultant", "koppelingsdatum", "intake_domains_done", "intake_domains_total",
    "next_deadline_rule", "next_deadline_due", "next_deadline_status", "open_conflicts",
)  # fmt: skip


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def write_cases_csv(
    store: Store, form: Form, today: date, practice: LocalPractice, out: IO[str]
) -> int:
    overviews = case_overviews(store, form, today, practice)
    conflicts = conflicted_case_ids(store)
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for item in overviews:
        case, upcoming = item.case, item.next_deadline
        done, total = item.walk.progress()
        writer.writerow(
            [
                case.id, case.family_name, case.given_names, _iso(case.date_of_birth),
                case.v_nummer or "", case.bsn or "", case.doelgroep, case.consultant,
                _iso(case.koppelingsdatum), done, total,
                upcoming.rule if upcoming else "", _iso(upcoming.due) if upcoming else "",
                upcoming.status.value if upcoming else "", conflicts.get(case.id, 0),
            ]
        )  # fmt: skip
    return len(overviews)
