"""The intake report (verslag brede intake): every domain shown, the reasons for what was not
asked or skipped, health on pages of its own and gone from a copy without it, any script."""

from __future__ import annotations

import json
import subprocess
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Label, OptionList, ProgressBar

from inburgering_tui.domain.case_rules import age_on
from inburgering_tui.domain.forms import Form
from inburgering_tui.domain.intake import CaseFacts, IntakeWalk
from inburgering_tui.domain.intake_report import ReportHeader, build_report
from inburgering_tui.store.vault import Vault

from .conftest import PASSPHRASE, TODAY
from .test_cli import run

NOT_ASKED = "Besproken bij Nasser-Aydın (taalcafé), volgt later"
SKIPPED = "Geen tijd meer; volgende keer met Ṣāliḥ bij het taalcafé [2e gesprek]"
ARABIC = "العربية، وأتكلم قليلا من الإنجليزية منذ 2019"
TIGRINYA = "ኣብ ኔዘርላንድ ሓው ኣሎ፡ ብ 2024 መጺኡ።"
# Markers in health answers and reasons: none may reach a copy without health data.
HEALTH_SECRETS = ("Rugpijn-GEHEIM", "Huisarts-reden-GEHEIM", "Overslaan-GEHEIM", "Oud-GEHEIM")


def _words(text: str) -> str:
    """pdftotext's output with shaped Arabic made plain again and the lines joined."""
    plain = unicodedata.normalize("NFKC", text)
    plain = "".join(c for c in plain if unicodedata.category(c) != "Cf")  # bidi marks
    return " ".join(plain.split())


