"""Find a question of the intake by words and jump to it."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from inburgering_tui.domain.forms import Question, Section
from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.markers import N_
from inburgering_tui.tui.base import AppModal

MAX_SHOWN = 50


@dataclass(frozen=True)
class Findable:
    section: Section
    question: Question
    shown: bool  # False: skip logic hides it for this case now


def matches(item: Findable, words: list[str]) -> bool:
    """Every word in the prompt or the domain title, in the UI language or in Dutch."""
    haystack = " ".join(
        (
            _(item.question.prompt),
            item.question.prompt,
            _(item.section.title),
            item.section.title,
        )
    ).casefold()
    return all(word in haystack for word in words)


class FindQuestionDialog(AppModal[Findable | None]):
    BINDINGS = [
        Binding("escape", "dismiss(None)", N_("Sluiten"), id="dialog.cancel"),
        Binding("down", "to_results", show=False),
    ]

    def __init__(self, items: list[Findable]) -> None:
        super().__init__(classes="dialog")
        self.items = items
        self.found: list[Findable] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box find-box"):
            yield Static(_("Vraag zoeken"), classes="dialog-title")
            yield Input(placeholder=_("woorden uit de vraag of het onderwerp"), id="find-words")
            yield OptionList(id="find-results")
            yield Static(
                _("↓: naar de resultaten · Enter: ga naar de vraag · Esc: sluiten"), classes="hint"
            )

    def on_mount(self) -> None:
        self.query_one("#find-words", Input).focus()

    @on(Input.Changed, "#find-words")
    def _search(self, event: Input.Changed) -> None:
        words = event.value.casefold().split()
        results = self.query_one("#find-results", OptionList)
        results.clear_options()
        self.found = [item for item in self.items if words and matches(item, words)][:MAX_SHOWN]
        for index, item in enumerate(self.found):
            label = f"{_(item.section.title)} › {_(item.question.prompt)}"
            if not item.shown:
                label += "  " + _("(niet van toepassing)")
            results.add_option(Option(label, id=str(index), disabled=not item.shown))

    @on(Input.Submitted, "#find-words")
    def _first(self) -> None:
        shown = [item for item in self.found if item.shown]
        if shown:
            self.dismiss(shown[0])

    def action_to_results(self) -> None:
        results = self.query_one("#find-results", OptionList)
        if results.option_count:
            results.focus()
            results.highlighted = 0

    @on(OptionList.OptionSelected, "#find-results")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.found[event.option_index])
