"""Languages as data, by keys: the person's languages picked from the list and stored as codes,
old free text read as codes or flagged, the interview language chosen from the person's
languages, conversations corrected and removed, and recorded facts offered to the intake."""

from __future__ import annotations

from datetime import date

from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from inburgering_tui.domain.forms import Form
from inburgering_tui.store.repository import Store
from inburgering_tui.store.vault import Vault
from inburgering_tui.tui.app import InburgeringApp
from inburgering_tui.tui.dialogs.confirm import ConfirmDialog
from inburgering_tui.tui.dialogs.conversation import ConversationDialog
from inburgering_tui.tui.screens.case import CaseScreen
from inburgering_tui.tui.screens.case_form import CaseFormScreen
from inburgering_tui.tui.screens.intake import IntakeScreen
from inburgering_tui.tui.widgets.language_picker import LanguagePicker
from inburgering_tui.tui.widgets.script_text import ScriptText

from .conftest import PASSPHRASE, TODAY
from .pilot import SIZE, make_app, type_text


def _case(store: Store, languages: list[str], doelgroep: str = "gezinsmigrant") -> str:
    case = store.create_case(
        {
            "given_names": "Ṣāliḥ",
            "family_name": "Nasser-Aydın",
            "doelgroep": doelgroep,
            "languages": languages,
            "v_nummer": "1234567890",
        }
    )
    return case.id


def _details(app: InburgeringApp) -> str:
    return str(app.screen.query_one("#case-details", Static).render())


async def _focus(pilot: Pilot[None], widget_id: str, limit: int = 20) -> None:
    """Tab until the widget (or a part of it) has the focus, as a consultant would."""
    widget = pilot.app.screen.query_one(f"#{widget_id}")
    for _ in range(limit):
        if widget.has_focus_within:
            return
        await pilot.press("tab")
        await pilot.pause()
    raise AssertionError(f"Tab never reached #{widget_id}")


async def test_two_languages_picked_in_the_case_form_are_stored_as_codes(
    vault: Vault, forms: dict[str, Form]
) -> None:
    store = vault.create(PASSPHRASE)
    app = make_app(vault, forms, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, CaseFormScreen)
        await type_text(pilot, "Ṣāliḥ")
        await pilot.press("tab")
        await type_text(pilot, "Nasser-Aydın (taalcafé)")
        await pilot.press("tab", "tab", "tab", "tab")  # birth, sex, nationality, languages
        picker = app.screen.query_one("#languages", LanguagePicker)
        assert picker.has_focus_within
        await type_text(pilot, "tigr")  # a Dutch name, part of it
        await pilot.press("enter")
        await type_text(pilot, "dari")  # no 639-1 code, no Babel name: prs
        await pilot.press("space")
        await pilot.pause()
        assert picker.value == ["ti", "prs"]
        chosen = str(picker.query_one(".language-chosen", Static).render())
        assert "Tigrinya (ti)" in chosen and "Dari (prs)" in chosen
        # Backspace in the empty filter takes the last one away; Space on "so" adds Somali.
        await pilot.press("backspace")
        await type_text(pilot, "so")
        await pilot.press("space")
        await pilot.pause()
        assert picker.value == ["ti", "so"]
        await pilot.press("tab")  # literacy, then the doelgroep
        await pilot.press("tab", "enter")
        await pilot.pause()
        await pilot.press("down", "down", "enter")  # Gezinsmigrant
        await pilot.press("tab")
        await type_text(pilot, "1234567890")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)
        assert "Tigrinya (ti), Somalisch (so)" in _details(app)
    [case] = store.list_cases()
    assert case.languages == ["ti", "so"]
    assert case.family_name == "Nasser-Aydın (taalcafé)"


