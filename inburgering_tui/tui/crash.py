"""What the consultant sees when the app crashes: where it happened, never what it held.

Textual's own crash report prints every frame's local variables and the exception's message;
here those would hold answers, names and passphrases. This report keeps the exception type and
the frames (file, line, function) only: enough for a bug report, nothing personal.
"""

from __future__ import annotations

import traceback
from typing import Any

from rich.console import Group
from rich.text import Text
from textual.app import App

from inburgering_tui.i18n.catalogs import _


def private_report(error: BaseException | None, *, unsaved: bool = False) -> Group:
    """``unsaved``: an answer on screen was not in the store (typed, or refused by the disk)."""
    saved = (
        _(
            "Het laatste antwoord is NIET opgeslagen: voer het opnieuw in. Antwoorden die als "
            "opgeslagen werden getoond, staan in de opslag. Meld deze fout aan de beheerder:"
        )
        if unsaved
        else _("Alle antwoorden tot nu toe zijn opgeslagen. Meld deze fout aan de beheerder:")
    )
    lines = [
        Text(_("Er ging iets mis en het programma is gestopt."), style="bold red"),
        Text(saved),
    ]
    if error is not None:
        lines.append(Text(f"{type(error).__module__}.{type(error).__qualname__}", style="bold"))
        for frame in traceback.extract_tb(error.__traceback__):
            lines.append(Text(f"  {frame.filename}:{frame.lineno} in {frame.name}"))
    return Group(*lines)


class PrivateCrashMixin(App[Any]):
    """Mix into an App before App itself: replaces the crash report (see module docstring)."""

    def _fatal_error(self) -> None:
        self.bell()
        error = getattr(self, "_exception", None)
        self._exit_renderables.append(private_report(error, unsaved=self._holds_unsaved_answer()))
        self._close_messages_no_wait()

    def _holds_unsaved_answer(self) -> bool:
        """Whether a screen holds an answer the store does not (see IntakeScreen)."""
        try:
            return any(
                getattr(screen, "has_unsaved_answer", lambda: False)()
                for screen in self.screen_stack
            )
        except Exception:
            return True  # the app is broken: never claim an answer was saved
