"""A crash shows where it happened, never the answers, names or passphrases the app held."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from inburgering_tui.domain.forms import Form
from inburgering_tui.store.vault import Vault
from inburgering_tui.tui.screens.case_list import CaseListScreen

from .conftest import PASSPHRASE
from .pilot import SIZE, make_app

SECRET = "Heeft-nachtmerries-sinds-de-vlucht"


async def test_a_crash_report_holds_no_personal_data(
    vault: Vault, forms: dict[str, Form], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: CaseListScreen) -> None:
        answer_text = SECRET  # a local the stock report would print
        raise ValueError(f"kon {answer_text} niet verwerken")

    monkeypatch.setattr(CaseListScreen, "action_new_case", broken)
    store = vault.create(PASSPHRASE)
    app = make_app(vault, forms, store=store)
    printed = Console(record=True, width=120, file=io.StringIO())
    app.error_console = printed  # where the crash report is printed on exit
    with pytest.raises(ValueError):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("n")
            await pilot.pause()
    report = printed.export_text()
    assert "ValueError" in report and "test_privacy.py" in report  # where: yes
    assert SECRET not in report and PASSPHRASE not in report  # what: never
