"""The store never lies: a damaged store is refused with its reason, never taken for a new one.

Every kind of damage (store.db missing, empty, cut short at several sizes, bytes flipped at its
start, middle and end; keys.json missing, empty, not JSON, a field missing, a wrong salt, a
changed byte) is tried through three commands and the unlock screen. Each must refuse in one
sentence that says what is wrong and what to do, exit 1, print no traceback and no SQLCipher
log line, and leave every file of the data directory byte for byte as it was, with no new one.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from textual.widgets import Input

from inburgering_tui.domain.forms import Form
from inburgering_tui.store.vault import Vault
from inburgering_tui.tui.screens.case_list import CaseListScreen

from .conftest import PASSPHRASE
from .pilot import SIZE, make_app
from .store_probe import fingerprint, probe
from .test_tui_intake import unlock

Damage = Callable[[Path], None]
PAGE = 4096


def _cut(size: Callable[[int], int]) -> Damage:
    def damage(home: Path) -> None:
        db = home / "store.db"
        data = db.read_bytes()
        db.write_bytes(data[: size(len(data))])

    return damage


def _flip(where: Callable[[int], int]) -> Damage:
    def damage(home: Path) -> None:
        db = home / "store.db"
        data = bytearray(db.read_bytes())
        data[where(len(data))] ^= 0x5A
        db.write_bytes(bytes(data))

    return damage


def _edit_keys(edit: Callable[[dict[str, object]], None]) -> Damage:
    def damage(home: Path) -> None:
        path = home / "keys.json"
        document = json.loads(path.read_text(encoding="utf-8"))
        edit(document["wraps"]["passphrase"])
        path.write_text(json.dumps(document, indent=2), encoding="utf-8")

    return damage


def _remove(name: str) -> Damage:
    def damage(home: Path) -> None:
        (home / name).unlink()

    return damage


def _cut_keys(size: int) -> Damage:
    def damage(home: Path) -> None:
        path = home / "keys.json"
        path.write_bytes(path.read_bytes()[:size])

    return damage


def _no_salt(wrap: dict[str, object]) -> None:
    del wrap["salt"]


def _other_salt(wrap: dict[str, object]) -> None:
    wrap["salt"] = base64.b64encode(b"\x07" * 16).decode("ascii")


def _changed_key_byte(wrap: dict[str, object]) -> None:
    text = str(wrap["wrapped_key"])
    middle = len(text) // 2
    wrap["wrapped_key"] = text[:middle] + ("B" if text[middle] != "B" else "C") + text[middle + 1 :]


# name: (the damage, what the refusal must say)
DAMAGES: dict[str, tuple[Damage, str]] = {
    "store.db missing": (_remove("store.db"), "store.db ontbreekt"),
    "store.db empty": (_cut(lambda n: 0), "is leeg (0 bytes)"),
    "store.db cut to 1 byte": (_cut(lambda n: 1), "is afgekapt (1 bytes)"),
    "store.db cut to half a page": (_cut(lambda n: PAGE // 2), "is afgekapt (2048 bytes)"),
    "store.db cut to one page": (_cut(lambda n: PAGE), "is beschadigd"),
    "store.db cut to half": (_cut(lambda n: n // 2 // PAGE * PAGE + PAGE // 2), "is afgekapt"),
    "store.db cut to half, on a page": (_cut(lambda n: n // 2 // PAGE * PAGE), "is beschadigd"),
    "store.db flipped at the start": (_flip(lambda n: 40), "hoort niet bij deze sleutel"),
    "store.db flipped in the middle": (_flip(lambda n: n // 2), "is beschadigd: een deel"),
    "store.db flipped at the end": (_flip(lambda n: n - 1), "is beschadigd: een deel"),
    "keys.json missing": (_remove("keys.json"), "keys.json ontbreekt"),
    "keys.json empty": (_cut_keys(0), "geen geldige JSON"),
    "keys.json not JSON": (_cut_keys(90), "geen geldige JSON"),
    "keys.json without its salt": (_edit_keys(_no_salt), "het veld salt ontbreekt of klopt niet"),
    "keys.json with a wrong salt": (_edit_keys(_other_salt), "de controlesom klopt niet"),
    "keys.json with a changed byte": (
        _edit_keys(_changed_key_byte),
        "de controlesom klopt niet",
    ),
}
# Damage found without the passphrase: the unlock screen says it before asking for one.
BEFORE_THE_PASSPHRASE = {
    name for name in DAMAGES if "keys.json" in name or "missing" in name or "empty" in name
} | {"store.db cut to 1 byte", "store.db cut to half a page", "store.db cut to half"}

COMMANDS = [("cases", "list"), ("audit", "verify"), ("bundle", "status")]


@pytest.fixture(scope="module")
def good_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One good store for the module, with a case, answers and audit events; copied per test."""
    home = tmp_path_factory.mktemp("good") / "home"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("INBURGERING_KDF_MEMORY_KIB", "8192")
        store = Vault(home).create(PASSPHRASE, actor="test-consulent")
    for given, family in [("Ṣāliḥ", "Nasser-Aydın"), ("Mebrat (taalcafé)", "Tesfay")]:
        case = store.create_case(
            {"given_names": given, "family_name": family, "doelgroep": "asielstatushouder"}
        )
        store.save_answer(case.id, "brede-intake", 1, "opleiding", "opleiding_jaren", 11)
    store.close()
    assert sorted(p.name for p in home.iterdir()) == ["keys.json", "store.db"]
    assert (home / "store.db").stat().st_size >= 16 * PAGE, "big enough to cut in many places"
    return home


