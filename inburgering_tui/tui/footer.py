"""A Footer that shows binding descriptions in the current UI language.

Textual reads ``BINDINGS`` at import time, before any language is chosen, so descriptions are
Dutch msgids there and are translated here, each time the footer is composed.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from inburgering_tui.i18n.catalogs import _


class TranslatedFooter(Footer):
    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey) and widget.description:
                widget.description = _(widget.description)
            yield widget