async def test_old_free_text_languages_show_as_codes_or_ask_to_be_chosen_again(
    vault: Vault, forms: dict[str, Form]
) -> None:
    store = vault.create(PASSPHRASE)
    # A store from before: languages typed as free text.
    case_id = _case(store, ["Arabisch", "Eritrees", "ar"])
    app = make_app(vault, forms, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        details = _details(app)
        assert "Arabisch (ar)" in details
        assert "⚠" in details and "Eritrees" in details and "kies opnieuw" in details
        await pilot.press("e")
        await pilot.pause()
        picker = app.screen.query_one("#languages", LanguagePicker)
        assert picker.value == ["ar", "Eritrees"]  # known names became codes, once
        warning = str(picker.query_one(".language-warning", Static).render())
        assert "Eritrees" in warning
        await _focus(pilot, "languages")
        await pilot.press("enter")  # the unrecognised text is listed first: take it away
        await type_text(pilot, "tigrinya")
        await pilot.press("enter")
        await pilot.pause()
        assert picker.value == ["ar", "ti"]
        await pilot.press("ctrl+s")
        await pilot.pause()
    case = store.get_case(case_id)
    assert case is not None and case.languages == ["ar", "ti"]
    updates = [e for e in store.audit_events(case_id) if e.action == "case.update"]
    assert updates and updates[-1].subject == "languages"


async def test_old_unrecognised_language_may_stay_but_no_new_one_comes_in(
    vault: Vault, forms: dict[str, Form]
) -> None:
    store = vault.create(PASSPHRASE)
    case_id = _case(store, ["Eritrees"])
    app = make_app(vault, forms, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "e")
        await pilot.pause()
        await pilot.press("ctrl+s")  # nothing changed: saving an old value is no error
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)
    case = store.get_case(case_id)
    assert case is not None and case.languages == ["Eritrees"]


async def test_interview_language_without_a_catalogue_says_the_interpreter_translates(
    vault: Vault, forms: dict[str, Form]
) -> None:
    store = vault.create(PASSPHRASE)
    case_id = _case(store, ["so", "ar"])
    app = make_app(vault, forms, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "g")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConversationDialog)
        assert dialog.choices == ["so", "ar", "nl"]  # the person's languages, then Dutch
        await pilot.press("tab")
        await type_text(pilot, "AZC Ter Apel")
        await pilot.press("tab")
        await type_text(pilot, "Cabdi Xasan")
        await pilot.press("ctrl+s")  # Somali is the first of the person's languages
        await pilot.pause()
        [conversation] = store.conversations(case_id)
        assert conversation.interview_language == "so"
        assert conversation.place == "AZC Ter Apel"
        assert "Somalisch" in str(
            app.screen.query_one("#conversations", DataTable).get_row_at(0)[3]
        )
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, IntakeScreen)
        title = str(app.screen.query_one("#interview-language", Static).render())
        assert title == "Somalisch"
        prompt = app.screen.query_one("#interview-prompt", ScriptText).text
        assert prompt == "De tolk vertaalt vanuit het Nederlands"
        assert app.screen.query_one("#interview-options", ScriptText).text == ""


async def test_a_conversation_is_edited_and_removed_with_audit_refused_while_answers_use_it(
    vault: Vault, forms: dict[str, Form], intake_form: Form
) -> None:
    store = vault.create(PASSPHRASE)
    case_id = _case(store, ["ti"])
    first = store.add_conversation(
        case_id, held_on=date(2026, 11, 2), interpreter_name="T. Olk", interview_language="ti"
    )
    store.save_answer(
        case_id, intake_form.id, 1, "procedure", "proc_alleen_verteld", True,
        conversation_id=first.id,
    )  # fmt: skip
    mistaken = store.add_conversation(case_id, held_on=date(2026, 11, 20), interview_language="nl")
    app = make_app(vault, forms, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await _focus(pilot, "conversations")

        # Enter on the first conversation corrects it.
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConversationDialog)
        await pilot.press("tab", "ctrl+u")
        await type_text(pilot, "Gemeentehuis (taalcafé)")
        await pilot.press("tab", "ctrl+u")
        await type_text(pilot, "Ṣāliḥ Nasser-Aydın")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)
        edited = next(c for c in store.conversations(case_id) if c.id == first.id)
        assert (edited.place, edited.interpreter_name) == (
            "Gemeentehuis (taalcafé)",
            "Ṣāliḥ Nasser-Aydın",
        )
        assert edited.interview_language == "ti" and edited.held_on == date(2026, 11, 2)

        # Delete on it is refused: an answer was given in it.
        app.screen.query_one("#conversations", DataTable).focus()
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("shift+tab", "enter")
        await pilot.pause()
        assert {c.id for c in store.conversations(case_id)} == {first.id, mistaken.id}
        messages = [n.message for n in app._notifications]
        assert any("kan niet worden verwijderd" in m and "aantal: 1" in m for m in messages)

        # The second one, recorded by mistake, goes.
        await pilot.press("down", "delete")
        await pilot.pause()
        await pilot.press("shift+tab", "enter")
        await pilot.pause()
        assert [c.id for c in store.conversations(case_id)] == [first.id]
        assert app.screen.query_one("#conversations", DataTable).row_count == 1
    events = [(e.action, e.subject) for e in store.audit_events(case_id)]
    assert ("conversation.update", f"{first.id}:interpreter_name,place") in events
    assert ("conversation.remove", mistaken.id) in events
    assert not any(a == "conversation.remove" and s == first.id for a, s in events)
    # Names and places are personal data: never in the audit log.
    assert not any("Nasser" in s or "taalcafé" in s for _a, s in events)