@pytest.fixture
def damaged(request: pytest.FixtureRequest, good_store: Path, isolated: Path) -> Iterator[str]:
    """The good store copied into this test's data directory, then damaged; yields the reason."""
    shutil.copytree(good_store, isolated)
    damage, reason = DAMAGES[request.param]
    damage(isolated)
    yield reason


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "INBURGERING_PASSPHRASE": PASSPHRASE, **env}
    return subprocess.run(
        [sys.executable, "-m", "inburgering_tui.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def assert_one_clear_line(result: subprocess.CompletedProcess[str], reason: str) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "ERROR CORE" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("inburgering: ") and reason in lines[0], lines[0]
    assert result.stdout == ""


@dataclass(frozen=True)
class Refused:
    said: subprocess.CompletedProcess[str]
    before: dict[str, str]
    after: dict[str, str]


@pytest.fixture(scope="module")
def refusals(
    good_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str, tuple[str, ...]], Refused]:
    """What each command did on a damage: the three commands of one damage run at once (each on
    its own damaged copy), the first time a test asks for that damage."""
    done: dict[str, dict[tuple[str, ...], Refused]] = {}

    def run_all(name: str) -> dict[tuple[str, ...], Refused]:
        homes = {}
        for command in COMMANDS:
            homes[command] = tmp_path_factory.mktemp("damaged") / "home"
            shutil.copytree(good_store, homes[command])
            DAMAGES[name][0](homes[command])
        before = {command: fingerprint(home) for command, home in homes.items()}
        with ThreadPoolExecutor(len(COMMANDS)) as pool:
            said = dict(
                zip(
                    COMMANDS,
                    pool.map(lambda c: run_cli(*c, INBURGERING_HOME=str(homes[c])), COMMANDS),
                    strict=True,
                )
            )
        return {c: Refused(said[c], before[c], fingerprint(homes[c])) for c in COMMANDS}

    def refused(name: str, command: tuple[str, ...]) -> Refused:
        if name not in done:
            done[name] = run_all(name)
        return done[name][command]

    return refused


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("name", list(DAMAGES))
def test_a_command_refuses_each_damage_and_changes_nothing(
    name: str, command: tuple[str, ...], refusals: Callable[[str, tuple[str, ...]], Refused]
) -> None:
    refused = refusals(name, command)
    assert_one_clear_line(refused.said, DAMAGES[name][1])
    assert "Er is niets" in refused.said.stderr
    assert "`inburgering restore BESTAND`" in refused.said.stderr
    assert refused.after == refused.before, "every file as it was, and no new one"


@pytest.mark.parametrize("damaged", list(DAMAGES), indirect=True)
async def test_the_unlock_screen_says_each_damage_and_offers_no_new_store(
    damaged: str, isolated: Path, request: pytest.FixtureRequest, capfd: pytest.CaptureFixture[str]
) -> None:
    name = request.node.callspec.params["damaged"]
    before = fingerprint(isolated)
    shown = await probe(isolated, PASSPHRASE)
    assert shown.screen == "UnlockScreen" and not shown.busy
    assert not shown.offers_create, "a damaged store is never taken for a new one"
    if name in BEFORE_THE_PASSPHRASE:
        # Said at once, with no passphrase field to type into: only Enter (look again) and quit.
        assert shown.title == "De opslag kan niet worden geopend"
        assert damaged in shown.text and "inburgering restore BESTAND" in shown.text
        assert not shown.asks_passphrase
    else:
        assert shown.asks_passphrase
        assert damaged in shown.error and "inburgering restore BESTAND" in shown.error
        assert shown.passphrase_usable, "ready for another try"
    assert fingerprint(isolated) == before
    assert "ERROR CORE" not in capfd.readouterr().err, "SQLCipher's log never prints over the TUI"


async def test_the_unlock_screen_looks_again_after_a_backup_is_put_back(
    good_store: Path, isolated: Path, forms: dict[str, Form]
) -> None:
    shutil.copytree(good_store, isolated)
    keys = (isolated / "keys.json").read_bytes()
    (isolated / "keys.json").unlink()
    app = make_app(Vault(isolated), forms)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert str(app.screen.query_one("#unlock-title").render()) == (
            "De opslag kan niet worden geopend"
        )
        await pilot.press("enter")  # looks again: still missing, still refused
        await pilot.pause()
        assert not app.screen.query("#passphrase")
        (isolated / "keys.json").write_bytes(keys)  # put back, e.g. from another terminal
        await pilot.press("enter")
        await pilot.pause()
        assert str(app.screen.query_one("#unlock-title").render()) == "Opslag ontgrendelen"
        assert app.screen.query_one("#passphrase", Input).has_focus
        await unlock(pilot)
        assert isinstance(app.screen, CaseListScreen)


# -- a fresh data directory --------------------------------------------------------------------

READ_ONLY_COMMANDS = [
    ("cases", "list"),
    ("audit", "verify"),
    ("bundle", "status"),
    ("follow", "--lang", "ar"),
    ("attachments", "list", "0a1b"),
    ("intake-report", "0a1b"),
    ("pdf", "0a1b"),
    ("backup", "kopie.zip"),
    ("passphrase",),
]


def test_on_a_fresh_data_directory_commands_create_nothing(tmp_path: Path) -> None:
    homes = [tmp_path / f"fresh-{number}" / "home" for number in range(len(READ_ONLY_COMMANDS))]

    def run(number: int) -> subprocess.CompletedProcess[str]:
        return run_cli(
            *READ_ONLY_COMMANDS[number],
            INBURGERING_HOME=str(homes[number]),
            INBURGERING_KEY_PASSPHRASE="sleutel-wachtwoordzin",
        )

    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(run, range(len(READ_ONLY_COMMANDS))))
    for command, home, result in zip(READ_ONLY_COMMANDS, homes, results, strict=True):
        assert_one_clear_line(result, f"Hier is nog geen opslag ({home})")
        assert "start `inburgering` om er een aan te maken" in result.stderr, command
        assert not home.exists(), f"{command}: no data directory, no key file, no database"


