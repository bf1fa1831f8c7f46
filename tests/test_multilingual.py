"""Two languages at once: the consultant's UI and the person's interview language."""

from __future__ import annotations

from typing import Any

import arabic_reshaper
from textual.app import App
from textual.command import CommandList
from textual.widgets import Static

from inburgering_tui.domain.audience import CONSULTANT_ONLY, person_view
from inburgering_tui.domain.forms import Form
from inburgering_tui.i18n.bidi import layout
from inburgering_tui.i18n.catalogs import translator, ui_language
from inburgering_tui.store.repository import Store
from inburgering_tui.store.vault import Vault
from inburgering_tui.tui.widgets.script_text import ScriptText

from .conftest import PASSPHRASE, TODAY
from .pilot import (
    SIZE,
    default_answer,
    keys_for,
    make_app,
    shown_question,
    type_text,
    wait_until,
)


def _case_in(store: Store, language: str) -> str:
    case = store.create_case(
        {
            "given_names": "Taal",
            "family_name": "Proef",
            "doelgroep": "asielstatushouder",
            "languages": [language],
        }
    )
    store.add_conversation(case.id, held_on=TODAY, interview_language=language)
    return case.id


def _screen_rows(app: App[Any]) -> list[str]:
    """The characters in the terminal cells Textual composes (not an SVG: it reorders itself)."""
    update = app.screen._compositor.render_full_update()
    return ["".join(strip.text for strip in line) for line in update.strips]


async def test_ui_language_switches_mid_intake_keeping_answers_and_place(
    vault: Vault, forms: dict[str, Form], intake_form: Form
) -> None:
    store = vault.create(PASSPHRASE)
    case_id = _case_in(store, "ar")
    app = make_app(vault, forms, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "i")
        await pilot.pause()
        screen = app.screen
        # Past the consultant's procedure and the COA handover, to the person's questions.
        await pilot.press("ctrl+down", "ctrl+down")
        await pilot.pause()
        for _ in range(3):
            question = shown_question(screen)
            await pilot.press(*keys_for(question, default_answer(question, TODAY)))
            await pilot.pause()
        where = shown_question(screen).id
        before = store.answers(case_id, intake_form.id)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "English")

        def english_offered() -> bool:
            for commands in app.screen.query(CommandList):
                index = commands.highlighted
                if index is not None:
                    return "English" in str(commands.get_option_at_index(index).prompt)
            return False

        await wait_until(pilot, english_offered, "the palette to offer English")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is screen, "the intake after the palette")
        await wait_until(pilot, lambda: ui_language() == "en", "the UI language to be English")
        assert shown_question(screen).id == where
        assert store.answers(case_id, intake_form.id) == before
        prompt = str(screen.query_one("#question-prompt", Static).render())
        assert prompt == translator("en")(shown_question(screen).prompt)
        assert prompt != shown_question(screen).prompt
        rows = "\n".join(_screen_rows(app))
        assert "Next question" in rows  # the key hints follow the UI language
        # The interpreter's column stays Arabic, right-to-left, under an English UI.
        interview = screen.query_one("#interview-prompt", ScriptText)
        assert interview.language == "ar"
        assert not shown_question(screen).consultant_only
        assert interview.text == translator("ar")(shown_question(screen).prompt)


async def _arabic_or_tigrinya_screen(
    vault: Vault, forms: dict[str, Form], language: str, bidi: str
) -> tuple[ScriptText, list[str], list[str]]:
    store = vault.create(PASSPHRASE)
    case_id = _case_in(store, language)
    # The person's question with the longest prompt in this language, always shown: it wraps
    # in the interview column, so the order of its lines can be checked.
    form = forms["brede-intake"]
    translate = translator(language)
    longest = max(
        (
            q
            for section in form.sections
            if not section.show_if
            for q in section.questions
            if not q.show_if and person_view(q) is not None
        ),
        key=lambda q: len(translate(q.prompt)),
    )
    store.set_position(case_id, form.id, longest.id)
    app = make_app(vault, forms, store=store, bidi=bidi)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "i")
        await pilot.pause()
        assert shown_question(app.screen).id == longest.id
        widget = app.screen.query_one("#interview-prompt", ScriptText)
        rows = _screen_rows(app)
        region = widget.content_region
        cells = [rows[y][region.x : region.right] for y in range(region.y, region.bottom)]
        return widget, cells, rows


