"""A sentence a person reads, kept as its Dutch msgid and values until it is shown, so it comes
out in the UI language of that moment (a report line, not an error: see refusal.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Message:
    msgid: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        from inburgering_tui.i18n.catalogs import _

        return _(self.msgid).format(**self.params)
