"""The back office's screens offer their own actions and none of the laptop's: what their bindings
say (footer, F1, palette) and what pressing a laptop key does there (nothing). The consultant's
screens, built from the same widgets, offer none of the office's."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import DataTable, Markdown

from inburgering_tui.domain.forms import Form
from inburgering_tui.export.bundle import import_bundle
from inburgering_tui.settings import Settings
from inburgering_tui.store.attachment_repository import AttachmentStore
from inburgering_tui.store.office_sync import open_conflicts
from inburgering_tui.store.repository import Store
from inburgering_tui.store.vault import Vault
from inburgering_tui.tui.app import InburgeringApp
from inburgering_tui.tui.screens.back_office import BackOfficeScreen
from inburgering_tui.tui.screens.case import CaseScreen
from inburgering_tui.tui.screens.case_list import CaseListScreen
from inburgering_tui.tui.screens.office_case import OfficeCaseScreen

from .conftest import PASSPHRASE, TODAY
from .documents import real_pdf
from .pilot import SIZE, make_app
from .sync_helpers import export, make_laptop, make_office_home, office_keys

MIB = 1024**2
APP_ACTIONS = {"lock", "help", "quit"}
# Enter (open) is the focused table's own key here: the screen's binding for it stays unlisted.
OFFICE_LIST = {
    "import_bundles", "search", "cycle_sort", "cycle_filter", "cycle_consultant", "export_csv",
    "clear_search",
}  # fmt: skip
LAPTOP_LIST = {"new_case", "export_bundle", "read_receipt"}
OFFICE_CASE = {"keep_current", "take_incoming", "intake_report", "save_attachment", "back"}
LAPTOP_CASE = {
    "intake", "edit", "add_member", "add_conversation", "remove_conversation", "invitation",
    "pip", "progress_talk", "add_attachment", "remove_attachment",
}  # fmt: skip


def _own(screen: Screen[Any], *, enabled: bool = False) -> set[str]:
    """The app's own actions the screen binds (they have ids), or only those enabled now."""
    return {
        binding.action
        for _node, binding, on, _tip in screen.active_bindings.values()
        if binding.id and (on or not enabled)
    }


def _palette(app: InburgeringApp) -> list[str]:
    return [command.title for command in app.get_system_commands(app.screen)]


@pytest.fixture
def office(isolated: Path, tmp_path: Path, intake_form: Form) -> Iterator[tuple[Store, str]]:
    """A back office holding a laptop's cases, one of them with a PDF and an open conflict:
    edited on two laptops (one restored from the other's backup) since they last agreed."""
    ids = make_laptop(isolated, intake_form, cases=3)
    case_id = ids[0]
    laptop = Vault(isolated).unlock(PASSPHRASE)
    laptop.update_case(case_id, {"given_names": "Ṣāliḥ", "family_name": "Nasser-Aydın"})
    AttachmentStore(laptop).add(
        case_id, real_pdf("Diploma"), original_name="Diploma Nasser-Aydın.pdf",
        label="diploma (MBO-2)", max_bytes=MIB,
    )  # fmt: skip
    laptop.add_conversation(
        case_id, held_on=date(2026, 11, 2), place="Gemeentehuis (taalcafé)",
        interpreter_name="ሰላም Tesfay", interview_language="ti",
    )  # fmt: skip
    bundles = [export(laptop, isolated, tmp_path / "1-first.p7m")]
    other = tmp_path / "laptop-b"
    shutil.copytree(isolated, other)
    laptop.update_case(case_id, {"azc_location": "AZC Noord (taalcafé)"})
    bundles.append(export(laptop, isolated, tmp_path / "2-a.p7m"))
    laptop.close()
    colleague = Vault(other).unlock(PASSPHRASE)
    colleague.update_case(case_id, {"azc_location": "AZC Zuid"})
    bundles.append(export(colleague, other, tmp_path / "3-b.p7m"))
    colleague.close()

    home = make_office_home(isolated, tmp_path / "office")
    store = Vault(home).create(PASSPHRASE, actor="backoffice")
    identity, ca = office_keys(isolated)
    for bundle in bundles:
        import_bundle(store, bundle.read_bytes(), identity, ca)
    assert [c.case_id for c in open_conflicts(store)] == [case_id]
    yield store, case_id
    store.close()


def _office_app(store: Store, tmp_path: Path, forms: dict[str, Form]) -> InburgeringApp:
    settings = Settings(exports_dir=tmp_path / "exports")
    return InburgeringApp(
        Vault(tmp_path / "office"), forms, settings, today=lambda: TODAY, store=store,
        back_office=True,
    )  # fmt: skip


def _held(store: Store) -> tuple[Any, ...]:
    """What the laptop's keys would change: cases, households, conversations, attachments."""
    cases = store.list_cases()
    return (
        sorted((c.id, c.updated_at) for c in cases),
        sorted(m.id for c in cases for m in store.household(c.id)),
        sorted(v.id for c in cases for v in store.conversations(c.id)),
        sorted(a.id for c in cases for a in AttachmentStore(store).list(c.id)),
        len(store.invitations()),
    )


