"""The deadline engine, rule by rule (DOMAIN.md §2), with month ends, leap years and doelgroepen."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from inburgering_tui.domain.calendar import add_months
from inburgering_tui.domain.deadlines import (
    Deadline,
    DeadlineFacts,
    Invitation,
    LocalPractice,
    Status,
    compute,
    is_due_soon,
    next_deadline,
    termijn,
)

TODAY = date(2026, 11, 23)
ASIEL = DeadlineFacts(doelgroep="asielstatushouder", koppelingsdatum=date(2026, 9, 1))
GEZIN = DeadlineFacts(doelgroep="gezinsmigrant", brp_date=date(2026, 10, 1))


def rule(
    facts: DeadlineFacts, rule_id: str, today: date = TODAY, practice: LocalPractice | None = None
) -> Deadline:
    return next(d for d in compute(facts, today, practice) if d.rule == rule_id)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 12, 15), 2, date(2027, 2, 15)),
        (date(2028, 2, 29), 36, date(2031, 2, 28)),
        (date(2026, 8, 31), -6, date(2026, 2, 28)),
    ],
)
def test_months_clip_to_the_end_of_the_month(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_every_rule_t1_to_t14_is_computed_with_its_source() -> None:
    rules = {d.rule for d in compute(ASIEL, TODAY)}
    assert {f"T{n}" for n in range(1, 15)} <= rules
    assert all(d.source for d in compute(ASIEL, TODAY))


@pytest.mark.parametrize(
    ("facts", "today", "status", "due"),
    [
        (ASIEL, date(2026, 10, 31), Status.DUE, date(2026, 11, 1)),
        (ASIEL, date(2026, 11, 1), Status.DUE, date(2026, 11, 1)),  # the last day itself
        (ASIEL, date(2026, 11, 2), Status.OVERDUE, date(2026, 11, 1)),
        (
            replace(ASIEL, first_intake_date=date(2026, 12, 1)),
            TODAY,
            Status.DONE,
            date(2026, 11, 1),
        ),
        (replace(ASIEL, koppelingsdatum=date(2026, 12, 31)), TODAY, Status.DUE, date(2027, 2, 28)),
        (GEZIN, TODAY, Status.DUE, date(2026, 12, 1)),  # gezinsmigrant: from BRP registration
        (replace(GEZIN, brp_date=None), TODAY, Status.NOT_APPLICABLE, None),
    ],
)
def test_t1_intake_starts_within_two_months(
    facts: DeadlineFacts, today: date, status: Status, due: date | None
) -> None:
    deadline = rule(facts, "T1", today)
    assert (deadline.status, deadline.due) == (status, due)


def test_t1_follows_the_local_setting() -> None:
    assert rule(ASIEL, "T1", practice=LocalPractice(intake_start_months=3)).due == date(2026, 12, 1)


def test_t2_leerbaarheidstoets_window_and_exemption() -> None:
    deadline = rule(ASIEL, "T2", date(2026, 10, 1))
    assert (deadline.window_start, deadline.due) == (date(2026, 10, 27), date(2026, 11, 24))
    assert deadline.status == Status.DUE
    assert rule(ASIEL, "T2", date(2026, 11, 25)).status == Status.OVERDUE
    assert rule(replace(ASIEL, lbt_date=date(2026, 11, 2)), "T2").status == Status.DONE
    assert rule(replace(ASIEL, lbt_exempt=True), "T2").status == Status.NOT_APPLICABLE


def test_t3_tracks_the_last_invitation_and_its_consequence() -> None:
    first = Invitation(sent_on=date(2026, 11, 1), term_days=14)
    second = Invitation(sent_on=date(2026, 11, 16), term_days=14)
    one = rule(replace(ASIEL, invitations=(first,)), "T3")
    assert (one.status, one.due) == (Status.OVERDUE, date(2026, 11, 15))
    assert "waarschuwing" in one.reason
    two = rule(replace(ASIEL, invitations=(first, second)), "T3")
    assert (two.status, two.due) == (Status.DUE, date(2026, 11, 30))
    assert "€250" in two.reason
    answered = replace(second, responded_on=date(2026, 11, 20))
    assert rule(replace(ASIEL, invitations=(first, answered)), "T3").status == Status.DONE


@pytest.mark.parametrize(
    ("kennisgeving", "brp", "due"),
    [
        (date(2026, 10, 1), None, date(2026, 12, 10)),
        (date(2026, 10, 1), date(2026, 9, 1), date(2026, 12, 10)),  # registered before
        (date(2026, 10, 1), date(2026, 10, 20), date(2026, 12, 29)),  # registered later: B 5.3(1)
    ],
)
def test_t4_pip_within_ten_weeks(kennisgeving: date, brp: date | None, due: date) -> None:
    facts = replace(ASIEL, kennisgeving_date=kennisgeving, brp_date=brp)
    assert rule(facts, "T4").due == due


def test_t4_and_t5_suspend_while_waiting_on_a_third_party() -> None:
    waiting = replace(ASIEL, kennisgeving_date=date(2026, 8, 1), pip_waiting_since=date(2026, 9, 1))
    assert rule(waiting, "T4").status == Status.SUSPENDED
    assert rule(waiting, "T5").status == Status.SUSPENDED
    received = replace(waiting, pip_info_received=date(2026, 11, 20))
    assert rule(received, "T4").due == date(2026, 12, 4)  # 2 weeks after the information
    assert rule(received, "T5").due == date(2026, 12, 4)
    assert rule(ASIEL, "T5").status == Status.NOT_APPLICABLE


def test_t6_termijn_starts_the_day_after_the_dagtekening_and_lasts_three_years() -> None:
    facts = replace(ASIEL, pip_dagtekening=date(2028, 2, 29))
    assert termijn(facts) == (date(2028, 3, 1), date(2031, 2, 28))
    extended = replace(facts, termijn_extended=True)
    assert termijn(extended) == (date(2028, 3, 1), date(2031, 8, 28))
    assert rule(ASIEL, "T6").status == Status.NOT_APPLICABLE


def test_t7_extension_can_be_asked_from_six_months_before_the_end() -> None:
    facts = replace(ASIEL, pip_dagtekening=date(2026, 1, 10))  # ends 2029-01-10
    early = rule(facts, "T7", date(2028, 7, 9))
    assert early.status == Status.NOT_APPLICABLE and early.window_start == date(2028, 7, 10)
    assert rule(facts, "T7", date(2028, 7, 10)).status == Status.DUE
    assert rule(replace(facts, termijn_extended=True), "T7").status == Status.DONE


def test_t8_bezwaar_runs_six_weeks() -> None:
    facts = replace(ASIEL, pip_dagtekening=date(2026, 11, 1))
    deadline = rule(facts, "T8", date(2026, 12, 13))
    assert (deadline.window_start, deadline.due, deadline.status) == (
        date(2026, 11, 2),
        date(2026, 12, 13),
        Status.DUE,
    )
    assert rule(facts, "T8", date(2026, 12, 14)).status == Status.DONE


def test_t9_ontzorgen_only_for_asielstatushouders_on_bijstand() -> None:
    on_bijstand = replace(ASIEL, on_bijstand=True, bijstand_start=date(2026, 8, 31))
    assert rule(on_bijstand, "T9").due == date(2027, 2, 28)
    assert rule(on_bijstand, "T9e").due == date(2026, 11, 30)
    gezin = replace(GEZIN, on_bijstand=True, bijstand_start=date(2026, 8, 31))
    assert rule(gezin, "T9").status == Status.NOT_APPLICABLE
    assert rule(ASIEL, "T9").status == Status.NOT_APPLICABLE


def test_t10_voortgang_cadence_is_a_setting() -> None:
    facts = replace(ASIEL, pip_dagtekening=date(2026, 6, 1))
    assert rule(facts, "T10").due == date(2026, 12, 1)
    assert (
        rule(facts, "T10", practice=LocalPractice(progress_interval_months=3)).status
        == Status.OVERDUE
    )
    talked = replace(facts, last_progress_talk=date(2026, 11, 1))
    assert rule(talked, "T10").due == date(2027, 5, 1)


def test_t11_route_change_within_eighteen_months_of_the_termijn() -> None:
    facts = replace(ASIEL, pip_dagtekening=date(2026, 1, 10))
    deadline = rule(facts, "T11", date(2027, 7, 11))
    assert (deadline.due, deadline.status) == (date(2027, 7, 11), Status.DUE)
    assert rule(facts, "T11", date(2027, 7, 12)).status == Status.NOT_APPLICABLE


def test_t12_afschalen_after_600_hours() -> None:
    facts = replace(ASIEL, pip_dagtekening=date(2026, 1, 10), nt2_hours=599)
    assert rule(facts, "T12").status == Status.NOT_APPLICABLE
    assert rule(replace(facts, nt2_hours=600), "T12").status == Status.DUE


def test_t13_pvt_within_a_year_and_t14_after_a_move() -> None:
    assert rule(GEZIN, "T13").due == date(2027, 10, 1)
    assert rule(replace(GEZIN, pvt_signed=date(2026, 11, 1)), "T13").status == Status.DONE
    assert rule(ASIEL, "T14").status == Status.NOT_APPLICABLE
    moved = replace(ASIEL, moved_registration_date=date(2026, 11, 2))
    assert rule(moved, "T14").due == date(2027, 1, 11)


def test_next_deadline_prefers_overdue_then_earliest() -> None:
    facts = replace(ASIEL, kennisgeving_date=date(2026, 9, 10))
    deadlines = compute(facts, TODAY)
    first = next_deadline(deadlines)
    assert first is not None and first.status == Status.OVERDUE and first.rule == "T1"
    t2 = rule(ASIEL, "T2", date(2026, 11, 15))
    assert is_due_soon(t2, date(2026, 11, 15))
    assert not is_due_soon(t2, date(2026, 10, 1))
