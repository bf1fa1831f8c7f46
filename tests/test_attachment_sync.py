"""Attachments in sync bundles: they travel from the laptop to the back office (separate data
directories and keys) byte for byte as ``attachments/<sha256>`` entries with their metadata in
the case record; a removal on the laptop follows with the next bundle; a conflict keeps both
versions' attachments; and a bundle whose attachment was tampered with is refused with the
back office's database exactly as it was."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from inburgering_tui.domain.forms import Form
from inburgering_tui.export.bundle import import_bundle
from inburgering_tui.i18n.refusal import Refusal
from inburgering_tui.store.attachment_repository import AttachmentStore
from inburgering_tui.store.office_sync import ImportSummary, open_conflicts, resolve_conflict
from inburgering_tui.store.records import canonical, read_records, record_hash
from inburgering_tui.store.repository import Store
from inburgering_tui.store.vault import Vault

from .conftest import PASSPHRASE
from .documents import real_jpeg, real_pdf, real_png
from .sync_helpers import (
    export,
    inner_archive,
    make_laptop,
    make_office_home,
    office_keys,
    reseal,
    snapshot,
)

MIB = 1024**2
Entries = dict[str, bytes]


@pytest.fixture
def laptop(isolated: Path, intake_form: Form) -> list[str]:
    """Three demo cases: two with attachments (one bound to a question), one without."""
    ids = make_laptop(isolated, intake_form, cases=3)
    store = Vault(isolated).unlock(PASSPHRASE)
    attachments = AttachmentStore(store)
    attachments.add(
        ids[0], real_pdf("Diploma"), original_name="Diploma Nasser-Aydın.pdf",
        label="diploma (MBO-2)", question=("brede-intake", "opleiding_diploma"), max_bytes=MIB,
    )  # fmt: skip
    attachments.add(ids[0], real_png(), label="COA-overdracht", max_bytes=MIB)
    attachments.add(ids[1], real_jpeg(), original_name="cv ሰላም.jpg", max_bytes=MIB)
    store.close()
    return ids


@pytest.fixture
def office(tmp_path: Path, isolated: Path, laptop: list[str]) -> Iterator[Store]:
    home = make_office_home(isolated, tmp_path / "office")
    store = Vault(home).create(PASSPHRASE, actor="backoffice")
    yield store
    store.close()


@pytest.fixture
def bundle(isolated: Path, laptop: list[str], tmp_path: Path) -> Path:
    store = Vault(isolated).unlock(PASSPHRASE)
    path = export(store, isolated, tmp_path / "first.p7m")
    store.close()
    return path


def _import(office: Store, home: Path, data: bytes) -> ImportSummary:
    identity, ca = office_keys(home)
    return import_bundle(office, data, identity, ca)


def _records(store: Store, ids: list[str]) -> dict[str, Any]:
    with store.session() as session:
        return read_records(session.connection(), ids)


def _held(store: Store, case_ids: list[str]) -> dict[str, tuple[Any, ...]]:
    """Every attachment of these cases with its metadata and content."""
    attachments = AttachmentStore(store)
    held = {}
    for case_id in case_ids:
        for a in attachments.list(case_id):
            content = attachments.content(a.id)[1]
            held[a.id] = (a.case_id, a.form_id, a.question_id, a.label, a.original_name,
                          a.content_type, a.size, a.sha256, content)  # fmt: skip
    return held


def test_attachments_travel_byte_for_byte_and_a_removal_follows(
    isolated: Path, tmp_path: Path, office: Store, laptop: list[str], bundle: Path
) -> None:
    entries = inner_archive(bundle.read_bytes(), isolated)
    laptop_store = Vault(isolated).unlock(PASSPHRASE)
    held = _held(laptop_store, laptop)
    assert len(held) == 3
    shas = {item[7] for item in held.values()}
    assert {n for n in entries if n.startswith("attachments/")} == {
        f"attachments/{s}" for s in shas
    }
    manifest = json.loads(entries["manifest.json"])
    for sha in shas:
        assert manifest["entries"][f"attachments/{sha}"] == sha
    # A case without attachments has no "attachments" in its record: its hash is as before.
    records = {
        json.loads(d)["case_id"]: json.loads(d)
        for n, d in entries.items()
        if n.startswith("cases/")
    }
    assert "attachments" not in records[laptop[2]]["data"]
    assert [a["id"] for a in records[laptop[0]]["data"]["attachments"]] == sorted(
        a_id for a_id, item in held.items() if item[0] == laptop[0]
    )
    assert "content" not in records[laptop[0]]["data"]["attachments"][0]

    assert (
        _import(office, isolated, bundle.read_bytes()).line()
        == "3 new, 0 updated, 0 unchanged, 0 conflict"
    )
    assert _held(office, laptop) == held  # metadata and bytes, every one
    assert _records(office, laptop) == _records(laptop_store, laptop)

    # On the laptop one attachment goes and another comes: the next bundle says so.
    attachments = AttachmentStore(laptop_store)
    gone = next(a for a in attachments.list(laptop[0]) if a.content_type == "image/png")
    attachments.remove(gone.id)
    attachments.add(laptop[1], real_pdf("CV", seed=2), label="cv", max_bytes=MIB)
    second = export(laptop_store, isolated, tmp_path / "second.p7m")
    after = _held(laptop_store, laptop)
    expected_records = _records(laptop_store, laptop)
    laptop_store.close()
    summary = _import(office, isolated, second.read_bytes())
    assert summary.line() == "0 new, 2 updated, 0 unchanged, 0 conflict"
    assert _held(office, laptop) == after
    assert gone.id not in _held(office, laptop)
    assert _records(office, laptop) == expected_records


def test_a_conflict_keeps_the_attachments_of_both_versions(
    isolated: Path, tmp_path: Path, office: Store, laptop: list[str], bundle: Path
) -> None:
    _import(office, isolated, bundle.read_bytes())
    other_home = tmp_path / "laptop-b"
    shutil.copytree(isolated, other_home)
    case_id = laptop[0]
    a = Vault(isolated).unlock(PASSPHRASE)
    added_on_a = AttachmentStore(a).add(case_id, real_jpeg(seed=9), label="A", max_bytes=MIB)
    from_a = export(a, isolated, tmp_path / "a.p7m")
    a.close()
    b = Vault(other_home).unlock(PASSPHRASE)
    b_attachments = AttachmentStore(b)
    for attachment in b_attachments.list(case_id):
        b_attachments.remove(attachment.id)
    b_attachments.add(case_id, real_png(seed=8), label="B", max_bytes=MIB)
    from_b = export(b, other_home, tmp_path / "b.p7m")
    b_record = _records(b, [case_id])[case_id]
    b.close()

    assert _import(office, isolated, from_a.read_bytes()).count("updated") == 1
    assert _import(office, isolated, from_b.read_bytes()).count("conflict") == 1
    [conflict] = open_conflicts(office)
    incoming = conflict.incoming_record["attachment_contents"]
    assert {hashlib.sha256(base64.b64decode(c)).hexdigest() for c in incoming.values()} == set(
        incoming
    )
    resolve_conflict(office, conflict.id, "incoming")
    assert _records(office, [case_id])[case_id] == b_record
    assert [a.label for a in AttachmentStore(office).list(case_id)] == ["B"]
    # What only A's version had is kept in the conflict row, content and all.
    [resolved] = [c for c in _conflicts(office) if c.id == conflict.id]
    kept = resolved.current_record["attachment_contents"]
    assert added_on_a.sha256 in kept
    assert base64.b64decode(kept[added_on_a.sha256]) == real_jpeg(seed=9)


def _conflicts(store: Store) -> list[Any]:
    from sqlmodel import select

    from inburgering_tui.store.models import CaseConflict

    with store.session() as session:
        return list(session.exec(select(CaseConflict)).all())


# -- tampered attachments ------------------------------------------------------------------------


def _with_manifest(entries: Entries) -> list[tuple[str, bytes]]:
    """The entries with a manifest listing exactly them and their sha256: only content is wrong."""
    manifest = json.loads(entries["manifest.json"])
    manifest["entries"] = {
        name: hashlib.sha256(data).hexdigest()
        for name, data in entries.items()
        if name != "manifest.json"
    }
    return list({**entries, "manifest.json": canonical(manifest)}.items())


def _record_with(entries: Entries, kind: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """A record and its attachment of this content type."""
    for name in sorted(entries):
        if name.startswith("cases/"):
            record = json.loads(entries[name])
            for row in record["data"].get("attachments", []):
                if row["content_type"] == kind:
                    return name, record, row
    raise AssertionError(kind)


def _replace_content(entries: Entries, kind: str, data: bytes, **fields: Any) -> Entries:
    """Put other bytes in place of an attachment, renamed to their sha256, with the record's
    sha256 and size (or ``fields``) brought in line and its hash recomputed."""
    name, record, row = _record_with(entries, kind)
    changed = dict(entries)
    del changed[f"attachments/{row['sha256']}"]
    sha = hashlib.sha256(data).hexdigest()
    changed[f"attachments/{sha}"] = data
    row.update({"sha256": sha, "size": len(data), **fields})
    record["record_hash"] = record_hash(record["data"])
    changed[name] = canonical(record)
    return changed


def _swapped_bytes(entries: Entries) -> Entries:
    _name, _record, row = _record_with(entries, "image/png")
    return {**entries, f"attachments/{row['sha256']}": real_png(seed=77)}


def _truncated_png(entries: Entries) -> Entries:
    _name, _record, row = _record_with(entries, "image/png")
    whole = entries[f"attachments/{row['sha256']}"]
    return _replace_content(entries, "image/png", whole[: len(whole) // 2])


def _text_called_pdf(entries: Entries) -> Entries:
    return _replace_content(entries, "application/pdf", b"Dit is geen PDF, alleen tekst.\n")


def _pdf_called_png(entries: Entries) -> Entries:
    return _replace_content(entries, "image/png", real_pdf("stiekem"))


def _wrong_size(entries: Entries) -> Entries:
    name, record, row = _record_with(entries, "image/jpeg")
    row["size"] += 1
    record["record_hash"] = record_hash(record["data"])
    return {**entries, name: canonical(record)}


def _missing_entry(entries: Entries) -> Entries:
    _name, _record, row = _record_with(entries, "image/jpeg")
    return {n: d for n, d in entries.items() if n != f"attachments/{row['sha256']}"}


def _empty_list(entries: Entries) -> Entries:
    # "attachments": [] would store a case whose record then reads back without the key.
    name = next(
        n for n in sorted(entries) if n.startswith("cases/") and b"attachments" not in entries[n]
    )
    record = json.loads(entries[name])
    record["data"]["attachments"] = []
    record["record_hash"] = record_hash(record["data"])
    return {**entries, name: canonical(record)}


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (_swapped_bytes, "de inhoud past niet bij de sha256 in de naam"),
        (_truncated_png, "is geen geldige PNG"),
        (_text_called_pdf, "is geen geldige PDF"),
        (_pdf_called_png, "is geen geldige PNG"),
        (_wrong_size, "is niet zo groot als het record zegt"),
        (_missing_entry, "zit niet in de bundel"),
        (_empty_list, "past niet bij het bundelschema op data/attachments"),
    ],
    ids=lambda value: getattr(value, "__name__", "").strip("_") or None,
)
def test_a_tampered_attachment_is_refused_and_changes_nothing(
    isolated: Path,
    office: Store,
    bundle: Path,
    mutate: Callable[[Entries], Entries],
    reason: str,
) -> None:
    entries = inner_archive(bundle.read_bytes(), isolated)
    tampered = reseal(_with_manifest(mutate(entries)), isolated)
    before = snapshot(office.engine)
    with pytest.raises(Refusal, match=reason):
        _import(office, isolated, tampered)
    assert snapshot(office.engine) == before


def test_an_update_that_changes_a_held_attachment_is_refused(
    isolated: Path, tmp_path: Path, office: Store, laptop: list[str], bundle: Path
) -> None:
    _import(office, isolated, bundle.read_bytes())
    store = Vault(isolated).unlock(PASSPHRASE)
    store.update_case(laptop[1], {"azc_location": "AZC Oost"})
    second = export(store, isolated, tmp_path / "second.p7m")
    store.close()
    entries = inner_archive(second.read_bytes(), isolated)
    name, record, row = _record_with(entries, "image/jpeg")
    row["label"] = "een ander label onder hetzelfde id"
    record["record_hash"] = record_hash(record["data"])
    tampered = reseal(_with_manifest({**entries, name: canonical(record)}), isolated)
    before = snapshot(office.engine)
    with pytest.raises(Refusal, match="is in de backoffice al anders vastgelegd"):
        _import(office, isolated, tampered)
    assert snapshot(office.engine) == before


async def test_the_back_office_lists_and_saves_attachments_but_never_adds_or_removes(
    isolated: Path,
    tmp_path: Path,
    office: Store,
    laptop: list[str],
    bundle: Path,
    forms: dict[str, Form],
) -> None:
    from textual.widgets import DataTable

    from inburgering_tui.settings import Settings
    from inburgering_tui.tui.app import InburgeringApp
    from inburgering_tui.tui.screens.office_case import OfficeCaseScreen

    from .conftest import TODAY
    from .pilot import SIZE

    _import(office, isolated, bundle.read_bytes())
    exports = tmp_path / "exports"
    app = InburgeringApp(
        Vault(tmp_path / "office"), forms, Settings(exports_dir=exports), today=lambda: TODAY,
        store=office, back_office=True,
    )  # fmt: skip
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(OfficeCaseScreen(laptop[1]))  # the case with the CV
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#attachments", DataTable).row_count == 1
        offered = {binding.action for _n, binding, _on, _t in screen.active_bindings.values()}
        assert "save_attachment" in offered
        assert not offered & {"add_attachment", "remove_attachment"}
        await pilot.press("b", "x")  # not offered: nothing happens
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("w", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("escape")
    [written] = exports.iterdir()
    assert written.read_bytes() == real_jpeg() and written.suffix == ".jpg"
    assert "cv" not in written.name  # never the original name