async def test_arabic_is_shaped_and_right_to_left_when_the_app_reorders(
    vault: Vault, forms: dict[str, Form]
) -> None:
    widget, cells, rows = await _arabic_or_tigrinya_screen(vault, forms, "ar", "app")
    assert len(cells) >= 2, "the prompt must wrap, else the order of its lines proves nothing"
    expected = layout(widget.text, len(cells[0]), rtl=True, reorder=True)
    assert [c.rstrip() for c in cells] == [e.rstrip() for e in expected]
    # The first visual line holds the logical beginning, its first word at the right; the
    # last line holds the logical end, at the left. Lines in reverse order fail here.
    words = widget.text.split()
    first, last = (arabic_reshaper.reshape(word)[::-1] for word in (words[0], words[-1]))
    assert cells[0].rstrip().endswith(first), "the first word must be shaped, top right"
    assert cells[-1].strip().startswith(last), "the last word must be shaped, bottom left"
    assert not any(first in cell for cell in cells[1:])
    assert words[0] not in "".join(rows)
    assert all(len(row) == SIZE[0] for row in rows)


async def test_arabic_stays_logical_when_the_terminal_reorders(
    vault: Vault, forms: dict[str, Form]
) -> None:
    widget, cells, _rows = await _arabic_or_tigrinya_screen(vault, forms, "ar", "terminal")
    assert cells[0].startswith(widget.text.split()[0])  # logical order, unshaped
    assert "".join(c.strip() + " " for c in cells).split() == widget.text.split()


async def test_tigrinya_keeps_its_ethiopic_glyphs_one_cell_each(
    vault: Vault, forms: dict[str, Form]
) -> None:
    for bidi in ("app", "terminal"):
        widget, cells, rows = await _arabic_or_tigrinya_screen(vault, forms, "ti", bidi)
        assert any("\u1200" <= ch <= "\u137f" for ch in widget.text), "Tigrinya is in Ethiopic"
        assert "".join(c.strip() + " " for c in cells).split() == widget.text.split()
        assert all(len(row) == SIZE[0] for row in rows)
        vault.db_path.unlink()
        for extra in vault.home.glob("store.db-*"):
            extra.unlink()
        vault.keyfile.path.unlink()


async def test_every_question_renders_in_every_interview_language(
    vault: Vault, forms: dict[str, Form], intake_form: Form
) -> None:
    store = vault.create(PASSPHRASE)
    case_ids = {language: _case_in(store, language) for language in ("ar", "ti", "fa", "tr", "en")}
    app = make_app(vault, forms, store=store, bidi="app")
    async with app.run_test(size=SIZE) as pilot:
        from inburgering_tui.tui.screens.intake import IntakeScreen

        for language, case_id in case_ids.items():
            screen = IntakeScreen(case_id)
            await app.push_screen(screen)
            await pilot.pause()
            translate = translator(language)
            for section in intake_form.sections:
                for question in section.all_questions:
                    screen._show(section, question)
                    for part in ("prompt", "help", "options"):
                        shown = screen.query_one(f"#interview-{part}", ScriptText)
                        shown.lines(57)  # wraps and reorders without error
                    assert shown.language == language
                    prompt = screen.query_one("#interview-prompt", ScriptText)
                    view = person_view(question)
                    expected = translate(view.prompt if view else CONSULTANT_ONLY)
                    assert prompt.text == expected and prompt.lines(57)
                await pilot.pause()
                _screen_rows(app)  # composes every cell of the last question without error
            app.pop_screen()
            await pilot.pause()
