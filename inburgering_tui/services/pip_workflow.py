"""A case's PIP from first draft to set decision, with every rule checked here, below the UI.

The TUI, the demo and any script go through :class:`PipWorkflow`: prefill, field checks with
their messages, what is still missing, the person's agreement, and setting (vaststellen) with
every gate. The store only keeps versions; it knows none of these rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from inburgering_tui.domain.answers import Invalid, parse_date, parse_hours, parse_optional_date
from inburgering_tui.domain.calendar import add_days
from inburgering_tui.domain.case_facts import BIJSTAND_START, as_date, pip_inputs
from inburgering_tui.domain.case_rules import age_on
from inburgering_tui.domain.deadlines import LocalPractice
from inburgering_tui.domain.forms import Form
from inburgering_tui.domain.leerroute import Leerroute, RouteAdvice, route_change_allowed
from inburgering_tui.domain.pip import Missing, PipContent, PipContext, missing
from inburgering_tui.domain.pip_prefill import prefill
from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.markers import N_
from inburgering_tui.store.models import PipVersion
from inburgering_tui.store.pip_repository import PipStore
from inburgering_tui.store.repository import Store

__all__ = ["FieldCheck", "PipVersion", "PipWorkflow", "SetRefused", "check_fields"]

FIRST_REASON = N_("Eerste PIP na de brede intake")
TEXT_FIELDS = ("deviation_reason", "target_level", "provider", "contact_person",
               "ontzorgen_extension_reason")  # fmt: skip
HOUR_FIELDS = ("intensity_hours_week",)
DATE_FIELDS = ("ontzorgen_evaluation", "waiting_since", "info_received")
AGREEMENT_TEXT = ("person_name", "agreed_on", "interpreter_name", "consultant")


class SetRefused(Exception):
    """The version cannot be set; ``reasons`` say why, in the UI language."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass(frozen=True)
class FieldCheck:
    """The PIP fields as values, and per field the message of what is wrong with it."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _message(invalid: Invalid) -> str:
    return _(invalid.msgid).format(**invalid.params)


def check_fields(raw: Mapping[str, Any]) -> FieldCheck:
    """The PIP's own fields as typed (strings; ``leerroute`` a code or None; a bool)."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    route = raw.get("leerroute")
    values["leerroute"] = Leerroute(str(route)) if route else None
    values["alfabetisering"] = bool(raw.get("alfabetisering"))
    for name in TEXT_FIELDS:
        values[name] = str(raw.get(name, "")).strip()
    for name in HOUR_FIELDS:
        hours = parse_hours(str(raw.get(name, "")))
        if isinstance(hours, Invalid):
            errors[name] = _message(hours)
        else:
            values[name] = hours
    talks = str(raw.get("progress_talks_per_year", "")).strip()
    if not talks.isdigit() or not 0 <= int(talks) <= 12:
        errors["progress_talks_per_year"] = _(
            "Vul een getal in van {min} tot en met {max}."
        ).format(min=0, max=12)
    else:
        values["progress_talks_per_year"] = int(talks)
    for name in DATE_FIELDS:
        parsed = parse_optional_date(str(raw.get(name, "")))
        if isinstance(parsed, Invalid):
            errors[name] = _message(parsed)
        else:
            values[name] = parsed
    return FieldCheck(values, errors)


