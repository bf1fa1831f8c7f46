"""The deadlines of the Wet inburgering 2021 for one case (DOMAIN.md §2, rules T1-T14).

Pure: from the case's dates and facts to a list of deadlines, each with its due date, status,
rule id and source, so a consultant can be told why a date is what it is. Values marked as local
practice (M) in DOMAIN.md come from :class:`LocalPractice`, a setting with the seeds' defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from inburgering_tui.domain.calendar import add_days, add_months, add_weeks
from inburgering_tui.domain.case_rules import Doelgroep
from inburgering_tui.i18n.markers import N_


class Status(StrEnum):
    DONE = "done"
    DUE = "due"
    OVERDUE = "overdue"
    NOT_APPLICABLE = "not_applicable"
    SUSPENDED = "suspended"


STATUS_LABELS = {
    Status.DONE: N_("gedaan"),
    Status.DUE: N_("open"),
    Status.OVERDUE: N_("te laat"),
    Status.NOT_APPLICABLE: N_("niet van toepassing"),
    Status.SUSPENDED: N_("opgeschort"),
}


class LocalPractice(BaseModel):
    """Municipal choices (M in DOMAIN.md), defaults from the seed documents; a setting."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    intake_start_months: int = Field(2, ge=1, description="T1: start of the brede intake (000).")
    lbt_from_weeks: int = Field(8, ge=0, description="T2: leerbaarheidstoets window opens (000).")
    lbt_until_weeks: int = Field(12, ge=1, description="T2: leerbaarheidstoets window ends (000).")
    ontzorgen_evaluation_months: int = Field(3, ge=1, description="T9: evaluation (000).")
    progress_interval_months: int = Field(
        6, ge=1, description="T10: months between voortgangsgesprekken (000: 6, Weert 004: 3)."
    )
    pvt_within_months: int = Field(12, ge=1, description="T13: PVT signed after settling (000).")
    due_soon_days: int = Field(14, ge=0, description="Highlight deadlines this close.")
    map_hours_norm: int = Field(40, ge=1, description="MAP: minimum hours (000 §1.8).")
    onderwijs_age_limit: int = Field(
        28, ge=16, description="L1: the municipality's 'under N' for the onderwijsroute (000: 28)."
    )


@dataclass(frozen=True)
class Invitation:
    """An invitation to the brede intake (rule T3): when sent, its term, and the response."""

    sent_on: date
    term_days: int
    responded_on: date | None = None


@dataclass(frozen=True)
class DeadlineFacts:
    doelgroep: str
    koppelingsdatum: date | None = None
    kennisgeving_date: date | None = None
    brp_date: date | None = None
    first_intake_date: date | None = None
    invitations: tuple[Invitation, ...] = ()
    lbt_date: date | None = None
    lbt_exempt: bool = False
    pip_waiting_since: date | None = None
    pip_info_received: date | None = None
    pip_dagtekening: date | None = None
    termijn_extended: bool = False
    on_bijstand: bool = False
    bijstand_start: date | None = None
    last_progress_talk: date | None = None
    nt2_hours: float = 0.0
    pvt_signed: date | None = None
    moved_registration_date: date | None = None
    new_pip_after_move: date | None = None


@dataclass(frozen=True)
class Deadline:
    rule: str
    title: str  # msgid
    source: str
    status: Status
    due: date | None = None
    window_start: date | None = None
    reason: str = ""  # msgid with {placeholders}
    params: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "name": self.title,
            "due": self.due.isoformat() if self.due else None,
            "window_start": self.window_start.isoformat() if self.window_start else None,
            "status": self.status.value,
            "source": self.source,
            "reason": self.reason.format(**self.params) if self.reason else "",
        }


def _open(due: date, today: date) -> Status:
    return Status.OVERDUE if today > due else Status.DUE


