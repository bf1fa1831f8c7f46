"""A second window on a store that another process holds: it shows everything, writes nothing.

The other window is a real process (tests/store_holder.py holding the instance lock and an
open store, or the app itself in tmux); this one is driven by keys. Afterwards the store's
files are byte for byte what they were.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Label, Static

from inburgering_tui.domain.forms import Form
from inburgering_tui.store.busy import StoreReadOnly
from inburgering_tui.store.instance_lock import LOCK_NAME
from inburgering_tui.store.vault import Vault
from inburgering_tui.tui.app import InburgeringApp
from inburgering_tui.tui.screens.case import CaseScreen
from inburgering_tui.tui.screens.case_list import CaseListScreen
from inburgering_tui.tui.screens.intake import IntakeScreen

from .conftest import PASSPHRASE
from .pilot import SIZE, make_app
from .store_holder import OtherProcess, store_files
from .test_tui_intake import unlock

FORM = "brede-intake"
BANNER = "Alleen lezen: de opslag is in gebruik door een ander venster (pid {pid})"
REFUSED = "Alleen lezen: wijzigen kan alleen in het venster dat de opslag als eerste opende."


def _case_with_answers(vault: Vault) -> str:
    store = vault.create(PASSPHRASE, actor="test-consulent")
    case = store.create_case(
        {"given_names": "Ṣāliḥ", "family_name": "Nasser-Aydın", "doelgroep": "asielstatushouder"}
    )
    store.save_answer(case.id, FORM, 1, "procedure", "proc_alleen_verteld", True)
    store.save_answer(case.id, FORM, 1, "procedure", "proc_aanwezig", ["niemand"])
    store.set_position(case.id, FORM, "proc_aanwezig")
    store.close()
    return case.id


def _banner(app: InburgeringApp) -> str:
    return str(app.screen.query_one("#read-only-banner", Static).render())


def _intake(app: InburgeringApp) -> IntakeScreen:
    screen = app.screen
    assert isinstance(screen, IntakeScreen), type(screen).__name__
    return screen


def _question(screen: IntakeScreen) -> str:
    assert screen.question is not None
    return screen.question.id


def _enabled(app: InburgeringApp, action: str) -> bool:
    return any(
        active.enabled for active in app.screen.active_bindings.values()
        if active.binding.action == action
    )  # fmt: skip


async def test_a_second_window_shows_the_answers_and_writes_nothing(
    vault: Vault, forms: dict[str, Form]
) -> None:
    case_id = _case_with_answers(vault)
    with OtherProcess(vault.home, PASSPHRASE, "window") as window:
        before = store_files(vault.home)
        app = make_app(vault, forms)
        async with app.run_test(size=SIZE) as pilot:
            await unlock(pilot)
            assert app.read_only and isinstance(app.screen, CaseListScreen)
            assert _banner(app) == BANNER.format(pid=window.pid)
            assert not _enabled(app, "new_case") and not _enabled(app, "export_bundle")
            await pilot.press("n")  # a new case would be written: nothing opens
            await pilot.pause()
            assert isinstance(app.screen, CaseListScreen)

            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, CaseScreen)
            assert _banner(app) == BANNER.format(pid=window.pid)
            for key, action in (("e", "edit"), ("h", "add_member"), ("p", "pip")):
                assert not _enabled(app, action)
                await pilot.press(key)
                await pilot.pause()
                assert isinstance(app.screen, CaseScreen), action

            await pilot.press("i")  # reading the intake is allowed
            await pilot.pause()
            screen = _intake(app)
            assert _banner(app) == BANNER.format(pid=window.pid)
            assert _question(screen) == "proc_aanwezig"
            answer = screen.walk.answer_for("proc_aanwezig")
            assert answer is not None and answer.value == ["niemand"]
            assert screen._answer_widget is not None and screen._answer_widget.disabled
            await pilot.press("2")  # "partner": refused, with the reason
            await pilot.pause()
            error = screen.query_one("#answer-error", Label)
            assert str(error.render()).startswith(REFUSED)
            assert not _enabled(app, "dont_know") and not _enabled(app, "note")
            await pilot.press("f3", "f4", "ctrl+n")
            await pilot.pause()
            assert _intake(app) is screen  # no dialog opened
            await pilot.press("pageup")  # walking through the answers is reading
            await pilot.pause()
            assert _question(screen) == "proc_alleen_verteld"
            # Behind the greyed keys SQLite itself refuses: the store is opened read-only.
            with pytest.raises(StoreReadOnly):
                app.require_store().set_position(case_id, FORM, "proc_alleen_verteld")
            await pilot.press("escape", "escape")
            await pilot.pause()
            assert isinstance(app.screen, CaseListScreen)
        assert store_files(vault.home) == before  # not a byte written
        window.let_go()

    store = vault.unlock(PASSPHRASE)
    answers = store.answers(case_id, FORM)
    assert {q: a.value for q, a in answers.items()} == {
        "proc_alleen_verteld": True,
        "proc_aanwezig": ["niemand"],
    }
    assert store.position(case_id, FORM) == "proc_aanwezig"
    assert store.count_cases() == 1
    store.close()


async def test_once_the_other_window_has_closed_the_next_one_writes(
    vault: Vault, forms: dict[str, Form]
) -> None:
    case_id = _case_with_answers(vault)
    with OtherProcess(vault.home, PASSPHRASE, "window") as window:
        window.let_go()
    app = make_app(vault, forms)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        assert not app.read_only and not app.screen.query("#read-only-banner")
        assert (vault.home / LOCK_NAME).read_text().startswith(f"pid {os.getpid()}\n")
        await pilot.press("enter", "i")
        await pilot.pause()
        assert isinstance(app.screen, IntakeScreen)
        await pilot.press("2", "enter")  # partner, as well as niemand: saved
        await pilot.pause()
    store = vault.unlock(PASSPHRASE)
    assert store.answers(case_id, FORM)["proc_aanwezig"].value == ["niemand", "partner"]
    store.close()
    assert (vault.home / LOCK_NAME).read_text() == ""  # released when the app closed


# -- two real windows, in a real terminal -------------------------------------------------------


@pytest.fixture
def tmux() -> Iterator[list[str]]:
    assert shutil.which("tmux"), "tmux is installed by scripts/install-system-packages"
    base = ["tmux", "-L", f"inburgering-lock-{uuid.uuid4().hex[:8]}"]
    yield base
    subprocess.run([*base, "kill-server"], capture_output=True)


def _screen(tmux: list[str], window: str) -> str:
    return subprocess.run(
        [*tmux, "capture-pane", "-p", "-t", window], capture_output=True, text=True
    ).stdout


def _wait_for(tmux: list[str], window: str, text: str, seconds: float = 30) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        screen = _screen(tmux, window)
        if text in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared; {window} shows:\n{_screen(tmux, window)}")


def _keys(tmux: list[str], window: str, *keys: str) -> None:
    subprocess.run([*tmux, "send-keys", "-t", window, *keys], check=True)


def _start(tmux: list[str], window: str) -> None:
    names = ("INBURGERING_HOME", "INBURGERING_CONFIG", "INBURGERING_KDF_MEMORY_KIB")
    env = " ".join(f"{name}={shlex.quote(os.environ[name])}" for name in names)
    command = (
        f"env {env} INBURGERING_PASSPHRASE={shlex.quote(PASSPHRASE)} "
        f"{shlex.quote(sys.executable)} -m inburgering_tui.cli"
    )
    subprocess.run(
        [*tmux, "new-session", "-d", "-s", window, "-x", "120", "-y", "40", command], check=True
    )


def _quit(tmux: list[str], window: str) -> None:
    _keys(tmux, window, "C-q")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if subprocess.run([*tmux, "has-session", "-t", window], capture_output=True).returncode:
            return
        time.sleep(0.2)
    raise AssertionError(f"{window} did not quit on Ctrl+Q")


def test_two_app_windows_on_one_store_in_a_real_terminal(
    vault: Vault, tmux: list[str], isolated: Path
) -> None:
    case_id = _case_with_answers(vault)
    _start(tmux, "first")
    first = _wait_for(tmux, "first", "Nasser-Aydın")
    assert "Alleen lezen" not in first
    pid = (vault.home / LOCK_NAME).read_text().splitlines()[0].removeprefix("pid ")
    before = store_files(vault.home)

    _start(tmux, "second")
    _wait_for(tmux, "second", BANNER.format(pid=pid))
    _keys(tmux, "second", "n")  # no new-case form opens
    _keys(tmux, "second", "Enter")
    _wait_for(tmux, "second", "Brede intake:")
    _keys(tmux, "second", "i")
    _wait_for(tmux, "second", "Wie is er verder bij dit gesprek?")
    _keys(tmux, "second", "2")
    screen = _wait_for(tmux, "second", "Alleen lezen: wijzigen kan alleen")
    assert BANNER.format(pid=pid) in screen
    _quit(tmux, "second")
    assert store_files(vault.home) == before  # the second window wrote nothing

    assert "Alleen lezen" not in _screen(tmux, "first")
    _quit(tmux, "first")
    store = vault.unlock(PASSPHRASE)
    assert store.answers(case_id, FORM)["proc_aanwezig"].value == ["niemand"]
    assert store.position(case_id, FORM) == "proc_aanwezig"
    store.close()
