"""Deadlines where the consultant looks: the case list (next one, colours, filter), the case."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from textual.widgets import DataTable, Static
from textual.widgets.data_table import ColumnKey

from inburgering_tui.domain.deadlines import Deadline
from inburgering_tui.domain.forms import Form
from inburgering_tui.store.repository import Store
from inburgering_tui.store.vault import Vault
from inburgering_tui.tui.screens.case import CaseScreen

from .conftest import PASSPHRASE
from .pilot import SIZE, make_app, wait_for_screen
from .test_cli import run


def _cases(vault: Vault) -> Store:
    store = vault.create(PASSPHRASE)
    # Koppeling 1 August: the intake should have started by 1 October (T1) -> overdue.
    store.create_case(
        {
            "given_names": "Laat",
            "family_name": "Aa",
            "doelgroep": "asielstatushouder",
            "koppelingsdatum": date(2026, 8, 1),
            "v_nummer": "1000000001",
        }
    )
    # Koppeling 1 October: T1 due 1 December, within 14 days of 23 November -> due soon.
    store.create_case(
        {
            "given_names": "Bijna",
            "family_name": "Bb",
            "doelgroep": "asielstatushouder",
            "koppelingsdatum": date(2026, 10, 1),
            "v_nummer": "1000000002",
        }
    )
    # Registered in the BRP last week: nothing due for weeks.
    store.create_case(
        {
            "given_names": "Rustig",
            "family_name": "Cc",
            "doelgroep": "gezinsmigrant",
            "brp_date": date(2026, 11, 16),
            "v_nummer": "1000000003",
        }
    )
    return store


async def test_case_list_shows_next_deadline_in_colour_and_filters(
    vault: Vault, forms: dict[str, Form]
) -> None:
    store = _cases(vault)
    app = make_app(vault, forms, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        column = list(table.columns).index(ColumnKey("deadline"))
        cells = {
            str(table.get_row_at(i)[0]): table.get_row_at(i)[column] for i in range(table.row_count)
        }
        assert "T1" in str(cells["Aa, Laat"]) and "red" in str(cells["Aa, Laat"].style)
        assert "01-12-2026" in str(cells["Bb, Bijna"]) and "yellow" in str(cells["Bb, Bijna"].style)
        # Not colour alone: the cell says it in words too.
        assert str(cells["Aa, Laat"]).endswith("· te laat")
        assert str(cells["Bb, Bijna"]).endswith("· binnenkort")
        assert "·" not in str(cells["Cc, Rustig"])
        assert "red" not in str(cells["Cc, Rustig"].style) and "yellow" not in str(
            cells["Cc, Rustig"].style
        )
        await pilot.press("f")  # overdue only
        await pilot.pause()
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == ["Aa, Laat"]
        assert "termijn verlopen" in str(app.screen.query_one("#case-count", Static).render())
        await pilot.press("f")  # due soon
        await pilot.pause()
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == ["Bb, Bijna"]
        await pilot.press("f")  # all again
        await pilot.pause()
        assert table.row_count == 3
        await pilot.press("up", "up", "enter")  # the first case: Aa, Laat
        case_screen = await wait_for_screen(pilot, CaseScreen)
        deadlines = case_screen.query_one("#deadlines", DataTable)
        rows = [[str(c) for c in deadlines.get_row_at(i)] for i in range(deadlines.row_count)]
        t1 = next(r for r in rows if r[0].startswith("T1 "))
        assert t1[2] == "01-10-2026" and t1[3] == "te laat" and "2 maanden na koppeling" in t1[4]
        assert {r[0].split()[0] for r in rows} >= {f"T{n}" for n in range(1, 15)}
    store.close()


def test_cases_list_json_has_every_deadline_with_its_source(isolated: Path, vault: Vault) -> None:
    _cases(vault).close()
    listed = run("cases", "list", "--json", "--search", "Laat")
    [case] = json.loads(listed.stdout)
    rules = {d["rule"]: d for d in case["deadlines"]}
    assert {f"T{n}" for n in range(1, 15)} <= set(rules)
    assert rules["T1"]["due"] == "2026-10-01" and rules["T1"]["source"] == "M 000"
    assert rules["T4"]["status"] in ("not_applicable", "due", "overdue")
    assert case["next_deadline"]["rule"] == "T1"


async def test_invitations_and_responses_drive_rule_t3(
    vault: Vault, forms: dict[str, Form], intake_form: Form
) -> None:
    from inburgering_tui.overview import one_case
    from inburgering_tui.settings import Settings

    from .conftest import TODAY
    from .pilot import type_text

    store = vault.create(PASSPHRASE)
    case = store.create_case(
        {"given_names": "Uit", "family_name": "Nodiging", "doelgroep": "gezinsmigrant"}
    )
    app = make_app(vault, forms, store=store)

    def t3() -> Deadline:
        item = one_case(store, intake_form, case.id, TODAY, Settings().local_practice)
        assert item is not None
        return next(d for d in item.deadlines if d.rule == "T3")

    assert t3().status.value == "not_applicable"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "u")
        await pilot.pause()
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "01-11-2026")
        await pilot.press("tab", "ctrl+a", "ctrl+k")
        await type_text(pilot, "10")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert (t3().status.value, t3().due) == ("overdue", date(2026, 11, 11))
        await pilot.press("u")  # the last invitation is open: record the response
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert t3().status.value == "done"
    [invitation] = store.invitations(case.id)
    assert invitation.responded_on == TODAY and invitation.term_days == 10
    store.close()


def test_local_practice_comes_from_the_settings_file(
    isolated: Path, vault: Vault, tmp_path: Path
) -> None:
    import os

    _cases(vault).close()
    config = Path(os.environ["INBURGERING_CONFIG"])
    config.write_text("[local_practice]\nintake_start_months = 3\n", encoding="utf-8")
    [case] = json.loads(run("cases", "list", "--json", "--search", "Laat").stdout)
    t1 = next(d for d in case["deadlines"] if d["rule"] == "T1")
    assert t1["due"] == "2026-11-01" and "3 maanden" in t1["reason"]
    config.write_text("[local_practice]\nintake_start_months = 0\n", encoding="utf-8")
    refused = run("cases", "list", "--json")
    assert refused.returncode == 2 and "local_practice.intake_start_months" in refused.stderr