def _na(rule: str, title: str, source: str, reason: str, **params: Any) -> Deadline:
    return Deadline(rule, title, source, Status.NOT_APPLICABLE, reason=reason, params=params)


def compute(
    facts: DeadlineFacts, today: date, practice: LocalPractice | None = None
) -> list[Deadline]:
    practice = practice or LocalPractice()
    rules = (
        _t1_intake_start,
        _t2_leerbaarheidstoets,
        _t3_invitations,
        _t4_pip,
        _t5_third_party,
        _t6_termijn,
        _t7_extension,
        _t8_bezwaar,
        _t9_ontzorgen_end,
        _t9_ontzorgen_evaluation,
        _t10_voortgang,
        _t11_route_change,
        _t12_afschalen,
        _t13_pvt,
        _t14_move,
    )
    return [rule(facts, today, practice) for rule in rules]


def next_deadline(deadlines: list[Deadline]) -> Deadline | None:
    """Overdue first (oldest first), then the earliest open one."""
    open_ones = [d for d in deadlines if d.status in (Status.OVERDUE, Status.DUE) and d.due]
    return min(open_ones, key=lambda d: (d.status != Status.OVERDUE, d.due), default=None)


def is_due_soon(deadline: Deadline, today: date, practice: LocalPractice | None = None) -> bool:
    days = (practice or LocalPractice()).due_soon_days
    return (
        deadline.status == Status.DUE
        and deadline.due is not None
        and (deadline.due - today).days <= days
    )


# -- the rules -------------------------------------------------------------------------------


def _t1_intake_start(f: DeadlineFacts, today: date, p: LocalPractice) -> Deadline:
    title, source = N_("Start brede intake"), "M 000"
    # Asielstatushouders are counted from the koppeling, others from BRP registration (000).
    asylum = f.doelgroep == Doelgroep.ASIELSTATUSHOUDER
    base = f.koppelingsdatum if asylum else f.brp_date
    if base is None:
        missing = N_("koppelingsdatum") if asylum else N_("datum inschrijving BRP")
        return _na(
            "T1", title, source, N_("Nog niet te berekenen: {missing} ontbreekt."), missing=missing
        )
    due = add_months(base, p.intake_start_months)
    reason = N_("Uiterlijk {months} maanden na {base_name}.")
    params = {
        "months": p.intake_start_months,
        "base_name": N_("koppeling") if asylum else N_("inschrijving BRP"),
    }
    if f.first_intake_date is not None:
        return Deadline("T1", title, source, Status.DONE, due, reason=reason, params=params)
    return Deadline("T1", title, source, _open(due, today), due, reason=reason, params=params)


def t2_window(koppelingsdatum: date, p: LocalPractice) -> tuple[date, date]:
    """Rule T2: the first and last day for the leerbaarheidstoets (8-12 weeks after koppeling)."""
    return add_weeks(koppelingsdatum, p.lbt_from_weeks), add_weeks(
        koppelingsdatum, p.lbt_until_weeks
    )


def _t2_leerbaarheidstoets(f: DeadlineFacts, today: date, p: LocalPractice) -> Deadline:
    title, source = N_("Leerbaarheidstoets"), "M 000; B 5.2(3)"
    if f.lbt_exempt:
        return _na(
            "T2", title, source, N_("Vrijgesteld wegens een beperking in zien of horen (B 5.2(3)).")
        )
    if f.koppelingsdatum is None:
        return _na(
            "T2", title, source, N_("Geen koppelingsdatum: plan de toets in de brede intake.")
        )
    start, due = t2_window(f.koppelingsdatum, p)
    reason = N_("Tussen {start} en {end} weken na de koppeling; de toets blijft 12 maanden open.")
    params = {"start": p.lbt_from_weeks, "end": p.lbt_until_weeks}
    status = Status.DONE if f.lbt_date else _open(due, today)
    return Deadline("T2", title, source, status, due, start, reason, params)


