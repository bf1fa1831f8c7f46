"""One input widget per answer type; each reports edits as AnswerEdited and knows its raw value.

Choices are picked with the number keys 1-9 (shown before each option), yes/no also with j/n.
Enter confirms the answer and moves on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events, on
from textual.binding import Binding
from textual.widgets import Input, OptionList, SelectionList
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from inburgering_tui.domain.answers import NO, SCALE_LABELS, YES, display_value
from inburgering_tui.domain.forms import AnswerType, Question
from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.formatting import format_number
from inburgering_tui.i18n.markers import N_
from inburgering_tui.tui.messages import AnswerEdited


class TextAnswer(Input):
    """Text, date and number answers: typed, validated when Enter is pressed."""

    def __init__(self, question: Question, value: Any) -> None:
        placeholder = {
            AnswerType.DATE: _("dd-mm-jjjj"),
            AnswerType.NUMBER: _("getal"),
        }.get(question.type, "")
        super().__init__(
            value=display_value(question, value),
            placeholder=placeholder,
            max_length=question.max_length if question.type == AnswerType.TEXT else 40,
            classes="answer",
            select_on_focus=False,
        )
        self.question = question

    @property
    def raw(self) -> Any:
        return self.value

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(AnswerEdited(self.question.id, event.value, final=False))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(AnswerEdited(self.question.id, event.value, final=True))


class ChoiceAnswer(OptionList):
    """One of a few options (choice, yes/no, scale): number keys choose, Enter goes on."""

    BINDINGS = [Binding("enter", "confirm", N_("Bevestigen"), show=False)]

    def __init__(self, question: Question, value: Any) -> None:
        self.question = question
        self.choices: list[Any] = _choice_values(question)
        self.chosen: Any = value
        super().__init__(*self._option_rows(), classes="answer")

    def _option_rows(self) -> list[Option]:
        labels = _choice_labels(self.question)
        return [
            Option(f"{'●' if value == self.chosen else '○'} {n}  {label}", id=str(n))
            for n, (value, label) in enumerate(zip(self.choices, labels, strict=True), start=1)
        ]

    def on_mount(self) -> None:
        if self.chosen in self.choices:
            self.highlighted = self.choices.index(self.chosen)
        else:
            self.highlighted = 0

    @property
    def raw(self) -> Any:
        return self.chosen

    def choose(self, index: int, final: bool) -> None:
        self.chosen = self.choices[index]
        keep = index
        self.clear_options()
        self.add_options(self._option_rows())
        self.highlighted = keep
        self.post_message(AnswerEdited(self.question.id, self.chosen, final=final))

    def on_key(self, event: events.Key) -> None:
        index = _key_index(event, self.question, len(self.choices))
        if index is not None:
            event.stop()
            event.prevent_default()
            self.choose(index, final=False)

    def action_confirm(self) -> None:
        if self.highlighted is None:
            return
        if self.choices[self.highlighted] != self.chosen:
            self.choose(self.highlighted, final=True)
        else:
            self.post_message(AnswerEdited(self.question.id, self.chosen, final=True))

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.choose(event.option_index, final=True)


class MultiAnswer(SelectionList[str]):
    """Several options: number keys or Space toggle, Enter goes on."""

    BINDINGS = [Binding("enter", "confirm", N_("Bevestigen"), show=False)]

    def __init__(self, question: Question, value: Any) -> None:
        self.question = question
        chosen = set(value or [])
        super().__init__(
            *(
                Selection(f"{n}  {_(option.label)}", option.value, option.value in chosen)
                for n, option in enumerate(question.options, start=1)
            ),
            classes="answer",
        )

    @property
    def raw(self) -> Any:
        return list(self.selected)

    def on_key(self, event: events.Key) -> None:
        index = _key_index(event, self.question, len(self.question.options))
        if index is not None:
            event.stop()
            event.prevent_default()
            self.toggle(self.question.options[index].value)
            self.highlighted = index

    @on(SelectionList.SelectedChanged)
    def _changed(self, event: SelectionList.SelectedChanged) -> None:
        event.stop()
        self.post_message(AnswerEdited(self.question.id, self.raw, final=False))

    def action_confirm(self) -> None:
        self.post_message(AnswerEdited(self.question.id, self.raw, final=True))


def _choice_values(question: Question) -> list[Any]:
    if question.type == AnswerType.YESNO:
        return [True, False]
    if question.type == AnswerType.SCALE:
        return [1, 2, 3, 4, 5]
    return [option.value for option in question.options]


def _choice_labels(question: Question, translate: Callable[[str], str] = _) -> list[str]:
    if question.type == AnswerType.YESNO:
        return [translate(YES), translate(NO)]
    if question.type == AnswerType.SCALE:
        return [translate(SCALE_LABELS[n]) for n in range(1, 6)]
    return [translate(option.label) for option in question.options]


def option_lines(question: Question, translate: Callable[[str], str], language: str = "nl") -> str:
    """The numbered options as the interpreter reads them, one per line ("" when none).

    For a number question with limits, the allowed range in the language's own number format.
    """
    if question.type == AnswerType.NUMBER and question.min is not None and question.max is not None:
        low, high = format_number(question.min, language), format_number(question.max, language)
        return f"{low} – {high}"
    if question.type not in (
        AnswerType.CHOICE,
        AnswerType.MULTI,
        AnswerType.YESNO,
        AnswerType.SCALE,
    ):
        return ""
    labels = _choice_labels(question, translate)
    return "\n".join(f"{n}. {label}" for n, label in enumerate(labels, start=1))


def _key_index(event: events.Key, question: Question, count: int) -> int | None:
    if event.character and event.character.isdigit():
        number = int(event.character)
        return number - 1 if 1 <= number <= count else None
    if question.type == AnswerType.YESNO and event.character:
        # j/y for yes and n for no, whatever the UI language.
        return {"j": 0, "y": 0, "n": 1}.get(event.character.lower())
    return None


def answer_widget(question: Question, value: Any) -> TextAnswer | ChoiceAnswer | MultiAnswer:
    if question.type in (AnswerType.CHOICE, AnswerType.YESNO, AnswerType.SCALE):
        return ChoiceAnswer(question, value)
    if question.type == AnswerType.MULTI:
        return MultiAnswer(question, value)
    return TextAnswer(question, value)
