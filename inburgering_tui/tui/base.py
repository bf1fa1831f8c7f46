"""Screens whose ``app`` is this app, so the type checker sees its store, settings and forms."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, cast

from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from inburgering_tui.tui.app import InburgeringApp

ResultT = TypeVar("ResultT")


class AppScreen(Screen[ResultT]):
    """A full screen of the app."""

    @property
    def app(self) -> InburgeringApp:  # type: ignore[override]
        return cast("InburgeringApp", super().app)


class AppModal(ModalScreen[ResultT]):
    """A dialog of the app."""

    @property
    def app(self) -> InburgeringApp:  # type: ignore[override]
        return cast("InburgeringApp", super().app)