def _t3_invitations(f: DeadlineFacts, today: date, p: LocalPractice) -> Deadline:
    title, source = N_("Reactie op uitnodiging brede intake"), "W 14, 22; B 7.1"
    if not f.invitations:
        return _na("T3", title, source, N_("Geen uitnodigingen vastgelegd."))
    last = f.invitations[-1]
    number = len(f.invitations)
    due = add_days(last.sent_on, last.term_days)
    reason = {
        1: N_(
            "Eerste uitnodiging. Geen reactie: schriftelijke waarschuwing en tweede uitnodiging."
        ),
        2: N_("Tweede uitnodiging. Geen reactie: boete van €250 (W 22) en derde uitnodiging."),
    }.get(
        number,
        N_(
            "Derde uitnodiging. Geen reactie: nog €250 boete; het college stelt het PIP "
            "zonder de persoon vast (W 14(2))."
        ),
    )
    params: dict[str, Any] = {}
    if last.responded_on is not None:
        return Deadline("T3", title, source, Status.DONE, due, last.sent_on, reason, params)
    return Deadline("T3", title, source, _open(due, today), due, last.sent_on, reason, params)


def _pip_base(f: DeadlineFacts) -> date | None:
    """B 5.3(1): from the kennisgeving, or from BRP registration when that came later."""
    if f.kennisgeving_date is None:
        return None
    if f.brp_date is not None and f.brp_date > f.kennisgeving_date:
        return f.brp_date
    return f.kennisgeving_date


def _t4_pip(f: DeadlineFacts, today: date, p: LocalPractice) -> Deadline:
    title, source = N_("PIP vastgesteld"), "B 5.3(1)"
    base = _pip_base(f)
    if base is None:
        return _na(
            "T4",
            title,
            source,
            N_("Nog niet te berekenen: {missing} ontbreekt."),
            missing=N_("datum kennisgeving DUO"),
        )
    due = add_weeks(base, 10)
    later_brp = (
        f.brp_date is not None
        and f.kennisgeving_date is not None
        and f.brp_date > f.kennisgeving_date
    )
    reason = (
        N_("10 weken na inschrijving in de BRP (die kwam na de kennisgeving).")
        if later_brp
        else N_("10 weken na de kennisgeving van DUO.")
    )
    if f.pip_dagtekening is not None:
        return Deadline("T4", title, source, Status.DONE, due, reason=reason)
    if f.pip_waiting_since is not None and f.pip_info_received is None:
        return Deadline(
            "T4",
            title,
            "B 5.3(1)(2)",
            Status.SUSPENDED,
            due,
            reason=N_("Opgeschort: wacht op informatie van een derde (B 5.3(2))."),
        )
    if f.pip_info_received is not None:
        due = max(due, add_weeks(f.pip_info_received, 2))
        reason = N_("Na opschorting: uiterlijk 2 weken nadat de informatie binnenkwam (B 5.3(2)).")
    return Deadline("T4", title, source, _open(due, today), due, reason=reason)


def _t5_third_party(f: DeadlineFacts, today: date, p: LocalPractice) -> Deadline:
    title, source = N_("PIP na wachten op een derde"), "B 5.3(2)"
    if f.pip_waiting_since is None:
        return _na("T5", title, source, N_("Er wordt niet gewacht op een derde."))
    if f.pip_info_received is None:
        return Deadline(
            "T5",
            title,
            source,
            Status.SUSPENDED,
            window_start=f.pip_waiting_since,
            reason=N_("Wacht sinds {since} op informatie."),
            params={"since": f.pip_waiting_since.isoformat()},
        )
    due = add_weeks(f.pip_info_received, 2)
    status = Status.DONE if f.pip_dagtekening else _open(due, today)
    return Deadline(
        "T5",
        title,
        source,
        status,
        due,
        f.pip_info_received,
        N_("2 weken nadat de informatie binnenkwam."),
    )


