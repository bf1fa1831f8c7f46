"""A second window on a store another window writes to: it shows everything, writes nothing.

The app that finds the store's instance lock taken (see store/instance_lock.py) opens the
store read-only: SQLite itself refuses every write there (``PRAGMA query_only``). The screens
say so in a banner and grey every action that would write (their ``WRITES``), so nobody types
an answer that could not be kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Static

from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.markers import N_

if TYPE_CHECKING:
    from inburgering_tui.store.instance_lock import Holder

BANNER = N_("Alleen lezen: de opslag is in gebruik door een ander venster (pid {pid})")
REFUSED = N_(
    "Alleen lezen: wijzigen kan alleen in het venster dat de opslag als eerste opende. "
    "Sluit dat en start dit opnieuw om hier te werken."
)


class ReadOnlyBanner(Static):
    """One line at the top of every screen of a read-only window."""

    DEFAULT_CSS = """
    ReadOnlyBanner { height: auto; padding: 0 1; background: $warning; color: $text; text-style: bold; }
    """

    def __init__(self, holder: Holder) -> None:
        super().__init__(_(BANNER).format(pid=holder.pid_text), id="read-only-banner", markup=False)
        self.holder = holder

    def refresh_language(self) -> None:
        self.update(_(BANNER).format(pid=self.holder.pid_text))
