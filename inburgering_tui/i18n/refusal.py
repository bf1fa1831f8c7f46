"""Errors a person reads (a refused bundle, a receipt that does not hold): a Dutch msgid with
its values, translated into the UI language only when shown."""

from __future__ import annotations

from typing import Any


class Refusal(Exception):
    def __init__(self, msgid: str, **params: Any) -> None:
        super().__init__(msgid)
        self.msgid = msgid
        self.params = params

    def __str__(self) -> str:
        from inburgering_tui.i18n.catalogs import _

        return _(self.msgid).format(**self.params)
