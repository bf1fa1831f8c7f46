"""What the PIP still lacks; choosing a line jumps to the place to fix it."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from inburgering_tui.domain.pip import THEME_LABELS, Missing
from inburgering_tui.i18n.catalogs import _, ngettext
from inburgering_tui.i18n.markers import N_
from inburgering_tui.tui.base import AppModal


class MissingDialog(AppModal[Missing | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", N_("Sluiten"), id="dialog.cancel")]

    def __init__(self, items: list[Missing]) -> None:
        super().__init__(classes="dialog")
        self.items = items

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box missing-box"):
            yield Static(
                ngettext(
                    "Het PIP kan nog niet worden vastgesteld: {n} punt ontbreekt.",
                    "Het PIP kan nog niet worden vastgesteld: {n} punten ontbreken.",
                    len(self.items),
                ).format(n=len(self.items)),
                classes="dialog-title",
            )
            yield OptionList(
                *(
                    Option(
                        f"{_(THEME_LABELS[item.theme])}: {_(item.msgid).format(**_translated(item.params))}",
                        id=str(index),
                    )
                    for index, item in enumerate(self.items)
                ),
                id="missing-list",
            )
            yield Static(_("Enter: ga erheen · Esc: sluiten"), classes="hint")

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.items[event.option_index])


def _translated(params: dict[str, object]) -> dict[str, object]:
    return {k: _(v) if isinstance(v, str) else v for k, v in params.items()}
