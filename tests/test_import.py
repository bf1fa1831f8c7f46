"""Koppelingen import: good rows once, every bad row reported with its number and reason."""

from __future__ import annotations

import json
from pathlib import Path

from inburgering_tui.store.vault import Vault

from .conftest import PASSPHRASE
from .test_cli import run

CSV = """given_names;family_name;date_of_birth;doelgroep;v_nummer;bsn;koppelingsdatum;languages
Ayla;Eerstrij;01-02-1990;asielstatushouder;1000000001;;01-10-2026;"ar,en"
Bram;Tweederij;31-02-1990;asielstatushouder;1000000002;;;ti
Cato;Derderij;1985-05-05;gezinsmigrant;;123456789;;fa
Dirk;Vierderij;1980-01-01;asielstatushouder;1000000001;;;ar
;Vijfderij;1980-01-01;onbekend;1000000005;;;ar
Eva;Zesderij;1992-07-07;overige_migrant;1000000006;111222333;;tr
"""


def test_csv_import_takes_good_rows_once_and_reports_bad_rows(
    isolated: Path, tmp_path: Path
) -> None:
    Vault(isolated).create(PASSPHRASE).close()
    source = tmp_path / "koppelingen-week-47.csv"
    source.write_text(CSV, encoding="utf-8")

    first = run("cases", "import", str(source))
    assert first.returncode == 1  # some rows were refused
    assert "2 imported, 4 rejected" in first.stdout
    errors = first.stderr.splitlines()
    assert any(
        line.startswith("row 2: rejected: date_of_birth: Deze datum bestaat niet.")
        for line in errors
    )
    assert any(line.startswith("row 3: rejected: bsn:") and "elfproef" in line for line in errors)
    assert any(
        line.startswith("row 4: rejected: v_nummer:") and "al geregistreerd" in line
        for line in errors
    )
    row5 = next(line for line in errors if line.startswith("row 5:"))
    assert "doelgroep" in row5 and "given_names" in row5

    second = run("cases", "import", str(source))
    assert "0 imported, 6 rejected" in second.stdout

    store = Vault(isolated).unlock(PASSPHRASE)
    cases = {c.family_name: c for c in store.list_cases()}
    assert set(cases) == {"Eerstrij", "Zesderij"}
    assert cases["Eerstrij"].languages == ["ar", "en"]
    assert str(cases["Eerstrij"].koppelingsdatum) == "2026-10-01"
    imports = [e for e in store.audit_events() if e.action == "case.import"]
    assert len(imports) == 2 and imports[0].subject == "koppelingen-week-47.csv"
    store.close()


def test_json_import_and_file_level_errors(isolated: Path, tmp_path: Path) -> None:
    Vault(isolated).create(PASSPHRASE).close()
    source = tmp_path / "koppelingen.json"
    source.write_text(
        json.dumps(
            [
                {
                    "given_names": "Fem",
                    "family_name": "Json",
                    "doelgroep": "gezinsmigrant",
                    "bsn": "111222333",
                }
            ]
        ),
        encoding="utf-8",
    )
    assert "1 imported, 0 rejected" in run("cases", "import", str(source)).stdout
    broken = tmp_path / "kapot.json"
    broken.write_text('[{"given_names": "x",', encoding="utf-8")
    result = run("cases", "import", str(broken))
    assert result.returncode == 2 and "not valid JSON (line 1)" in result.stderr
    odd = tmp_path / "vreemd.csv"
    odd.write_text("naam,geboren\nx,y\n", encoding="utf-8")
    result = run("cases", "import", str(odd))
    assert result.returncode == 2 and "must name the columns" in result.stderr


LANGUAGES_CSV = """given_names;family_name;doelgroep;v_nummer;languages
Ṣāliḥ;Nasser-Aydın;asielstatushouder;2000000001;"Arabisch, Dari"
Mebrat;Tesfay;asielstatushouder;2000000002;"Tigrinya; ti"
Yonas;Klingon;asielstatushouder;2000000003;tlh
Amal;Berbers;gezinsmigrant;2000000004;"ar, Berbers"
"""


def test_import_reads_language_names_as_codes_and_refuses_unknown_ones_by_row(
    isolated: Path, tmp_path: Path
) -> None:
    Vault(isolated).create(PASSPHRASE).close()
    source = tmp_path / "koppelingen-talen.csv"
    source.write_text(LANGUAGES_CSV, encoding="utf-8")
    result = run("cases", "import", str(source))
    assert result.returncode == 1
    assert "2 imported, 2 rejected" in result.stdout
    errors = result.stderr.splitlines()
    row3 = next(line for line in errors if line.startswith("row 3:"))
    assert "languages: Onbekende taal: tlh." in row3
    row4 = next(line for line in errors if line.startswith("row 4:"))
    # "Berbers" names several languages: refused, never guessed.
    assert "languages: Onbekende taal: Berbers." in row4
    store = Vault(isolated).unlock(PASSPHRASE)
    cases = {c.family_name: c for c in store.list_cases()}
    assert set(cases) == {"Nasser-Aydın", "Tesfay"}
    assert cases["Nasser-Aydın"].languages == ["ar", "prs"]
    assert cases["Tesfay"].languages == ["ti"]  # a name and its code: one language
    store.close()
