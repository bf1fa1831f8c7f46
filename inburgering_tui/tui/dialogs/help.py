"""F1: help for where you are: the focused question's help text and every key that works here."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Markdown

from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.markers import N_
from inburgering_tui.tui.base import AppModal


class HelpDialog(AppModal[None]):
    BINDINGS = [
        Binding("escape", "dismiss", N_("Sluiten"), id="help.close"),
        Binding("f1", "dismiss", N_("Sluiten"), show=False),
    ]

    def __init__(self, screen: Screen[Any]) -> None:
        super().__init__(classes="dialog")
        self.target = screen

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-box help-box"):
            yield Markdown(self._text())

    def _text(self) -> str:
        parts = ["# " + _("Help")]
        question = getattr(self.target, "question", None)
        if question is not None:
            parts.append(f"## {_(question.prompt)}")
            # The consultant reads both: what the person hears and the note for them alone.
            parts += [_(text) for text in (question.help, question.note) if text]
            parts.append(
                _("Typ het antwoord of kies met de cijfertoetsen. Enter bewaart en gaat verder.")
            )
        parts.append("## " + _("Toetsen"))
        rows = ["| " + _("Sneltoets") + " | " + _("Wat het doet") + " |", "|---|---|"]
        seen: set[str] = set()
        for _node, binding, enabled, _tip in self.target.active_bindings.values():
            # Only the app's own bindings: they have ids and translated descriptions.
            if binding.id and binding.description and binding.action not in seen:
                seen.add(binding.action)
                key = self.app.get_key_display(binding)
                state = "" if enabled else " (" + _("nu niet beschikbaar") + ")"
                rows.append(f"| `{key}` | {_(binding.description)}{state} |")
        rows.append("| `ctrl+p` | " + _("Alle opdrachten zoeken") + " |")
        parts.append("\n".join(rows))
        return "\n\n".join(parts)