async def test_the_office_list_offers_its_own_actions_and_a_laptop_key_does_nothing(
    office: tuple[Store, str], tmp_path: Path, forms: dict[str, Form]
) -> None:
    store, case_id = office
    before = _held(store)
    app = _office_app(store, tmp_path, forms)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BackOfficeScreen)
        assert _own(screen) == OFFICE_LIST | APP_ACTIONS
        assert _own(screen, enabled=True) >= {
            "import_bundles", "cycle_filter", "cycle_consultant", "export_csv",
        }  # fmt: skip
        hints = str(screen.query_one("#key-hints").render())
        assert "Bundels importeren" in hints and "Nieuwe zaak" not in hints
        palette = _palette(app)
        assert "CSV voor zaaksysteem" in palette
        assert not {"Nieuwe zaak", "Bundel voor backoffice", "Ontvangstbewijs inlezen"} & set(
            palette
        )

        # The laptop's keys: no case form, no bundle to write, no receipt to read.
        for key in ("n", "b", "o"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is screen, key
        assert _held(store) == before

        # The conflicted case says so in words, beside its name as typed.
        table = screen.query_one("#case-table", DataTable)
        row = [str(cell) for cell in table.get_row(case_id)]
        assert row[0] == "Nasser-Aydın, Ṣāliḥ" and row[-1] == "conflict"
        assert not {str(table.get_row_at(i)[-1]) for i in range(table.row_count)} - {
            "conflict",
            "",
        }


async def test_the_office_case_offers_conflict_report_and_saving_and_nothing_that_edits(
    office: tuple[Store, str], tmp_path: Path, forms: dict[str, Form]
) -> None:
    store, case_id = office
    before = _held(store)
    app = _office_app(store, tmp_path, forms)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#case-table", DataTable).move_cursor(
            row=app.screen.query_one("#case-table", DataTable).get_row_index(case_id)
        )
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OfficeCaseScreen)
        assert _own(screen) == OFFICE_CASE | APP_ACTIONS
        assert _own(screen, enabled=True) >= OFFICE_CASE  # a conflict and an attachment
        assert "Verschilt in: azc_location" in str(screen.query_one("#conflict").render())
        assert "(p)" not in str(screen.query_one("#pip-summary").render())
        palette = _palette(app)
        assert "Conflict: huidige houden" in palette and "Gegevens wijzigen" not in palette

        await pilot.press("f1")
        await pilot.pause()
        help_text = str(app.screen.query_one(Markdown).source)
        assert "Verslag intake" in help_text and "Bijlage opslaan" in help_text
        assert "Gegevens wijzigen" not in help_text and "Bijlage +" not in help_text
        await pilot.press("escape")
        await pilot.pause()

        # Every key the consultant's case screen has for changing a case: nothing opens.
        for key in ("i", "e", "g", "u", "p", "v", "b", "x", "delete"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is screen, key
        # Enter on a conversation edits it on the laptop; here it stays a row to read.
        conversations = screen.query_one("#conversations", DataTable)
        assert conversations.row_count > 0
        conversations.focus()
        await pilot.press("enter", "delete")
        await pilot.pause()
        assert app.screen is screen
        assert _held(store) == before
        assert [c.case_id for c in open_conflicts(store)] == [case_id]

        # In English the same view comes back, conflict and all.
        app.switch_ui_language("en")
        await pilot.pause()
        assert app.screen is screen and _own(screen, enabled=True) >= OFFICE_CASE
        assert "azc_location" in str(screen.query_one("#conflict").render())
        assert str(screen.query_one("#case-title").render()) == "Ṣāliḥ Nasser-Aydın"

        # Escape goes back to the office's list, not the laptop's.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BackOfficeScreen)
        assert app.screen.query_one("#case-table", DataTable).row_count == 3


async def test_the_consultants_screens_offer_none_of_the_office_actions(
    vault: Vault, forms: dict[str, Form]
) -> None:
    store = vault.create(PASSPHRASE)
    store.create_case(
        {"given_names": "Ṣāliḥ", "family_name": "Nasser-Aydın", "doelgroep": "gezinsmigrant"}
    )
    app = make_app(vault, forms, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CaseListScreen)
        assert _own(app.screen) == (OFFICE_LIST - {"import_bundles", "cycle_consultant",
                                    "export_csv"}) | LAPTOP_LIST | APP_ACTIONS  # fmt: skip
        await pilot.press("k", "x")  # the office's consultant filter and CSV: not here
        await pilot.pause()
        assert isinstance(app.screen, CaseListScreen)
        assert "consulent" not in str(app.screen.query_one("#case-count").render())
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CaseScreen)
        assert _own(screen) == (OFFICE_CASE - {"keep_current", "take_incoming"}) | LAPTOP_CASE | (
            APP_ACTIONS
        )
        assert "PIP: nog niet opgesteld (p)" in str(screen.query_one("#pip-summary").render())
    store.close()