async def test_the_conversation_and_household_are_offered_and_taken_only_with_f2(
    vault: Vault, forms: dict[str, Form], intake_form: Form
) -> None:
    store = vault.create(PASSPHRASE)
    case_id = _case(store, ["ti"])
    conversation = store.add_conversation(
        case_id,
        held_on=TODAY,
        place="AZC Ter Apel",
        interpreter_name="Ṣāliḥ Nasser-Aydın",
        interview_language="ti",
    )
    store.add_household_member(case_id, "Mebrat", "partner", date(1991, 1, 1))
    store.add_household_member(case_id, "Amal", "kind", date(2022, 5, 1))
    store.add_household_member(case_id, "Yonas (Jo) Tesfay", "kind", date(2017, 3, 10))
    app = make_app(vault, forms, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "i")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, IntakeScreen)

        def shown() -> str:
            return str(screen.query_one("#suggestion", Static).render())

        await pilot.press("j", "enter")  # told they may speak alone
        await pilot.press("1", "enter")  # nobody else present
        await pilot.pause()
        assert screen.question is not None and screen.question.id == "proc_tolk"
        # The interpreter is named, not how they interpret: a reminder, nothing to take.
        assert "Ṣāliḥ Nasser-Aydın" in shown()
        await pilot.press("f2")
        await pilot.pause()
        assert screen.question.id == "proc_tolk"
        assert "proc_tolk" not in store.answers(case_id, intake_form.id)
        await pilot.press("2", "enter")  # interpreter in the room
        await pilot.pause()

        assert screen.question.id == "proc_tolk_taal"
        assert shown().startswith("Uit het intakegesprek: Tigrinya")
        assert "proc_tolk_taal" not in store.answers(case_id, intake_form.id)
        await pilot.press("f2")
        await pilot.pause()
        assert screen.question.id == "proc_locatie"
        assert "AZC (AZC Ter Apel)" in shown()
        await pilot.press("f2")
        await pilot.pause()
        answers = store.answers(case_id, intake_form.id)
        assert answers["proc_tolk_taal"].value == "Tigrinya"
        assert answers["proc_locatie"].value == "azc"

        # The household: children and their ages.
        await pilot.press("ctrl+down")
        await pilot.pause()
        assert screen.section is not None and screen.section.id == "gezinssituatie"
        while screen.question.id != "gez_kinderen":
            await pilot.press("pagedown")
            await pilot.pause()
        assert shown().startswith("Uit het huishouden: Ja")
        await pilot.press("f2")
        await pilot.pause()
        assert screen.question.id == "gez_kinderen_aantal"
        assert shown() == ""  # the household cannot know children living elsewhere
        await type_text(pilot, "3")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.question.id == "gez_kinderen_thuis"
        await pilot.press("f2")
        await pilot.pause()
        assert screen.question.id == "kinderen_0_6"
        await pilot.press("f2")
        await pilot.pause()
        assert screen.question.id == "gez_kinderen_leeftijden"
        await pilot.press("f2")
        await pilot.pause()
    answers = store.answers(case_id, intake_form.id)
    assert answers["gez_kinderen"].value is True
    assert answers["gez_kinderen_aantal"].value == 3
    assert answers["gez_kinderen_thuis"].value == 2
    assert answers["kinderen_0_6"].value == 1
    # Oldest first, as the household lists them.
    assert answers["gez_kinderen_leeftijden"].value == "Yonas (Jo) Tesfay (9 jaar), Amal (4 jaar)"
    taken = [e for e in store.audit_events(case_id) if e.action == "answer.set"]
    assert len(taken) == 10
    with store.session() as session:
        from sqlmodel import select

        from inburgering_tui.store.models import Answer

        linked = {row.question_id: row.conversation_id for row in session.exec(select(Answer))}
    assert linked["proc_tolk_taal"] == conversation.id
    assert linked["gez_kinderen_leeftijden"] == conversation.id
