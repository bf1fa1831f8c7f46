"""Helpers that drive the app the way a consultant does: by keys, reading what the screen shows."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from textual.pilot import Pilot
from textual.screen import Screen

from inburgering_tui.domain.answers import format_date
from inburgering_tui.domain.forms import AnswerType, Form, Question, Section
from inburgering_tui.settings import Settings
from inburgering_tui.store.repository import Store
from inburgering_tui.store.vault import Vault
from inburgering_tui.tui.app import InburgeringApp
from inburgering_tui.tui.screens.intake import IntakeScreen

from .conftest import TODAY

SIZE = (120, 45)
WAIT = 5.0  # seconds: generous for a loaded machine, still a clear failure when it never happens

ScreenT = TypeVar("ScreenT", bound=Screen[Any])


def make_app(
    vault: Vault, forms: dict[str, Form], *, store: Store | None = None, **settings: Any
) -> InburgeringApp:
    return InburgeringApp(vault, forms, Settings(**settings), today=lambda: TODAY, store=store)


async def wait_until(
    pilot: Pilot[None], predicate: Callable[[], object], what: str, *, timeout: float = WAIT
) -> None:
    """Let the app work until ``predicate()`` holds; fail saying ``what`` never happened.

    Waits on state, not on the clock: a fixed pause is too short on a busy machine and
    wasted time on an idle one.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"waited {timeout:g} s in vain for {what}")
        await pilot.pause()


async def wait_for_screen(
    pilot: Pilot[None], kind: type[ScreenT], *, timeout: float = WAIT
) -> ScreenT:
    """The app's screen once it is a ``kind``; fails naming the screen that stayed instead."""
    try:
        await wait_until(
            pilot, lambda: isinstance(pilot.app.screen, kind), kind.__name__, timeout=timeout
        )
    except AssertionError as exc:
        raise AssertionError(f"{exc}; the screen is {type(pilot.app.screen).__name__}") from None
    screen = pilot.app.screen
    assert isinstance(screen, kind)
    return screen


async def type_text(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*[_key(c) for c in text])


def _key(char: str) -> str:
    return {
        " ": "space",
        "-": "minus",
        ",": "comma",
        ".": "full_stop",
        "/": "slash",
        "_": "underscore",
    }.get(char, char)


def shown_question(screen: Screen[Any]) -> Question:
    """The question the intake screen shows; fails the test on any other screen."""
    assert isinstance(screen, IntakeScreen), type(screen).__name__
    assert screen.question is not None
    return screen.question


def shown_section(screen: Screen[Any]) -> Section:
    """The section of the question the intake screen shows."""
    assert isinstance(screen, IntakeScreen), type(screen).__name__
    assert screen.section is not None
    return screen.section


def keys_for(question: Question, value: Any) -> list[str]:
    """The keys a consultant presses to give ``value`` and confirm it with Enter."""
    kind = question.type
    if kind in (AnswerType.TEXT, AnswerType.NUMBER, AnswerType.DATE):
        text = format_date(value) if kind == AnswerType.DATE else str(value).replace(".", ",")
        # Enter starts a new line in a multi-line answer: PgDn goes on.
        return [*(_key(c) for c in text), "pagedown" if question.multiline else "enter"]
    if kind == AnswerType.YESNO:
        return ["j" if value else "n", "enter"]
    if kind == AnswerType.SCALE:
        return [str(value), "enter"]
    if kind == AnswerType.CHOICE:
        return [str([o.value for o in question.options].index(value) + 1), "enter"]
    if kind == AnswerType.MULTI:
        values = [o.value for o in question.options]
        return [*(str(values.index(v) + 1) for v in value), "enter"]
    raise AssertionError(kind)


def default_answer(question: Question, today: date) -> Any:
    kind = question.type
    if kind == AnswerType.TEXT:
        return "Ok"
    if kind == AnswerType.NUMBER:
        low = int(question.min) if question.min is not None else 0
        return low + 1 if question.max is None or low + 1 <= question.max else low
    if kind == AnswerType.DATE:
        return today if question.when != "future" else date(today.year + 1, 1, 15)
    if kind == AnswerType.YESNO:
        return True
    if kind == AnswerType.SCALE:
        return 3
    if kind == AnswerType.CHOICE:
        return question.options[0].value
    return [question.options[0].value]


async def answer_whole_intake(
    pilot: Pilot[None], persona: Callable[[Question], Any], *, limit: int = 600
) -> list[str]:
    """Answer every question the intake screen shows until it says the intake has ended.

    At the end of each domain its summary is shown; the consultant goes on with PgDn."""
    from inburgering_tui.tui.dialogs.domain_summary import DomainSummaryDialog

    screen = pilot.app.screen
    assert isinstance(screen, IntakeScreen), type(screen).__name__
    asked: list[str] = []
    for _ in range(limit):
        question = shown_question(screen)
        section = shown_section(screen)
        asked.append(question.id)
        await pilot.press(*keys_for(question, persona(question)))
        await pilot.pause()
        if isinstance(pilot.app.screen, DomainSummaryDialog):
            await pilot.press("pagedown")
            await pilot.pause()
        if screen.question is question and screen.section is section:
            return asked  # going on from the last question leaves the consultant there
    raise AssertionError("the intake did not end")


def first_shown_question(
    form: Form, wanted: Callable[[Section, Question], bool]
) -> tuple[Section, Question]:
    """The first question the intake always shows (no skip logic) that ``wanted`` accepts."""
    return next(
        (section, question)
        for section in form.sections
        if not section.show_if
        for question in section.all_questions
        if not question.show_if and wanted(section, question)
    )


def case_at(store: Store, form: Form, question: Question) -> str:
    """A case whose intake opens on ``question``, for a person with a Turkish and an Arabic
    name part (real-world text in every test)."""
    case = store.create_case(
        {"given_names": "Şükrü", "family_name": "Nasser-Aydın", "doelgroep": "asielstatushouder"}
    )
    store.set_position(case.id, form.id, question.id)
    return case.id
