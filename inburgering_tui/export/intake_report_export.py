"""Writing a case's intake report: gather it from the store, build the model, render, write.

Shared by the ``intake-report`` command and the case screen's worker. The file name carries the
case id, never the person's name; the export is recorded in the audit log (it takes the case's
data, perhaps health data, out of the encrypted store: DOMAIN.md §7 "log access").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pypdf import PdfReader

from inburgering_tui.domain.forms import Form
from inburgering_tui.domain.intake_report import (
    IntakeReport,
    ReportConversation,
    ReportHeader,
    build_report,
)
from inburgering_tui.export.files import write_atomically
from inburgering_tui.export.fonts import FontsMissing
from inburgering_tui.export.intake_report_pdf import render
from inburgering_tui.i18n.markers import N_
from inburgering_tui.i18n.refusal import Refusal
from inburgering_tui.services.intake_session import IntakeSession
from inburgering_tui.settings import Settings
from inburgering_tui.store.repository import Store


class ReportError(Refusal):
    """Why no report could be written: a msgid with its values, translated where shown."""


@dataclass(frozen=True)
class ReportResult:
    path: Path
    pages: int
    without_health: bool


def report_file_name(case_id: str, *, without_health: bool) -> str:
    return f"intake-{case_id[:8]}{'-zonder-gezondheid' if without_health else ''}.pdf"


def gather(
    store: Store, form: Form, settings: Settings, case_id: str, *, today: date, without_health: bool
) -> IntakeReport:
    """The report model of one case, from what the store holds now."""
    case = store.get_case(case_id)
    if case is None:
        raise ReportError(N_("Deze zaak bestaat niet (meer)."))
    header = ReportHeader(
        kenmerk=f"INT-{case_id[:8].upper()}",
        person_name=f"{case.given_names} {case.family_name}",
        date_of_birth=case.date_of_birth,
        v_nummer=case.v_nummer or "",
        doelgroep=case.doelgroep,
        azc_location=case.azc_location,
        koppelingsdatum=case.koppelingsdatum,
        kennisgeving_date=case.kennisgeving_date,
        brp_date=case.brp_date,
        consultant=case.consultant or settings.consultant,
        municipality=settings.municipality.name,
        made_on=today,
    )
    conversations = [
        ReportConversation(c.held_on, c.place, c.interpreter_name, c.interview_language)
        for c in store.conversations(case_id)
    ]
    # The intake as the consultant walks it: the same facts, notes and checks.
    intake = IntakeSession(store, form, case_id, today)
    warnings: dict[str, list[str]] = {}
    for warning in intake.warnings(settings.local_practice):
        warnings.setdefault(warning.section_id, []).append(warning.text())
    return build_report(
        form,
        intake.walk.facts,
        intake.answers,
        intake.walk.skipped,
        header=header,
        conversations=conversations,
        without_health=without_health,
        notes=intake.notes,
        warnings=warnings,
    )


def export_intake_report(
    store: Store,
    form: Form,
    settings: Settings,
    case_id: str,
    *,
    out: Path | None,
    today: date,
    without_health: bool = False,
    progress: Callable[[float], None] = lambda _done: None,
    checkpoint: Callable[[], None] = lambda: None,
) -> ReportResult:
    """Render and write the report. ``checkpoint`` is called between steps until the file is
    written; it raises to stop the work there, with nothing written or recorded."""
    report = gather(store, form, settings, case_id, today=today, without_health=without_health)
    progress(0.1)
    checkpoint()
    try:
        pdf = render(report, lambda done: progress(0.1 + done))
    except FontsMissing as exc:
        raise ReportError(
            N_("De lettertypen voor de PDF ontbreken: {reason}"), reason=str(exc)
        ) from None
    checkpoint()  # the last moment before the file is written
    path = out or settings.exports_dir / report_file_name(case_id, without_health=without_health)
    try:
        write_atomically(path, pdf)
    except OSError as exc:
        raise ReportError(
            N_("Kan {path} niet schrijven: {reason}"), path=str(path), reason=exc.strerror or ""
        ) from None
    store.record_export(
        case_id, "intake_report", "without_health" if without_health else "with_health"
    )
    pages = len(PdfReader(path).pages)
    progress(1.0)
    return ReportResult(path, pages, without_health)
