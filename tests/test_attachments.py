"""Attachments: a real PDF, JPEG or PNG is attached to a case or a question (from the command
line and from the case screen by keys), checked by its content and never by its name, kept
within the size limit, written out only on request (0600, named by id), removed with an audit
event, and still there after the app locks and unlocks."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Label

from inburgering_tui.attachment_files import attach_file, save_attachment
from inburgering_tui.domain.answers import Invalid
from inburgering_tui.domain.attachments import JPEG, PDF, PNG, content_type
from inburgering_tui.domain.forms import Form
from inburgering_tui.i18n.catalogs import set_ui_language
from inburgering_tui.i18n.refusal import Refusal
from inburgering_tui.store.attachment_repository import AttachmentRefused, AttachmentStore
from inburgering_tui.store.repository import Store
from inburgering_tui.store.vault import Vault
from inburgering_tui.tui.app import InburgeringApp
from inburgering_tui.tui.dialogs.attachment_add import AttachmentAddDialog
from inburgering_tui.tui.dialogs.attachment_save import AttachmentSaveDialog
from inburgering_tui.tui.screens.case import CaseScreen
from inburgering_tui.tui.screens.unlock import UnlockScreen

from .conftest import PASSPHRASE
from .documents import real_jpeg, real_pdf, real_png
from .pilot import SIZE, make_app, type_text
from .test_cli import run
from .test_tui_intake import unlock
from .work_gate import Gate, until_ended

MIB = 1024**2
PERSON = {
    "given_names": "Ṣāliḥ",
    "family_name": "Nasser-Aydın",
    "doelgroep": "asielstatushouder",
    "languages": ["ar", "tr"],
}
# A file name as people name their scans: the person's name in it, brackets, accents.
ORIGINAL = "Diploma Nasser-Aydın (taalcafé) 2019.pdf"


def _case(store: Store) -> str:
    return store.create_case(PERSON).id


# -- the content decides -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "kind"), [(real_pdf, PDF), (real_jpeg, JPEG), (real_png, PNG)], ids=str
)
def test_real_documents_are_recognised_by_their_content(
    make: Callable[[], bytes], kind: str
) -> None:
    assert content_type(make()) == kind


def test_a_pdf_name_on_a_text_file_is_refused_and_a_png_named_pdf_is_a_png(
    store: Store, intake_form: Form, tmp_path: Path
) -> None:
    case_id = _case(store)
    fake = tmp_path / ORIGINAL
    fake.write_text("Dit is geen PDF, alleen tekst met een .pdf-naam.\n", encoding="utf-8")
    with pytest.raises(AttachmentRefused, match=r"geen PDF, JPEG of PNG \(de inhoud telt"):
        attach_file(store, intake_form, case_id, fake, max_bytes=MIB)
    misnamed = tmp_path / "scan.pdf"
    misnamed.write_bytes(real_png())
    attachment = attach_file(store, intake_form, case_id, misnamed, max_bytes=MIB)
    assert attachment.content_type == PNG  # what it is, not what it is called
    assert [a.id for a in AttachmentStore(store).list(case_id)] == [attachment.id]


@pytest.mark.parametrize(
    ("make", "kind"),
    [(real_png, "PNG"), (real_jpeg, "JPEG"), (real_pdf, "PDF")],
    ids=["png", "jpeg", "pdf"],
)
def test_a_truncated_document_is_refused(
    make: Callable[[], bytes], kind: str, store: Store
) -> None:
    data = make()
    case_id = _case(store)
    for cut in (data[: len(data) // 2], data[:-7]):
        with pytest.raises(AttachmentRefused, match=f"begint als {kind}, maar is afgebroken"):
            AttachmentStore(store).add(case_id, cut, max_bytes=MIB)
    assert AttachmentStore(store).list(case_id) == []


def test_a_png_with_one_changed_byte_fails_its_checksum() -> None:
    data = bytearray(real_png())
    data[len(data) // 2] ^= 0x01
    assert isinstance(content_type(bytes(data)), Invalid)


def test_the_size_limit_is_refused_before_the_file_is_read(
    store: Store, intake_form: Form, tmp_path: Path
) -> None:
    case_id = _case(store)
    big = tmp_path / "scan.pdf"
    big.write_bytes(real_pdf())
    limit = len(big.read_bytes()) - 1
    with pytest.raises(AttachmentRefused, match="groter dan"):
        attach_file(store, intake_form, case_id, big, max_bytes=limit)
    assert AttachmentStore(store).list(case_id) == []
    assert all(e.action != "attachment.add" for e in store.audit_events())


def test_an_unknown_question_is_refused(store: Store, intake_form: Form, tmp_path: Path) -> None:
    path = tmp_path / "cv.png"
    path.write_bytes(real_png())
    with pytest.raises(AttachmentRefused, match="De vraag geen_vraag staat niet in"):
        attach_file(store, intake_form, _case(store), path, max_bytes=MIB, question_id="geen_vraag")


def test_an_attachment_never_changes_in_place(store: Store) -> None:
    from sqlalchemy import text

    attachment = AttachmentStore(store).add(_case(store), real_png(), max_bytes=MIB)
    with store.engine.begin() as conn, pytest.raises(Exception, match="never changes"):
        conn.execute(
            text("UPDATE attachment SET label = 'anders' WHERE id = :id"), {"id": attachment.id}
        )


def test_refusals_speak_the_ui_language(store: Store) -> None:
    set_ui_language("en")
    try:
        with pytest.raises(Refusal) as refused:
            AttachmentStore(store).add(_case(store), b"plain text", max_bytes=MIB)
        # Translated where shown; the catalogue may not hold the new text yet, the msgid then.
        assert str(refused.value)
    finally:
        set_ui_language("nl")


# -- the commands --------------------------------------------------------------------------------


def test_the_commands_add_list_save_and_remove(
    vault: Vault, intake_form: Form, tmp_path: Path
) -> None:
    store = vault.create(PASSPHRASE, actor="consulent")
    case_id = _case(store)
    store.close()
    source = tmp_path / "in" / ORIGINAL
    source.parent.mkdir()
    pdf = real_pdf("Diploma Ṣāliḥ")
    source.write_bytes(pdf)

    added = run(
        "attachments", "add", case_id[:8], str(source),
        "--question", "opleiding_diploma", "--label", "diploma (MBO-2) — ديبلوم",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "added (PDF," in added.stdout

    listed = run("attachments", "list", case_id[:8])
    assert listed.returncode == 0, listed.stderr
    assert "PDF" in listed.stdout and "opleiding_diploma" in listed.stdout
    assert "diploma (MBO-2) — ديبلوم" in listed.stdout
    assert "Nasser-Aydın" not in listed.stdout  # the original name only when asked for
    [item] = json.loads(run("attachments", "list", case_id, "--json", "--names").stdout)
    assert item["original_name"] == ORIGINAL
    assert item["size"] == len(pdf) and item["content_type"] == PDF
    assert (item["form_id"], item["question_id"]) == ("brede-intake", "opleiding_diploma")

    out = tmp_path / "out" / "kopie.pdf"
    saved = run("attachments", "save", case_id[:8], item["id"][:6], "--out", str(out))
    assert saved.returncode == 0, saved.stderr
    assert out.read_bytes() == pdf
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    # Into a folder: a name of id and type, nothing of the person.
    folder = tmp_path / "map"
    folder.mkdir()
    assert run("attachments", "save", case_id, item["id"], "--out", str(folder)).returncode == 0
    [written] = folder.iterdir()
    assert written.name == f"bijlage-{item['id'][:12]}.pdf"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600 and written.read_bytes() == pdf

    removed = run("attachments", "remove", case_id[:8], item["id"][:8])
    assert removed.returncode == 0, removed.stderr
    assert "no attachments" in run("attachments", "list", case_id[:8]).stdout

    store = vault.unlock(PASSPHRASE)
    events = [e for e in store.audit_events(case_id) if e.action.startswith("attachment.")]
    store.close()
    assert [e.action for e in events] == [
        "attachment.add", "attachment.save", "attachment.save", "attachment.remove",
    ]  # fmt: skip
    assert {e.subject for e in events} == {item["id"]}  # ids only, never the file's name


def test_the_commands_refuse_bad_files_with_the_reason(
    vault: Vault, intake_form: Form, tmp_path: Path
) -> None:
    store = vault.create(PASSPHRASE)
    case_id = _case(store)
    store.close()
    text_pdf = tmp_path / "cv.pdf"
    text_pdf.write_text("Curriculum vitae\n", encoding="utf-8")
    refused = run("attachments", "add", case_id[:8], str(text_pdf))
    assert refused.returncode == 2
    assert "not attached: Dit bestand is geen PDF, JPEG of PNG" in refused.stderr

    photo = tmp_path / "foto.jpg"
    photo.write_bytes(real_jpeg())
    too_big = run(
        "attachments", "add", case_id[:8], str(photo), INBURGERING_ATTACHMENT_MAX_MIB="0.001"
    )
    assert too_big.returncode == 2
    assert "groter dan 1.02 KiB, de grens in de instellingen" in too_big.stderr
    assert run("attachments", "add", case_id[:8], str(tmp_path / "weg.png")).returncode == 2
    assert "no attachments" in run("attachments", "list", case_id[:8]).stdout


# -- the case screen, by keys --------------------------------------------------------------------


def _table_rows(app: InburgeringApp) -> int:
    return app.screen.query_one("#attachments", DataTable).row_count


async def test_the_case_screen_attaches_saves_and_removes_by_keys_and_survives_a_lock(
    vault: Vault, forms: dict[str, Form], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = vault.create(PASSPHRASE)
    case_id = _case(store)
    scans = tmp_path / "scans"
    scans.mkdir()
    png = real_png(seed=5)
    (scans / "COA-overdracht-Ṣāliḥ.png").write_bytes(png)
    (scans / "cv.pdf").write_text("alleen tekst\n", encoding="utf-8")
    monkeypatch.chdir(scans)  # paths are typed relative to where the app was started
    exports = tmp_path / "exports"
    app = make_app(vault, forms, store=store, exports_dir=exports)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")  # the only case
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)
        assert _table_rows(app) == 0

        # A text file named .pdf: refused in the dialog, which keeps what was typed.
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, AttachmentAddDialog)
        await type_text(pilot, "cv.pdf")
        await pilot.press("enter")
        await type_text(pilot, "overdracht COA")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AttachmentAddDialog)
        error = str(dialog.query_one("#field-path .field-error", Label).render())
        assert "geen PDF, JPEG of PNG" in error
        assert dialog.query_one("#label", Input).value == "overdracht COA"

        # The right file, to the question about the COA handover.
        await pilot.press("home", "ctrl+k")
        await type_text(pilot, "COA-overdracht-Ṣāliḥ.png")
        await pilot.press("tab", "tab")  # past the label, to the question
        await pilot.press("enter")
        await pilot.pause()
        await type_text(pilot, "overdracht COA")  # type to search the questions
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)
        [attachment] = AttachmentStore(app.require_store()).list(case_id)
        assert attachment.content_type == PNG and attachment.label == "overdracht COA"
        assert attachment.original_name == "COA-overdracht-Ṣāliḥ.png"
        coa = next(s for s in forms["brede-intake"].sections if s.id == "warme_overdracht_coa")
        assert (attachment.form_id, attachment.question_id) == ("brede-intake", coa.questions[0].id)
        assert AttachmentStore(app.require_store()).content(attachment.id)[1] == png
        assert _table_rows(app) == 1
        row = app.screen.query_one("#attachments", DataTable).get_row_at(0)
        assert row[0] == "PNG" and "KiB" in row[1] and "overdracht COA" in str(row[3])

        # Locked and unlocked: the case screen comes back with the attachment.
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen) and app.store is None
        await unlock(pilot)
        assert isinstance(app.screen, CaseScreen) and _table_rows(app) == 1
        assert AttachmentStore(app.require_store()).content(attachment.id)[1] == png

        # Saved out: the path is filled in, named by id; the file is 0600.
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Opgeslagen" in str(app.screen.query_one("#save-state", Label).render())
        await pilot.press("escape")
        [written] = exports.iterdir()
        assert written.name == f"bijlage-{attachment.id[:12]}.png"
        assert written.read_bytes() == png
        assert stat.S_IMODE(written.stat().st_mode) == 0o600

        # Removed, after saying yes.
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("shift+tab", "enter")  # the dialog starts on "no"
        await pilot.pause()
        assert _table_rows(app) == 0
        assert AttachmentStore(app.require_store()).list(case_id) == []
    store = vault.unlock(PASSPHRASE)
    actions = [e.action for e in store.audit_events(case_id) if e.action.startswith("attach")]
    store.close()
    assert actions == ["attachment.add", "attachment.save", "attachment.remove"]


async def test_the_app_does_not_lock_while_a_file_is_checked_and_locks_once_it_is_attached(
    vault: Vault, forms: dict[str, Form], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Locking closes the store: the dialog would be left "checking" with its work broken."""
    store = vault.create(PASSPHRASE)
    case_id = _case(store)
    scan = tmp_path / "verblijfsvergunning (Ṣāliḥ).pdf"
    scan.write_bytes(real_pdf("Verblijfsvergunning"))
    held = Gate()  # read and checked, not yet stored
    held.install(monkeypatch, AttachmentAddDialog)
    app = make_app(vault, forms, store=store, idle_lock_minutes=0.02)  # 1.2 s idle
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "b")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AttachmentAddDialog)
        dialog.query_one("#path", Input).value = str(scan)
        await pilot.press("ctrl+s")
        await held.wait_reached()
        await pilot.pause(2.5)  # well past the idle time, no key pressed
        assert app.screen is dialog and app.store is not None
        assert "Bestand controleren..." in str(dialog.query_one("#attach-state").render())
        held.release.set()
        await until_ended(pilot)
        assert isinstance(app.screen, CaseScreen) and _table_rows(app) == 1
        [attachment] = AttachmentStore(app.require_store()).list(case_id)
        assert attachment.original_name == scan.name
        await pilot.pause(2.5)  # the work has ended: now idle time locks the app
        assert isinstance(app.screen, UnlockScreen) and app.store is None