def test_an_empty_data_directory_stays_empty(isolated: Path) -> None:
    isolated.mkdir()
    assert_one_clear_line(run_cli("cases", "list"), "Hier is nog geen opslag")
    assert list(isolated.iterdir()) == []
    english = run_cli("cases", "list", INBURGERING_UI_LANGUAGE="en")
    assert english.returncode == 1 and "Traceback" not in english.stderr
    assert list(isolated.iterdir()) == []


async def test_the_first_start_alone_creates_and_only_where_nothing_is(
    isolated: Path,
) -> None:
    shown = await probe(isolated, PASSPHRASE)
    assert shown.offers_create and shown.screen == "CaseListScreen"
    # The store, its key file, and the running app's instance lock (a pid and a time).
    assert sorted(p.name for p in isolated.iterdir()) == ["keys.json", "store.db", "store.lock"]
    # The demo set-up creates where there is nothing; here it opens what is there.
    assert run_cli("demo", "--no-ui", "--cases", "1").returncode == 0
    # The store, its key file, and the running app's instance lock (a pid and a time).
    assert sorted(p.name for p in isolated.iterdir()) == ["keys.json", "store.db", "store.lock"]


# -- restore puts a damaged store right and loses nothing --------------------------------------


@pytest.mark.parametrize(
    "damaged",
    ["store.db flipped in the middle", "store.db missing", "keys.json not JSON"],
    indirect=True,
)
def test_restore_replaces_damage_and_keeps_the_damaged_files(
    damaged: str, isolated: Path, good_store: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    name = request.node.callspec.params["damaged"]
    backup = tmp_path / "kopie.zip"
    assert run_cli("backup", str(backup), INBURGERING_HOME=str(good_store)).returncode == 0
    damaged_files = fingerprint(isolated)
    result = run_cli("restore", str(backup))
    assert result.returncode == 0, result.stderr
    [kept] = [p for p in isolated.iterdir() if p.name.startswith("damaged-")]
    assert str(kept) in result.stdout
    if name == "keys.json not JSON":
        # The database was whole: only keys.json came back; the database stayed as it was.
        assert "keys.json restored" in result.stdout
        assert fingerprint(kept) == {"keys.json": damaged_files["keys.json"]}
        assert fingerprint(isolated)["store.db"] == damaged_files["store.db"]
    else:
        assert fingerprint(kept) == damaged_files, "every damaged file kept, none lost"
    listed = run_cli("cases", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert {c["family_name"] for c in json.loads(listed.stdout)} == {"Nasser-Aydın", "Tesfay"}


def test_a_damaged_passphrase_wrap_is_recovered_with_the_back_office_key(isolated: Path) -> None:
    """With a recovery wrap beside it, the refusal names `recover --key`, and that mends it."""
    from .test_keys import KEY_PASSPHRASE, _init

    _init(isolated)
    _edit_keys(_other_salt)(isolated)
    refused = run_cli("cases", "list")
    assert_one_clear_line(refused, "de controlesom klopt niet")
    assert "`inburgering recover --key BESTAND.p12`" in refused.stderr
    recovered = run_cli(
        "recover",
        "--key",
        str(isolated / "pki" / "backoffice.p12"),
        INBURGERING_KEY_PASSPHRASE=KEY_PASSPHRASE,
        INBURGERING_NEW_PASSPHRASE="een-nieuwe-wachtwoordzin",
    )
    assert recovered.returncode == 0, recovered.stderr
    listed = run_cli("cases", "list", "--json", INBURGERING_PASSPHRASE="een-nieuwe-wachtwoordzin")
    assert [c["family_name"] for c in json.loads(listed.stdout)] == ["Steld"]


def test_recovery_never_rewrites_keys_for_a_damaged_database(isolated: Path) -> None:
    from .test_keys import KEY_PASSPHRASE, _init

    _init(isolated)
    _flip(lambda n: n // 2)(isolated)
    before = fingerprint(isolated)
    refused = run_cli(
        "recover",
        "--key",
        str(isolated / "pki" / "backoffice.p12"),
        INBURGERING_KEY_PASSPHRASE=KEY_PASSPHRASE,
        INBURGERING_NEW_PASSPHRASE="een-nieuwe-wachtwoordzin",
    )
    assert_one_clear_line(refused, "is beschadigd: een deel")
    assert fingerprint(isolated) == before
