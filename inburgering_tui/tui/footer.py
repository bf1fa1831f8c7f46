"""The key hints at the bottom of each screen, in the current UI language.

Textual's Footer rebuilds a widget per key whenever the focused widget changes, which in the
intake happens on every question; this is one Static that re-renders only when the hints
themselves change. Descriptions are Dutch msgids in ``BINDINGS`` (read at import time, before
a language is chosen) and are translated here.
"""

from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.markers import N_


class KeyHints(Static):
    DEFAULT_CSS = """
    KeyHints { dock: bottom; height: auto; max-height: 3; background: $footer-background; color: $footer-foreground; }
    """

    def __init__(self) -> None:
        super().__init__("", id="key-hints")
        self._shown: tuple[tuple[str, str, bool], ...] = ()

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def refresh_language(self) -> None:
        self._shown = ()
        self._bindings_changed(self.screen)

    def _bindings_changed(self, screen: Screen[Any]) -> None:
        hints: list[tuple[str, str, bool]] = []
        seen: set[str] = set()
        for _node, binding, enabled, _tip in screen.active_bindings.values():
            if not (binding.show and binding.id and binding.description) or binding.action in seen:
                continue
            seen.add(binding.action)
            hints.append((self.app.get_key_display(binding), binding.description, enabled))
        hints.append(("^p", N_("Alle opdrachten"), True))
        shown = tuple(hints)
        if shown == self._shown:
            return
        self._shown = shown
        parts = []
        for key, description, enabled in shown:
            style = "" if enabled else "dim"
            parts.append(
                Content.from_markup(
                    "[bold $footer-key-foreground]$key[/] [$style]$text[/]",
                    key=f" {key}",
                    text=_(description),
                    style=style,
                )
            )
        self.update(Content("  ").join(parts))
