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


def private_report(error: BaseException | None) -> Group:
    lines = [
        Text(_("Er ging iets mis en het programma is gestopt."), style="bold red"),
        Text(_("Alle antwoorden tot nu toe zijn opgeslagen. Meld deze fout aan de beheerder:")),
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
        self._exit_renderables.append(private_report(error))
        self._close_messages_no_wait()