def _pdftotext(path: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(
        ["pdftotext", "-raw", *pages, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def _case(home: Path, form: Form) -> str:
    """An asielstatushouder with answers in three scripts, something not asked, a skipped
    domain, health answers and answers from an older form version."""
    store = Vault(home).create(PASSPHRASE)
    case = store.create_case(
        {"given_names": "Ṣāliḥ", "family_name": "Nasser-Aydın", "doelgroep": "asielstatushouder",
         "languages": ["ar"], "v_nummer": "2027004211", "date_of_birth": date(1990, 5, 3),
         "azc_location": "AZC Zeist (paviljoen 3)", "consultant": "J. de Vries"}
    )  # fmt: skip
    store.add_conversation(
        case.id, held_on=date(2026, 10, 1), place="AZC Zeist", interpreter_name="Mariam Ḥaddād",
        interview_language="ar",
    )  # fmt: skip
    store.add_conversation(
        case.id, held_on=date(2026, 10, 8), place="Gemeentehuis (kamer 2.14)",
        interpreter_name="Selam Tesfay", interview_language="ti",
    )  # fmt: skip

    def save(section: str, question: str, value: object, reason: str | None = None) -> None:
        store.save_answer(
            case.id, form.id, form.version, section, question, value, not_asked_reason=reason
        )

    save("procedure", "proc_alleen_verteld", True)
    save("procedure", "proc_aanwezig", ["vluchtelingenwerk"])
    save("opleiding", "opleiding_jaren", 12)
    save("opleiding", "opleiding_niveau", None, NOT_ASKED)
    save("taalniveau", "taal_moedertaal", ARABIC)
    save("sociaal_netwerk", "sociaal_netwerk__samenvatting", TIGRINYA)
    save("sociaal_netwerk", "sociaal_netwerk__score", 3)
    save("rechten_en_plichten", "rp_alleen_uitgelegd", True)
    save("fysieke_gezondheid", "fg_klachten", True)
    save("fysieke_gezondheid", "fg_gevolgen", "Rugpijn-GEHEIM bij lang zitten")
    save("fysieke_gezondheid", "fg_huisarts", None, "Huisarts-reden-GEHEIM")
    # Answers to questions the form no longer has: one in a known domain, one in a domain the
    # form dropped (which a copy without health data must leave out: it may have been health).
    save("opleiding", "opleiding_oud_diploma", "Diploma 2008 (Damascus)")
    save("oud_domein", "oude_vraag_x", "Oud-GEHEIM antwoord")
    store.skip_section(case.id, form.id, "digitale_vaardigheden", SKIPPED)
    store.skip_section(case.id, form.id, "mentale_gezondheid", "Overslaan-GEHEIM")
    store.close()
    return case.id


def _report(tmp_path: Path, case_id: str, *extra: str) -> Path:
    exports = tmp_path / "exports"
    result = run("intake-report", case_id[:8], *extra, INBURGERING_EXPORTS_DIR=str(exports))
    assert result.returncode == 0, result.stderr
    [path] = [p for p in exports.glob("*.pdf") if ("zonder" in p.name) == bool(extra)]
    assert path.name.startswith(f"intake-{case_id[:8]}")  # the case id, never the name
    assert str(path) in result.stdout
    return path


def test_a_demo_case_report_shows_every_domain_and_is_confidential(
    isolated: Path, tmp_path: Path, intake_form: Form
) -> None:
    assert run("demo", "--cases", "5", "--no-ui").returncode == 0
    cases = json.loads(run("cases", "list", "--json").stdout)
    done = max(cases, key=lambda c: c["intake"]["domains_done"])  # an intake gone all through
    path = _report(tmp_path, done["id"])
    assert path.name == f"intake-{done['id'][:8]}.pdf"
    store = Vault(isolated).unlock(PASSPHRASE)
    case = store.get_case(done["id"])
    assert case is not None
    walk = IntakeWalk(
        intake_form,
        CaseFacts(case.doelgroep, age_on(case.date_of_birth, date.today())),
        store.answers(case.id, intake_form.id),
        store.skipped_sections(case.id, intake_form.id),
    )
    conversation = store.conversations(case.id)[0]
    audit = [e.action for e in store.audit_events(case.id)]
    store.close()
    text = _words(_pdftotext(path))
    shown = [s.title for s in walk.sections()]
    assert len(shown) >= 14
    for title in shown:
        assert title in text, title
    assert f"{case.given_names} {case.family_name}" in text
    assert case.v_nummer and case.v_nummer in text
    assert conversation.held_on.strftime("%d-%m-%Y") in text
    assert "Gemeente Voorbeeld" in text  # the municipality from the settings
    pages = _page_count(path)
    for number in range(1, pages + 1):
        page = _words(_pdftotext(path, number))
        assert "VERTROUWELIJK" in page and f"pagina {number} van {pages}" in page
    assert audit[-1] == "export.intake_report"  # taking data out of the store is logged
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(path),
                    str(tmp_path / "page")], check=True)  # fmt: skip
    [image] = tmp_path.glob("page-*.png")
    assert image.stat().st_size > 5000


def test_reasons_scripts_history_and_health_on_pages_of_their_own(
    isolated: Path, tmp_path: Path, intake_form: Form
) -> None:
    path = _report(tmp_path, _case(isolated, intake_form))
    text = _words(_pdftotext(path))
    assert NOT_ASKED in text  # the reason a question was not asked
    assert SKIPPED in text  # and why a domain was skipped
    assert "Digitale vaardigheden" in text
    assert "Ṣāliḥ Nasser-Aydın" in text and "Mariam Ḥaddād" in text
    for word in ("العربية", "الإنجليزية", "قليلا", "2019"):
        assert word in text, word
    assert TIGRINYA in text
    assert "3 van 5 (beperkt zelfredzaam)" in text
    assert "opleiding_oud_diploma" in text and "Diploma 2008 (Damascus)" in text
    assert "oude_vraag_x" in text and "Oud-GEHEIM antwoord" in text
    # The procedural facts: told of the right to speak alone (B 5.2(2)), and what is missing.
    assert "Is aan de persoon verteld dat hij of zij dit gesprek alleen mag voeren" in text
    assert "niet vastgelegd" in text
    # Health stands on pages of its own, marked; no other domain shares them.
    health = [s for s in intake_form.sections if s.special_category]
    others = [s.title for s in intake_form.sections if not s.special_category]
    health_pages = []
    for number in range(1, _page_count(path) + 1):
        page = _words(_pdftotext(path, number))
        if "Rugpijn-GEHEIM" in page or "Overslaan-GEHEIM" in page:
            health_pages.append(number)
            assert "Bijzondere persoonsgegevens: gezondheid" in page
            assert not any(f"{title} Stand:" in page for title in others), page
    assert health_pages
    klachten = intake_form.question("fg_klachten")
    assert klachten is not None and " ".join(klachten.prompt.split()) in text
    for secret in HEALTH_SECRETS[:3]:
        assert secret in text
    assert all(s.title in text for s in health)


def test_a_copy_without_health_has_no_health_question_or_answer(
    isolated: Path, tmp_path: Path, intake_form: Form
) -> None:
    case_id = _case(isolated, intake_form)
    path = _report(tmp_path, case_id, "--without-health")
    assert path.name == f"intake-{case_id[:8]}-zonder-gezondheid.pdf"
    text = _words(_pdftotext(path))
    for section in intake_form.sections:
        if not section.special_category:
            continue
        for question in section.questions:
            assert " ".join(question.prompt.split()) not in text, question.id
    for secret in HEALTH_SECRETS:
        assert secret not in text, secret
    assert "Bijzondere persoonsgegevens: gezondheid" not in text  # no health page at all
    assert "Kopie zonder gezondheidsgegevens" in text
    assert "Fysieke gezondheid en Mentale gezondheid zijn weggelaten" in text
    # Everything else is still there.
    assert NOT_ASKED in text and SKIPPED in text and TIGRINYA in text
    assert "Diploma 2008 (Damascus)" in text


def test_the_model_of_a_copy_without_health_holds_nothing_of_health(intake_form: Form) -> None:
    from inburgering_tui.store.repository import StoredAnswer

    health = {s.id for s in intake_form.sections if s.special_category}
    answers = {
        "fg_klachten": StoredAnswer("fg_klachten", "fysieke_gezondheid", 1, True, None),
        "fg_huisarts": StoredAnswer("fg_huisarts", "fysieke_gezondheid", 1, None, "reden"),
        "opleiding_jaren": StoredAnswer("opleiding_jaren", "opleiding", 1, 9, None),
        "weg": StoredAnswer("weg", "fysieke_gezondheid", 1, "oud", None),
    }
    header = ReportHeader("INT-1", "A B", None, "", "gezinsmigrant", "", None, None, None, "",
                          "Gemeente Proef", TODAY)  # fmt: skip
    facts = CaseFacts("gezinsmigrant", 30)
    full = build_report(intake_form, facts, answers, {"mentale_gezondheid": "x"}, header=header,
                        conversations=[])  # fmt: skip
    copy = build_report(intake_form, facts, answers, {"mentale_gezondheid": "x"}, header=header,
                        conversations=[], without_health=True)  # fmt: skip
    assert health <= {d.section_id for d in full.domains}
    assert not health & {d.section_id for d in copy.domains}
    assert not any(a.question_id == "weg" for a in copy.historical_elsewhere)
    assert copy.health_left_out == ("Fysieke gezondheid", "Mentale gezondheid")
    assert [d.title for d in full.skipped] == ["Mentale gezondheid"]
    assert [a.question_id for _d, a in full.not_asked] == ["fg_huisarts"]
    assert copy.not_asked == [] and copy.skipped == []


@pytest.mark.parametrize("choice", [[], ["down"]])
async def test_the_report_is_made_from_the_case_screen(
    isolated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, choice: list[str]
) -> None:
    from inburgering_tui.domain.form_loader import load_forms
    from inburgering_tui.settings import default_forms_dir
    from inburgering_tui.tui.dialogs.intake_report import IntakeReportDialog

    from .pilot import SIZE, make_app

    monkeypatch.setenv("INBURGERING_EXPORTS_DIR", str(tmp_path / "exports"))
    forms = load_forms(default_forms_dir())
    case_id = _case(isolated, forms["brede-intake"])
    vault = Vault(isolated)
    app = make_app(vault, forms, store=vault.unlock(PASSPHRASE))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")  # the only case
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, IntakeReportDialog)
        await pilot.press(*choice, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Klaar" in str(app.screen.query_one("#report-state").render())
        assert app.screen.query_one("#report-progress", ProgressBar).progress == 1.0
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, IntakeReportDialog)
        events = [(e.action, e.subject) for e in app.require_store().audit_events(case_id)]
    without = bool(choice)
    [path] = (tmp_path / "exports").glob("*.pdf")
    suffix = "-zonder-gezondheid" if without else ""
    assert path.name == f"intake-{case_id[:8]}{suffix}.pdf"
    text = _words(_pdftotext(path))
    assert NOT_ASKED in text
    assert ("Rugpijn-GEHEIM" in text) is not without
    assert events[-1] == ("export.intake_report", "without_health" if without else "with_health")


