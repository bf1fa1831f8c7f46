"""Screens whose ``app`` is this app, so the type checker sees its store, settings and forms."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual import events, on
from textual.screen import ModalScreen, Screen

from inburgering_tui.tui.read_only import ReadOnlyBanner

if TYPE_CHECKING:
    from textual import getters

    from inburgering_tui.tui.app import InburgeringApp

ResultT = TypeVar("ResultT")


class AppScreen(Screen[ResultT]):
    """A full screen of the app."""

    # The actions that write to the store: greyed in a read-only window (see read_only.py).
    WRITES: ClassVar[frozenset[str]] = frozenset()

    if TYPE_CHECKING:
        # Textual's typed ``getters.app``, for the checker only: at run time Screen's own
        # ``app`` finds the same app, and importing it here would be circular.
        app: getters.app[InburgeringApp]

    def refused_read_only(self, action: str) -> bool:
        """True for an action that writes, in a read-only window: ``check_action`` greys it."""
        return action in self.WRITES and self.app.read_only

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if self.refused_read_only(action) else True

    @on(events.Mount)
    def _show_read_only(self) -> None:
        holder = self.app.read_only_holder
        if holder is not None and self.children:
            self.mount(ReadOnlyBanner(holder), before=0)


class AppModal(ModalScreen[ResultT]):
    """A dialog of the app."""

    WRITES: ClassVar[frozenset[str]] = frozenset()

    if TYPE_CHECKING:
        app: getters.app[InburgeringApp]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action in self.WRITES and self.app.read_only else True
