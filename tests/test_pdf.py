"""The PIP PDF: a real beschikking, PAdES-signed, checked by pyHanko, poppler and openssl-made keys;
a draft is a CONCEPT; the wegwijzer in Arabic and Tigrinya renders with its own scripts."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from textual.widgets import ProgressBar

from inburgering_tui.export.pki import create_dev_pki
from inburgering_tui.store.pip_repository import PipStore
from inburgering_tui.store.vault import Vault

from .conftest import PASSPHRASE
from .test_cli import run
from .test_tui_pip import _complete_b1_pip

KEYS = "sleutel-wachtwoordzin-9"


def _case(home: Path, language: str, *, set_it: bool) -> str:
    store = Vault(home).create(PASSPHRASE)
    case = store.create_case(
        {
            "given_names": "Pdf",
            "family_name": "Proefpersoon",
            "doelgroep": "gezinsmigrant",
            "languages": [language],
            "kennisgeving_date": date(2026, 9, 1),
            "brp_date": date(2026, 8, 1),
        }
    )
    store.add_conversation(
        case.id, held_on=date(2026, 10, 1), interpreter_name="A. Tolk", interview_language=language
    )
    pips = PipStore(store)
    draft = pips.save_draft(case.id, _complete_b1_pip().model_dump(mode="json"), "Eerste PIP")
    pips.record_agreement(
        draft.id,
        {"person_name": "Pdf Proefpersoon", "agreed_on": "2026-11-02", "interpreter_name": "A. Tolk",
         "interpreter_language": language, "consultant": "J. de Vries"},
    )  # fmt: skip
    if set_it:
        pips.set_version(draft.id, date(2026, 11, 2))
    store.close()
    create_dev_pki(home, KEYS, municipality="Gemeente Proef", consultant="J. de Vries")
    return case.id


def _pdf(tmp_path: Path, case_id: str) -> Path:
    out = tmp_path / "pip.pdf"
    result = run("pdf", case_id[:8], "--out", str(out), INBURGERING_KEY_PASSPHRASE=KEYS)
    assert result.returncode == 0, result.stderr
    return out


def _text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_set_pip_is_a_signed_beschikking_that_validates(isolated: Path, tmp_path: Path) -> None:
    path = _pdf(tmp_path, _case(isolated, "ar", set_it=True))
    text = _text(path)
    for expected in (
        "Beschikking",
        "Participatieverklaringstraject (PVT)",
        "Module arbeidsmarkt",
        "Taalschool Noord",
        "02-11-2026",  # the dagtekening
        "02-11-2029",  # end of the termijn (rule T6)
        "binnen zes weken",  # the bezwaar clause
        "Awb",
        "Pdf Proefpersoon",
        "A. Tolk",
    ):
        assert expected in text, expected
    reader = PdfReader(path)
    pages = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        assert f"pagina {number} van {pages}" in page.extract_text()
    assert reader.metadata is not None and "Plan Inburgering" in (reader.metadata.title or "")

    verified = run("verify", str(path))
    assert verified.returncode == 0, verified.stdout
    assert "integrity:  intact" in verified.stdout and "trusted" in verified.stdout
    assert "J. de Vries" in verified.stdout
    poppler = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True)
    assert "Signature is Valid." in poppler.stdout and "Total document signed" in poppler.stdout
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    embedded = [
        re.search(r"\s(yes|no)\s+(yes|no)\s+(yes|no)\s", line) for line in fonts.splitlines()[2:]
    ]
    assert embedded and all(m is not None and m.group(1) == "yes" for m in embedded), fonts


def test_a_changed_byte_or_a_later_edit_makes_verify_fail(isolated: Path, tmp_path: Path) -> None:
    path = _pdf(tmp_path, _case(isolated, "nl", set_it=True))
    data = bytearray(path.read_bytes())
    index = data.find(b"Taalschool Noord")
    if index < 0:  # compressed content: change a byte inside the signed range instead
        index = len(data) // 3
    data[index] ^= 0x01
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    result = run("verify", str(tampered))
    assert result.returncode == 1 and "VALID" in result.stdout and "INVALID" in result.stdout

    writer = PdfWriter(str(path), incremental=True)
    writer.add_metadata({"/Title": "Iets anders"})
    edited = tmp_path / "edited.pdf"
    with edited.open("wb") as handle:
        writer.write(handle)
    result = run("verify", str(edited))
    assert result.returncode == 1 and "CHANGED after signing" in result.stdout


def test_an_unset_pip_is_only_a_concept_and_never_signed(isolated: Path, tmp_path: Path) -> None:
    path = _pdf(tmp_path, _case(isolated, "nl", set_it=False))
    assert "CONCEPT" in _text(path)
    result = run("verify", str(path))
    assert result.returncode == 1 and "no signature" in result.stdout


@pytest.mark.parametrize(
    ("language", "script"), [("ar", (0xFE70, 0xFEFF)), ("ti", (0x1200, 0x137F))]
)
def test_the_wegwijzer_renders_in_the_persons_script(
    isolated: Path, tmp_path: Path, language: str, script: tuple[int, int]
) -> None:
    path = _pdf(tmp_path, _case(isolated, language, set_it=True))
    reader = PdfReader(path)
    last = reader.pages[-1]
    assert round(float(last.mediabox.width)) == 420  # A5
    text = subprocess.run(
        ["pdftotext", "-f", str(len(reader.pages)), str(path), "-"], capture_output=True, text=True
    ).stdout
    low, high = script
    assert sum(low <= ord(ch) <= high for ch in text) > 20, text[:200]
    assert "2026" in text  # dates keep their digits
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == len(reader.pages)
    assert all(image.stat().st_size > 2000 for image in images)


async def test_the_pdf_is_made_from_the_pip_screen_with_progress(
    isolated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from inburgering_tui.domain.form_loader import load_forms
    from inburgering_tui.settings import default_forms_dir
    from inburgering_tui.tui.dialogs.export_pdf import ExportPdfDialog
    from inburgering_tui.tui.screens.pip import PipScreen

    from .pilot import SIZE, make_app, type_text, wait_for_screen

    monkeypatch.setenv("INBURGERING_EXPORTS_DIR", str(tmp_path / "exports"))
    case_id = _case(isolated, "ar", set_it=True)
    vault = Vault(isolated)
    app = make_app(vault, load_forms(default_forms_dir()), store=vault.unlock(PASSPHRASE))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "p")
        await wait_for_screen(pilot, PipScreen)
        await pilot.press("f7")
        await wait_for_screen(pilot, ExportPdfDialog)
        await type_text(pilot, "verkeerde-zin")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "kon niet worden gemaakt" in str(app.screen.query_one("#pdf-state").render())
        await type_text(pilot, KEYS)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Klaar" in str(app.screen.query_one("#pdf-state").render())
        assert app.screen.query_one("#pdf-progress", ProgressBar).progress == 1.0
    [path] = (tmp_path / "exports").glob("*.pdf")
    assert path.name == f"pip-{case_id[:8]}-v1.pdf"  # the case id, never a name
    assert run("verify", str(path)).returncode == 0