def termijn(f: DeadlineFacts) -> tuple[date, date] | None:
    """Rule T6: three years from the day after the PIP's dagtekening; T7 adds six months."""
    if f.pip_dagtekening is None:
        return None
    start = add_days(f.pip_dagtekening, 1)
    end = add_months(f.pip_dagtekening, 36)
    if f.termijn_extended:
        end = add_months(end, 6)
    return start, end


_NO_PIP = N_("Begint pas als het PIP is vastgesteld.")


def _t6_termijn(f: DeadlineFacts, today: date, p: LocalPractice) -> Deadline:
    title, source = N_("Einde inburgeringstermijn"), "W 11"
    span = termijn(f)
    if span is None:
        return _na("T6", title, source, _NO_PIP)
    start, end = span
    reason = N_(
        "3 jaar vanaf de dag na de dagtekening van het PIP; een nieuwe PIP-versie verschuift dit niet."
    )
    if f.termijn_extended:
        reason = N_(
            "3 jaar vanaf de dag na de dagtekening van het PIP, verlengd met 6 maanden (B 4.4)."
        )
    return Deadline("T6", title, source, _open(end, today), end, start, reason)


def _t7_extension(f: DeadlineFacts, today: date, p: LocalPractice) -> Deadline:
    title, source = N_("Verlenging aanvragen"), "B 4.4, 4.5"
    span = termijn(f)
    if span is None:
        return _na("T7", title, source, _NO_PIP)
    if f.termijn_extended:
        return Deadline(
            "T7", title, source, Status.DONE, span[1], reason=N_("Verlengd met 6 maanden.")
        )
    end = span[1]
    opens = add_months(end, -6)
    reason = N_("Aanvragen kan vanaf 6 maanden voor het einde van de termijn (B 4.5).")
    if today < opens:
        return Deadline(
            "T7",
            title,
            source,
            Status.NOT_APPLICABLE,
            end,
            opens,
            N_("Aanvragen kan pas vanaf {opens}."),
            {"opens": opens.isoformat()},
        )
    return Deadline("T7", title, source, _open(end, today), end, opens, reason)


def _t8_bezwaar(f: DeadlineFacts, today: date, p: LocalPractice) -> Deadline:
    title, source = N_("Bezwaartermijn PIP"), "Awb 6:7, 6:8"
    if f.pip_dagtekening is None:
        return _na("T8", title, source, _NO_PIP)
    start = add_days(f.pip_dagtekening, 1)
    end = add_weeks(f.pip_dagtekening, 6)
    reason = N_("6 weken vanaf de dag nadat het PIP bekend is gemaakt.")
    status = Status.DONE if today > end else Status.DUE
    return Deadline("T8", title, source, status, end, start, reason)


def _ontzorgen_applies(f: DeadlineFacts) -> str | None:
    if f.doelgroep != Doelgroep.ASIELSTATUSHOUDER:
        return N_("Alleen voor asielstatushouders (Pw 56a).")
    if not f.on_bijstand or f.bijstand_start is None:
        return N_("Alleen bij bijstand; er is geen startdatum van de bijstand.")
    return None


def _t9_ontzorgen_end(f: DeadlineFacts, today: date, p: LocalPractice) -> Deadline:
    title, source = N_("Einde ontzorgen"), "Pw 56a"
    if (why := _ontzorgen_applies(f)) is not None:
        return _na("T9", title, source, why)
    assert f.bijstand_start is not None
    end = add_months(f.bijstand_start, 6)
    reason = N_("6 maanden vanaf de start van de bijstand; verlengen is maatwerk.")
    status = Status.DONE if today > end else Status.DUE
    return Deadline("T9", title, source, status, end, f.bijstand_start, reason)