def test_a_report_that_cannot_be_written_says_why_and_changes_nothing(
    isolated: Path, tmp_path: Path, intake_form: Form
) -> None:
    case_id = _case(isolated, intake_form)
    blocker = tmp_path / "geen-map"
    blocker.write_text("een bestand, geen map")
    result = run("intake-report", case_id[:8], "--out", str(blocker / "verslag.pdf"))
    assert result.returncode == 2
    assert "Kan " in result.stderr and "niet schrijven" in result.stderr
    assert "Nasser" not in result.stderr  # no personal data in the message
    unknown = run("intake-report", "zzzz")
    assert unknown.returncode == 2 and "no case matches" in unknown.stderr
    store = Vault(isolated).unlock(PASSPHRASE)
    assert "export.intake_report" not in [e.action for e in store.audit_events(case_id)]
    store.close()


async def test_the_dialog_says_why_a_report_failed_and_may_try_again(
    isolated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from inburgering_tui.domain.form_loader import load_forms
    from inburgering_tui.settings import default_forms_dir

    from .pilot import SIZE, make_app

    blocker = tmp_path / "exports"
    blocker.write_text("een bestand, geen map")
    monkeypatch.setenv("INBURGERING_EXPORTS_DIR", str(blocker / "sub"))
    forms = load_forms(default_forms_dir())
    _case(isolated, forms["brede-intake"])
    vault = Vault(isolated)
    app = make_app(vault, forms, store=vault.unlock(PASSPHRASE))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "r")
        await pilot.pause()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        state = str(app.screen.query_one("#report-state").render())
        assert "kon niet worden gemaakt" in state and "niet schrijven" in state
        choices = app.screen.query_one("#report-kind")
        assert not choices.disabled and choices.has_focus  # the consultant may try again