class PipWorkflow:
    """The PIP of one case."""

    def __init__(
        self, store: Store, form: Form, case_id: str, practice: LocalPractice, today: date
    ) -> None:
        self.store, self.form, self.case_id = store, form, case_id
        self.practice, self.today = practice, today
        self.pips = PipStore(store)
        self.context, self.advice, self.answers = self._gather()

    def _gather(self) -> tuple[PipContext, RouteAdvice, dict[str, Any]]:
        case = self.store.get_case(self.case_id)
        if case is None:
            raise LookupError(self.case_id)
        stored = self.store.answers(self.case_id, self.form.id)
        answers = {q: a.value for q, a in stored.items()}
        age = age_on(case.date_of_birth, self.today)
        context, advice = pip_inputs(case, answers, age, self.practice)
        return context, advice, answers

    # -- versions ------------------------------------------------------------------------------

    def versions(self) -> list[PipVersion]:
        return self.pips.versions(self.case_id)

    def version(self, version_id: str) -> PipVersion:
        found = next((v for v in self.versions() if v.id == version_id), None)
        if found is None:
            raise LookupError(version_id)
        return found

    def open(self) -> tuple[PipVersion, list[PipVersion]]:
        """The version to work on (the draft, else the latest) and all versions; a case
        without any gets its first draft, proposed from the advice and the intake."""
        versions = self.versions()
        draft = next((v for v in versions if v.status == "draft"), None)
        if draft is None and not versions:
            proposal = prefill(
                self.advice,
                self.context,
                bijstand_start=as_date(self.answers.get(BIJSTAND_START)),
                today=self.today,
                progress_interval_months=self.practice.progress_interval_months,
            )
            draft = self.pips.save_draft(
                self.case_id, proposal.model_dump(mode="json"), FIRST_REASON
            )
            versions = [draft]
        return draft or versions[-1], versions

    def save(self, content: PipContent) -> PipVersion:
        """Keep the draft's content (the draft only: a set version never changes)."""
        return self.pips.save_draft(self.case_id, content.model_dump(mode="json"))

    def amend(self, reason: str) -> PipVersion:
        """A new draft from the latest set version, with the reason for the change."""
        reason = reason.strip()
        if not reason:
            raise ValueError("a new PIP version needs its reason")
        latest = self.pips.latest_set(self.case_id)
        if latest is None:
            raise LookupError("no set version to amend")
        return self.pips.save_draft(self.case_id, dict(latest.content), reason)

    def missing(self, content: PipContent) -> list[Missing]:
        return missing(content, self.context)

    # -- agreement and setting -----------------------------------------------------------------

    def record_agreement(
        self, version_id: str, raw: Mapping[str, str], interview_language: str
    ) -> dict[str, str]:
        """Record the person's agreement; returns the problems per field (nothing is recorded
        while there are any)."""
        values = {name: str(raw.get(name, "")).strip() for name in AGREEMENT_TEXT}
        errors: dict[str, str] = {}
        for name in ("person_name", "consultant"):
            if not values[name]:
                errors[name] = _("Dit veld is verplicht.")
        agreed = parse_date(values["agreed_on"])
        if isinstance(agreed, Invalid):
            errors["agreed_on"] = _message(agreed)
        elif agreed > self.today:
            errors["agreed_on"] = _(
                "Deze datum ligt in de toekomst; vul een datum in tot en met vandaag."
            )
        if interview_language != "nl" and not values["interpreter_name"]:
            errors["interpreter_name"] = _(
                "Het gesprek was met een tolk: vul de naam van de tolk in."
            )
        if errors:
            return errors
        assert isinstance(agreed, date)
        values["agreed_on"] = agreed.isoformat()
        values["interpreter_language"] = str(raw.get("interpreter_language") or interview_language)
        self.pips.record_agreement(version_id, values)
        return {}

    def refusals(self, version_id: str, dagtekening: date) -> list[str]:
        """Every reason the version cannot be set on ``dagtekening`` (empty: it can)."""
        version = self.version(version_id)
        if version.status != "draft":
            return [_("Deze versie is al vastgesteld.")]
        reasons: list[str] = []
        content = PipContent.model_validate(version.content)
        gaps = self.missing(content)
        if gaps:
            reasons.append(
                _("Het PIP is nog niet compleet: {items}.").format(
                    items="; ".join(_(m.msgid).format(**m.params) for m in gaps)
                )
            )
        if not version.agreement:
            reasons.append(_("Het akkoord van de persoon is nog niet vastgelegd."))
        route_change = self._route_change_refusal(content, dagtekening)
        if route_change is not None:
            reasons.append(route_change)
        return reasons

    def set(self, version_id: str, dagtekening: date) -> PipVersion:
        """Vaststellen: the draft becomes the decision with its dagtekening, once every gate
        holds; otherwise :class:`SetRefused` with every reason."""
        reasons = self.refusals(version_id, dagtekening)
        if reasons:
            raise SetRefused(reasons)
        return self.pips.set_version(version_id, dagtekening)

    def _route_change_refusal(self, content: PipContent, dagtekening: date) -> str | None:
        """Rule T11: a later version may change the leerroute only within its window."""
        first = self.pips.first_set(self.case_id)
        latest = self.pips.latest_set(self.case_id)
        if first is None or latest is None or first.dagtekening is None:
            return None
        old = PipContent.model_validate(latest.content).leerroute
        new = content.leerroute
        if old is None or new is None:
            return None
        why = route_change_allowed(old, new, add_days(first.dagtekening, 1), dagtekening)
        return None if why is None else _(why.msgid).format(**why.params)