def _t9_ontzorgen_evaluation(f: DeadlineFacts, today: date, p: LocalPractice) -> Deadline:
    title, source = N_("Evaluatie ontzorgen"), "M 000"
    if (why := _ontzorgen_applies(f)) is not None:
        return _na("T9e", title, source, why)
    assert f.bijstand_start is not None
    due = add_months(f.bijstand_start, p.ontzorgen_evaluation_months)
    reason = N_("{months} maanden na de start van de bijstand (gemeentelijke afspraak).")
    return Deadline(
        "T9e",
        title,
        source,
        _open(due, today),
        due,
        reason=reason,
        params={"months": p.ontzorgen_evaluation_months},
    )


def _t10_voortgang(f: DeadlineFacts, today: date, p: LocalPractice) -> Deadline:
    title, source = N_("Volgend voortgangsgesprek"), "B 5.3(4); M 000/004"
    if f.pip_dagtekening is None:
        return _na("T10", title, source, _NO_PIP)
    last = f.last_progress_talk or f.pip_dagtekening
    due = add_months(last, p.progress_interval_months)
    reason = N_("Elke {months} maanden na het vorige gesprek of het PIP (gemeentelijke afspraak).")
    return Deadline(
        "T10",
        title,
        source,
        _open(due, today),
        due,
        reason=reason,
        params={"months": p.progress_interval_months},
    )


def _t11_route_change(f: DeadlineFacts, today: date, p: LocalPractice) -> Deadline:
    title, source = N_("Leerroute wijzigen"), "W 17(2), B 5.4"
    span = termijn(f)
    if span is None:
        return _na("T11", title, source, _NO_PIP)
    end = add_months(span[0], 18)
    reason = N_(
        "Binnen 1,5 jaar na de start van de termijn; van onderwijsroute naar B1-route kan altijd."
    )
    status = Status.NOT_APPLICABLE if today > end else Status.DUE
    return Deadline("T11", title, source, status, end, span[0], reason)


def _t12_afschalen(f: DeadlineFacts, today: date, p: LocalPractice) -> Deadline:
    title, source = N_("Afschalen B1 naar A2"), "W 17(3), B 5.5"
    if f.pip_dagtekening is None:
        return _na("T12", title, source, _NO_PIP)
    if f.nt2_hours < 600:
        return _na(
            "T12",
            title,
            source,
            N_("Pas na 600 uur NT2-les en voldoende inzet ({hours} uur gedaan)."),
            hours=int(f.nt2_hours),
        )
    return Deadline(
        "T12",
        title,
        source,
        Status.DUE,
        reason=N_("600 uur NT2-les gedaan: afschalen kan worden beoordeeld."),
    )


def _t13_pvt(f: DeadlineFacts, today: date, p: LocalPractice) -> Deadline:
    title, source = N_("PVT getekend"), "M 000 §1.8"
    base = f.brp_date or f.koppelingsdatum
    if base is None:
        return _na(
            "T13",
            title,
            source,
            N_("Nog niet te berekenen: {missing} ontbreekt."),
            missing=N_("datum inschrijving BRP"),
        )
    due = add_months(base, p.pvt_within_months)
    reason = N_("Doel van de gemeente: binnen {months} maanden na vestiging.")
    status = Status.DONE if f.pvt_signed else _open(due, today)
    return Deadline(
        "T13", title, source, status, due, reason=reason, params={"months": p.pvt_within_months}
    )


def _t14_move(f: DeadlineFacts, today: date, p: LocalPractice) -> Deadline:
    title, source = N_("Nieuw PIP na verhuizing"), "B 5.3(3), W 15(4)"
    if f.moved_registration_date is None:
        return _na("T14", title, source, N_("Niet verhuisd naar een andere gemeente."))
    due = add_weeks(f.moved_registration_date, 10)
    reason = N_("10 weken na inschrijving in de nieuwe gemeente; de leerroute blijft.")
    status = Status.DONE if f.new_pip_after_move else _open(due, today)
    return Deadline("T14", title, source, status, due, f.moved_registration_date, reason)
