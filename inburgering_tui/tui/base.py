"""Screens whose ``app`` is this app, so the type checker sees its store, settings and forms."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from textual import getters

    from inburgering_tui.tui.app import InburgeringApp

ResultT = TypeVar("ResultT")


class AppScreen(Screen[ResultT]):
    """A full screen of the app."""

    if TYPE_CHECKING:
        # Textual's typed ``getters.app``, for the checker only: at run time Screen's own
        # ``app`` finds the same app, and importing it here would be circular.
        app: getters.app[InburgeringApp]


class AppModal(ModalScreen[ResultT]):
    """A dialog of the app."""

    if TYPE_CHECKING:
        app: getters.app[InburgeringApp]