async def test_esc_stops_the_report_before_it_is_written_and_the_next_one_is_made(
    isolated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from inburgering_tui.domain.form_loader import load_forms
    from inburgering_tui.settings import default_forms_dir
    from inburgering_tui.tui.dialogs.intake_report import IntakeReportDialog

    from .pilot import SIZE, make_app
    from .work_gate import Gate, until_ended

    exports = tmp_path / "exports"
    monkeypatch.setenv("INBURGERING_EXPORTS_DIR", str(exports))
    held = Gate(at=1)  # rendered, not yet written: the last moment it can stop
    held.install(monkeypatch, IntakeReportDialog)
    forms = load_forms(default_forms_dir())
    case_id = _case(isolated, forms["brede-intake"])
    vault = Vault(isolated)
    app = make_app(vault, forms, store=vault.unlock(PASSPHRASE))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "r")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, IntakeReportDialog)
        await pilot.press("enter")
        await held.wait_reached()
        state = dialog.query_one("#report-state", Label)
        assert str(state.render()) == "PDF maken... Esc: stoppen."
        assert dialog.query_one("#report-kind", OptionList).disabled  # Enter starts nothing
        await pilot.press("escape")
        await pilot.pause()
        assert dialog.busy and app.screen is dialog  # it stops at its checkpoint, not before
        held.release.set()
        await until_ended(pilot)
        assert str(state.render()) == "Gestopt: er is geen PDF gemaakt."
        assert not exports.exists() or list(exports.iterdir()) == []
        actions = [e.action for e in app.require_store().audit_events(case_id)]
        assert "export.intake_report" not in actions

        # The choice is back and takes Enter: the copy without health data is made.
        choices = dialog.query_one("#report-kind", OptionList)
        assert not choices.disabled and choices.has_focus
        await pilot.press("down", "enter")
        await until_ended(pilot)
        assert str(state.render()).startswith("Klaar: ")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, IntakeReportDialog)
        events = [(e.action, e.subject) for e in app.require_store().audit_events(case_id)]
    assert [p.name for p in exports.iterdir()] == [f"intake-{case_id[:8]}-zonder-gezondheid.pdf"]
    assert events[-1] == ("export.intake_report", "without_health")
