"""Choose the languages a person speaks from the list, by keys: type to filter, Space or Enter
to add (or take away), codes stored and names shown in the UI language.

One focus stop (the filter input), so Tab moves through a form as over any other field.
"""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from inburgering_tui.domain.languages import (
    COMMON,
    LANGUAGE_CODES,
    LANGUAGES,
    fold,
    normalise_languages,
)
from inburgering_tui.i18n.catalogs import _, language_name, ui_language
from inburgering_tui.i18n.markers import N_
from inburgering_tui.tui.labels import language_label


class _Filter(Input):
    """The picker's text field; Space, Enter, arrows and an empty Backspace drive the list."""

    BINDINGS = [
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]

    class Pick(Message):
        """Add or take away the highlighted language."""

    class Move(Message):
        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    class DropLast(Message):
        """Backspace in an empty filter: take away the last chosen language."""

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "space":
            event.stop()
            event.prevent_default()
            self.post_message(self.Pick())
            return
        await super()._on_key(event)

    def action_move(self, step: int) -> None:
        self.post_message(self.Move(step))

    def action_delete_left(self) -> None:
        if not self.value:
            self.post_message(self.DropLast())
            return
        super().action_delete_left()


class LanguagePicker(Vertical):
    DEFAULT_CLASSES = "language-picker"

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self._chosen: list[str] = []
        self._keep_after_clear: str | None = None

    def compose(self) -> ComposeResult:
        yield Static("", classes="language-chosen", markup=False)
        yield Static("", classes="language-warning error", markup=False)
        yield _Filter(placeholder=_("Typ een naam of code"), classes="language-filter")
        matches = OptionList(classes="language-matches")
        matches.can_focus = False
        yield matches
        yield Static(
            _("↑↓ kiezen · Spatie of Enter: toevoegen of weghalen · Backspace: laatste weghalen"),
            classes="language-hint",
        )

    def on_mount(self) -> None:
        self._refresh()

    # -- value -----------------------------------------------------------------------------

    @property
    def value(self) -> list[str]:
        return list(self._chosen)

    @value.setter
    def value(self, languages: list[str]) -> None:
        # Old free text ("Arabisch") becomes its code; what names no language stays as typed.
        self._chosen, _unknown = normalise_languages(list(languages))
        if self.is_mounted:
            self._refresh()

    def focus(self, scroll_visible: bool = True) -> LanguagePicker:
        self.query_one(_Filter).focus(scroll_visible)
        return self

    # -- the list --------------------------------------------------------------------------

    def _matches(self, text: str) -> list[str]:
        query = fold(text)
        # Old text that names no language is listed too, so it can be taken away.
        unknown = [v for v in self._chosen if v not in LANGUAGES and query in fold(v)]
        if not query:
            known = list(LANGUAGE_CODES)
        else:
            known = [
                code
                for code in LANGUAGE_CODES
                if code.startswith(query)
                or query in fold(language_name(code, ui_language()))
                or any(query in fold(name) for name in LANGUAGES[code])
            ]

        def rank(code: str) -> tuple[bool, bool, bool, int, str]:
            name = fold(language_label(code))
            common = COMMON.index(code) if code in COMMON else len(COMMON)
            exact, prefix = code == query, code.startswith(query)
            return (not exact, not prefix, not name.startswith(query), common, name)

        return unknown + sorted(known, key=rank)

    def _refresh(self, keep: str | None = None) -> None:
        """Rebuild the list and the lines above it; ``keep`` stays highlighted, else the first."""
        filter_text = self.query_one(_Filter).value
        matches = self.query_one(OptionList)
        codes = self._matches(filter_text)
        matches.clear_options()
        matches.add_options(
            [Option(self._option_text(code), id=code) for code in codes]
            or [Option(_("Geen taal gevonden"), disabled=True)]
        )
        matches.highlighted = codes.index(keep) if keep in codes else (0 if codes else None)
        chosen = ", ".join(language_label(code) for code in self._chosen)
        self.query_one(".language-chosen", Static).update(
            _("Gekozen: {languages}").format(languages=chosen) if chosen else _(NOTHING_CHOSEN)
        )
        unknown = [value for value in self._chosen if value not in LANGUAGES]
        warning = self.query_one(".language-warning", Static)
        warning.update(_(UNKNOWN_WARNING).format(names=", ".join(unknown)) if unknown else "")
        warning.display = bool(unknown)

    def _option_text(self, code: str) -> str:
        mark = "✔" if code in self._chosen else " "
        if code not in LANGUAGES:
            return f"{mark} ⚠ {code}"
        return f"{mark} {language_label(code)}"

    # -- keys ------------------------------------------------------------------------------

    @on(Input.Changed, ".language-filter")
    def _filtered(self, event: Input.Changed) -> None:
        event.stop()
        # Typing puts the best match first; clearing after a choice keeps that choice in view.
        keep, self._keep_after_clear = self._keep_after_clear, None
        self._refresh(keep=keep)

    @on(Input.Submitted, ".language-filter")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._toggle_highlighted()

    @on(_Filter.Pick)
    def _pick(self, event: _Filter.Pick) -> None:
        event.stop()
        self._toggle_highlighted()

    @on(_Filter.Move)
    def _move(self, event: _Filter.Move) -> None:
        event.stop()
        matches = self.query_one(OptionList)
        if matches.option_count and matches.highlighted is not None:
            matches.highlighted = max(
                0, min(matches.option_count - 1, matches.highlighted + event.step)
            )

    @on(_Filter.DropLast)
    def _drop_last(self, event: _Filter.DropLast) -> None:
        event.stop()
        if self._chosen:
            self._chosen.pop()
            self._refresh()

    @on(OptionList.OptionSelected, ".language-matches")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self._toggle(event.option.id)

    def _toggle_highlighted(self) -> None:
        option = self.query_one(OptionList).highlighted_option
        if option is not None and option.id:
            self._toggle(option.id)

    def _toggle(self, code: str) -> None:
        if code in self._chosen:
            self._chosen.remove(code)
        else:
            self._chosen.append(code)
        search = self.query_one(_Filter)
        if search.value:
            self._keep_after_clear = code
            search.value = ""
        self._refresh(keep=code)


NOTHING_CHOSEN = N_("Nog geen taal gekozen")
UNKNOWN_WARNING = N_(
    "⚠ Niet herkend: {names}. Kies de taal opnieuw uit de lijst en haal de oude tekst weg."
)