async def test_esc_stops_adding_and_saving_before_anything_is_stored_or_written(
    vault: Vault, forms: dict[str, Form], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = vault.create(PASSPHRASE)
    case_id = _case(store)
    jpeg = real_jpeg(seed=3)
    scan = tmp_path / "Diploma (Nasser-Aydın).jpg"
    scan.write_bytes(jpeg)
    adding, saving = Gate(), Gate()
    adding.install(monkeypatch, AttachmentAddDialog)
    saving.install(monkeypatch, AttachmentSaveDialog)
    exports = tmp_path / "exports"
    app = make_app(vault, forms, store=store, exports_dir=exports)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "b")
        await pilot.pause()
        add = app.screen
        assert isinstance(add, AttachmentAddDialog)
        add.query_one("#path", Input).value = str(scan)
        await pilot.press("tab")
        await type_text(pilot, "diploma (taalcafé)")
        await pilot.press("enter")
        await adding.wait_reached()
        assert add.query_one("#path", Input).disabled  # a second Enter starts nothing
        await pilot.press("escape")
        await pilot.pause()
        assert add.busy and app.screen is add  # stops at its checkpoint, still open till then
        adding.release.set()
        await until_ended(pilot)
        assert str(add.query_one("#attach-state").render()) == "Gestopt: er is niets toegevoegd."
        assert AttachmentStore(app.require_store()).list(case_id) == []
        # What was typed is kept and takes input again: Ctrl+S now adds it.
        assert add.query_one("#path", Input).value == str(scan)
        assert add.query_one("#label", Input).value == "diploma (taalcafé)"
        assert add.query_one("#path", Input).has_focus
        await pilot.press("ctrl+s")
        await until_ended(pilot)
        assert isinstance(app.screen, CaseScreen) and _table_rows(app) == 1

        # Saving out, stopped before the file is written.
        await pilot.press("w")
        await pilot.pause()
        save = app.screen
        assert isinstance(save, AttachmentSaveDialog)
        await pilot.press("enter")
        await saving.wait_reached()
        await pilot.press("escape")
        saving.release.set()
        await until_ended(pilot)
        assert str(save.query_one("#save-state").render()) == (
            "Gestopt: er is geen bestand geschreven."
        )
        assert not exports.exists() or list(exports.iterdir()) == []  # not even a .partial

        # A path that cannot be written: said under it, in words; the path can be fixed.
        blocker = tmp_path / "geen-map"
        blocker.write_text("een bestand, geen map")
        out = save.query_one("#out", Input)
        default = out.value
        out.value = str(blocker / "diploma.jpg")
        await pilot.press("enter")
        await until_ended(pilot)
        error = str(save.query_one("#field-out .field-error", Label).render())
        assert error.startswith("Niet opgeslagen: De bijlage kon niet worden weggeschreven")
        assert str(save.query_one("#save-state").render()) == ""
        assert not out.disabled and out.has_focus
        out.value = default
        await pilot.press("enter")
        await until_ended(pilot)
        assert "Opgeslagen" in str(save.query_one("#save-state").render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)
    [written] = exports.iterdir()
    assert written.read_bytes() == jpeg and written.name == Path(default).name
    store = vault.unlock(PASSPHRASE)
    actions = [e.action for e in store.audit_events(case_id) if e.action.startswith("attach")]
    store.close()
    assert actions == ["attachment.add", "attachment.save"]  # one of each: the stops left none


async def test_without_attachments_save_and_remove_are_not_offered(
    vault: Vault, forms: dict[str, Form]
) -> None:
    store = vault.create(PASSPHRASE)
    _case(store)
    app = make_app(vault, forms, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert screen.check_action("save_attachment", ()) is None
        assert screen.check_action("remove_attachment", ()) is None
        await pilot.press("w", "x")  # nothing happens, nothing breaks
        await pilot.pause()
        assert app.screen is screen


def test_save_refuses_an_attachment_that_is_gone(store: Store, tmp_path: Path) -> None:
    attachments = AttachmentStore(store)
    attachment = attachments.add(_case(store), real_jpeg(), max_bytes=MIB)
    attachments.remove(attachment.id)
    with pytest.raises(AttachmentRefused, match="bestaat niet"):
        save_attachment(store, attachment.id, tmp_path / "x.jpg")
    assert not (tmp_path / "x.jpg").exists()
