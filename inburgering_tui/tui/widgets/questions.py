"""One input widget per answer type; each reports edits as AnswerEdited and knows its raw value.

Choices are picked with the number keys 1-9 (shown before each option), yes/no also with j/n,
or Space on the highlighted option; Delete takes a choice back. Enter goes on without choosing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Literal

from textual import events, on
from textual.binding import Binding
from textual.widgets import Input, OptionList, SelectionList, TextArea
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from inburgering_tui.domain.answers import NO, NO_ANSWER_LABELS, YES, display_value
from inburgering_tui.domain.forms import NO_ANSWER, AnswerType, Question, is_no_answer
from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.formatting import format_number
from inburgering_tui.i18n.markers import N_
from inburgering_tui.tui.messages import AnswerEdited, ProseIgnored


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


class LongTextAnswer(TextArea):
    """A multi-line text answer: Enter starts a new line; PgDn goes on, Tab leaves the field."""

    def __init__(self, question: Question, value: Any) -> None:
        super().__init__(
            display_value(question, value),
            soft_wrap=True,
            tab_behavior="focus",
            classes="answer long-answer",
        )
        self.question = question

    @property
    def raw(self) -> Any:
        return self.text

    def on_mount(self) -> None:
        self.move_cursor(self.document.end)

    @on(TextArea.Changed)
    def _changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self.post_message(AnswerEdited(self.question.id, self.text, final=False))


class ChoiceAnswer(OptionList):
    """One of a few options (choice, yes/no, scale).

    Only an explicit act chooses: a number key, j/n on a yes/no question, Space on the
    highlighted option, or a click. Enter never chooses; it goes on. Delete or Backspace takes
    the choice back. Keys typed as prose (a word, not a shortcut) leave the answer as it was.
    """

    BINDINGS = [
        Binding("enter", "confirm", N_("Verder"), show=False),
        Binding("delete,backspace", "clear_choice", N_("Wissen"), show=False),
    ]

    def __init__(self, question: Question, value: Any) -> None:
        self.question = question
        self.choices: list[Any] = _choice_values(question)
        self.chosen: Any = value if value in self.choices else None
        self._burst = KeyBurst()
        super().__init__(*self._option_rows(), classes="answer")

    def _option_rows(self) -> list[Option]:
        labels = _choice_labels(self.question)
        return [
            Option(f"{'●' if value == self.chosen else '○'} {n}  {label}", id=str(n))
            for n, (value, label) in enumerate(zip(self.choices, labels, strict=True), start=1)
        ]

    def on_mount(self) -> None:
        # Nothing highlighted while unanswered: a highlight must not look like an answer.
        self.highlighted = self.choices.index(self.chosen) if self.chosen is not None else None

    @property
    def raw(self) -> Any:
        return self.chosen

    def _set(self, value: Any, highlight: int | None) -> None:
        self.chosen = value
        self.clear_options()
        self.add_options(self._option_rows())
        self.highlighted = highlight
        self.post_message(AnswerEdited(self.question.id, self.chosen, final=False))

    def choose(self, index: int) -> None:
        self._set(self.choices[index], index)

    def on_key(self, event: events.Key) -> None:
        if not event.is_printable or not event.character:
            return
        event.stop()
        event.prevent_default()
        if event.key == "space":
            index = self.highlighted
        else:
            index = _key_index(event, self.question, len(self.choices))
        verdict = self._burst.key(self.chosen, shortcut=index is not None or event.key == "space")
        if verdict == "prose":
            start = self._burst.start
            if start != self.chosen:
                self._set(start, self.choices.index(start) if start is not None else None)
            self.post_message(ProseIgnored(self.question.id))
        elif verdict == "act" and index is not None:
            self.choose(index)

    def action_clear_choice(self) -> None:
        if self.chosen is not None:
            self._set(None, self.highlighted)

    def action_confirm(self) -> None:
        self.post_message(AnswerEdited(self.question.id, self.chosen, final=True))

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.choose(event.option_index)


PROSE_WINDOW = 0.6  # seconds: keys closer together than this are one burst of typing


class KeyBurst:
    """Tells shortcuts from prose: a burst of keys with any non-shortcut in it is prose.

    A consultant who types "nee, maar ..." into a yes/no question did not press the shortcut n,
    nor "3" in "3 kinderen": the burst remembers the answer it began with, so the widget can
    give it back, and no later key of the burst acts.
    """

    def __init__(self) -> None:
        self.last = float("-inf")
        self.start: Any = None
        self.prose = False

    def key(self, current: Any, *, shortcut: bool) -> Literal["act", "prose", "ignore"]:
        now = time.monotonic()
        if now - self.last > PROSE_WINDOW:
            self.start, self.prose = current, False
        self.last = now
        if self.prose:
            return "ignore"
        if not shortcut:
            self.prose = True
            return "prose"
        return "act"


class MultiAnswer(SelectionList[str]):
    """Several options: number keys or Space toggle, Enter goes on; prose changes nothing."""

    BINDINGS = [Binding("enter", "confirm", N_("Verder"), show=False)]

    def __init__(self, question: Question, value: Any) -> None:
        self.question = question
        chosen = set(value or [])
        self._burst = KeyBurst()
        super().__init__(
            *(
                Selection(f"{n}  {_(option.label)}", option.value, option.value in chosen)
                for n, option in enumerate(question.options, start=1)
            ),
            classes="answer",
        )

    def on_mount(self) -> None:
        self.highlighted = None

    @property
    def raw(self) -> Any:
        return list(self.selected)

    def on_key(self, event: events.Key) -> None:
        if not event.is_printable or not event.character:
            return
        event.stop()
        event.prevent_default()
        index = _key_index(event, self.question, len(self.question.options))
        if event.key == "space":
            index = self.highlighted
        verdict = self._burst.key(
            set(self.selected), shortcut=index is not None or event.key == "space"
        )
        if verdict == "prose":
            start: set[str] = self._burst.start
            for option in self.question.options:
                if (option.value in start) != (option.value in self.selected):
                    self.toggle(option.value)
            self.post_message(ProseIgnored(self.question.id))
        elif verdict == "act" and index is not None:
            self.toggle(self.question.options[index].value)
            self.highlighted = index

    @on(SelectionList.SelectedChanged)
    def _changed(self, event: SelectionList.SelectedChanged[str]) -> None:
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
        # The question's own points; an unnamed point shows just its number.
        labels = (question.point_label(n) for n in range(1, 6))
        return [translate(label) if label else "" for label in labels]
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


def answer_widget(
    question: Question, value: Any
) -> TextAnswer | LongTextAnswer | ChoiceAnswer | MultiAnswer:
    if question.type in (AnswerType.CHOICE, AnswerType.YESNO, AnswerType.SCALE):
        return ChoiceAnswer(question, value)
    if question.type == AnswerType.MULTI:
        return MultiAnswer(question, value)
    if question.type == AnswerType.TEXT and question.multiline:
        return LongTextAnswer(question, value)
    return TextAnswer(question, value)


def answer_text(question: Question, value: Any, translate: Callable[[str], str] = _) -> str:
    """A stored answer as the consultant reads it back: option labels, not codes."""
    if value is None:
        return ""
    if is_no_answer(value):
        return translate(NO_ANSWER_LABELS[value[NO_ANSWER]])
    if question.type in (AnswerType.CHOICE, AnswerType.YESNO, AnswerType.SCALE):
        choices = _choice_values(question)
        if value in choices:
            label = _choice_labels(question, translate)[choices.index(value)]
            return f"{value} – {label}" if question.type == AnswerType.SCALE else label
    if question.type == AnswerType.MULTI and isinstance(value, list):
        return ", ".join(translate(question.option_label(v)) for v in value)
    return display_value(question, value)
