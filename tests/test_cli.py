"""The non-interactive commands, run as a script would run them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from inburgering_tui.store.pip_repository import PipStore
from inburgering_tui.store.vault import Vault

from .conftest import PASSPHRASE


def run(
    *args: str, passphrase: str | None = PASSPHRASE, **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **env}
    if passphrase is not None:
        environment["INBURGERING_PASSPHRASE"] = passphrase
    return subprocess.run(
        [sys.executable, "-m", "inburgering_tui.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def test_demo_fills_the_store_at_every_stage_and_cases_list_reports_it(isolated: Path) -> None:
    result = run("demo", "--cases", "10", "--no-ui")
    assert result.returncode == 0, result.stderr
    listed = run("cases", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    cases = json.loads(listed.stdout)
    assert len(cases) == 10
    assert {"id", "given_names", "family_name", "doelgroep", "koppelingsdatum", "intake"} <= set(
        cases[0]
    )
    progress = sorted(c["intake"]["domains_done"] / c["intake"]["domains_total"] for c in cases)
    assert progress[0] == 0, "some cases are new"
    assert progress[-1] == 1, "some intakes are done"
    assert any(0 < p < 1 for p in progress), "some intakes are partly done"
    store = Vault(isolated).unlock(PASSPHRASE)
    assert store.count_cases() == 10
    pips = PipStore(store)
    statuses = sorted(v.status for c in store.list_cases() for v in pips.versions(c.id))
    assert statuses == ["draft", "draft", "set", "set"], "PIP drafted and PIP set stages"
    for case in store.list_cases():
        for version in pips.versions(case.id):
            if version.status == "set":
                assert version.agreement and version.dagtekening
    by_id = {c["id"]: c for c in cases}
    set_cases = [c for c in store.list_cases() if pips.latest_set(c.id)]
    for case in set_cases:
        t6 = next(d for d in by_id[case.id]["deadlines"] if d["rule"] == "T6")
        assert t6["status"] in ("due", "overdue") and t6["due"]
    store.close()


def test_same_seed_same_demo_cases(tmp_path: Path) -> None:
    names = []
    for run_number in range(2):
        home = tmp_path / f"h{run_number}"
        assert (
            run(
                "demo", "--cases", "4", "--no-ui", "--seed", "7", INBURGERING_HOME=str(home)
            ).returncode
            == 0
        )
        listed = run("cases", "list", "--json", INBURGERING_HOME=str(home))
        names.append(
            sorted((c["given_names"], c["family_name"]) for c in json.loads(listed.stdout))
        )
    assert names[0] == names[1]


def test_wrong_passphrase_exits_non_zero_and_says_why(isolated: Path) -> None:
    Vault(isolated).create(PASSPHRASE).close()
    result = run("cases", "list", passphrase="niet-deze-zin")
    assert result.returncode == 2
    assert result.stderr == "inburgering: Deze wachtwoordzin klopt niet. Er is niets veranderd.\n"
    english = run("cases", "list", passphrase="niet-deze-zin", INBURGERING_UI_LANGUAGE="en")
    assert "This passphrase is not correct. Nothing has been changed." in english.stderr


def test_no_passphrase_and_no_terminal_is_a_clear_error(isolated: Path) -> None:
    Vault(isolated).create(PASSPHRASE).close()
    result = run("cases", "list", passphrase=None)
    assert result.returncode == 2
    assert "INBURGERING_PASSPHRASE" in result.stderr


def test_a_broken_form_stops_start_up_with_file_and_line(tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    forms.mkdir()
    (forms / "kapot.toml").write_text(
        '[form]\nid = "brede-intake"\nversion = "een"\ntitle = "x"\n'
        '[[sections]]\nid = "a"\ntitle = "A"\n'
        '[[sections.questions]]\nid = "q"\ntype = "text"\nprompt = "p"\n'
    )
    result = run("forms", INBURGERING_FORMS_DIR=str(forms))
    assert result.returncode == 2
    assert f"{forms / 'kapot.toml'}:1:" in result.stderr
    assert "version" in result.stderr


def test_passphrase_change_from_the_command_line(isolated: Path) -> None:
    Vault(isolated).create(PASSPHRASE).close()
    result = run("passphrase", INBURGERING_NEW_PASSPHRASE="nog-een-andere-zin")
    assert result.returncode == 0, result.stderr
    assert run("cases", "list", passphrase="nog-een-andere-zin").returncode == 0
