"""A write the disk refuses mid-intake is never shown as saved: the question says "niet
opgeslagen" and why, the typed answer stays on screen, and the next Enter (or PgDn) saves it once
the fault is gone. Real faults on real file systems: a full tmpfs, a folder remounted read-only,
an ext4 file made immutable. A crash says which answer was not saved, and fails the command."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Label, Static

from inburgering_tui import cli
from inburgering_tui.domain.forms import AnswerType, Form, Question
from inburgering_tui.store.repository import Store
from inburgering_tui.store.vault import Vault
from inburgering_tui.tui.app import InburgeringApp
from inburgering_tui.tui.screens.case import CaseScreen
from inburgering_tui.tui.screens.case_list import CaseListScreen
from inburgering_tui.tui.screens.intake import IntakeScreen
from inburgering_tui.tui.widgets.domains import DomainSidebar
from inburgering_tui.tui.widgets.questions import LongTextAnswer, TextAnswer

from .conftest import PASSPHRASE
from .pilot import SIZE, make_app, shown_question, type_text

ANSWER = "Tigrinya (ትግርኛ) en Arabisch; taalcafé Nasser-Aydın"


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False)


def _needs_root() -> None:
    if os.geteuid() != 0:
        pytest.skip("mounting a file system needs root; these tests run as root in CI")


def _unmount(path: Path) -> None:
    if _run("umount", str(path)).returncode != 0:
        _run("umount", "-l", str(path))  # something still holds it: detach it all the same


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 16 MiB tmpfs of its own: a real file system that really fills up."""
    _needs_root()
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = _run("mount", "-t", "tmpfs", "-o", "size=16m,mode=0700", "tmpfs", str(disk))
    if mounted.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here: {mounted.stderr.strip()}")
    yield disk
    _unmount(disk)


def fill(disk: Path) -> Path:
    """Write a ballast file until the file system has not one byte left."""
    ballast = disk / "ballast"
    fd = os.open(ballast, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (1 << 20, 1 << 12, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass  # ENOSPC: on with smaller pieces
    finally:
        os.close(fd)
    assert os.statvfs(disk).f_bavail == 0
    return ballast


def _text(screen: IntakeScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def _sidebar(screen: IntakeScreen) -> list[str]:
    sidebar = screen.query_one(DomainSidebar)
    return [str(sidebar.get_option_at_index(i).prompt) for i in range(sidebar.option_count)]


def _typed(screen: IntakeScreen) -> object:
    [widget] = screen.query_one("#answer-slot").children
    assert isinstance(widget, TextAnswer | LongTextAnswer)
    return widget.raw


async def open_intake(pilot: Pilot[None]) -> IntakeScreen:
    await pilot.pause()
    assert isinstance(pilot.app.screen, CaseListScreen)
    await pilot.press("enter")  # the one case
    await pilot.pause()
    assert isinstance(pilot.app.screen, CaseScreen)
    await pilot.press("i")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, IntakeScreen)
    return screen


async def first_text_question(
    pilot: Pilot[None], screen: IntakeScreen, *, multiline: bool
) -> Question:
    """Ctrl+Down, domain by domain, to a domain that opens with a typed text question."""
    for _ in range(30):
        question = shown_question(screen)
        if question.type == AnswerType.TEXT and question.multiline == multiline:
            return question
        await pilot.press("ctrl+down")
        await pilot.pause()
    raise AssertionError("no domain opens with such a question")


def _case_store(home: Path) -> tuple[Vault, Store, str]:
    vault = Vault(home)
    store = vault.create(PASSPHRASE, actor="consulent-a")
    case = store.create_case(
        {"given_names": "Ṣāliḥ", "family_name": "Nasser-Aydın", "doelgroep": "asielstatushouder"}
    )
    return vault, store, case.id


async def answer_through_a_fault(
    pilot: Pilot[None],
    store: Store,
    case_id: str,
    form: Form,
    *,
    break_it: Callable[[], None],
    mend: Callable[[], None],
    reason: str,
    then: str | None = None,
    multiline: bool = False,
) -> None:
    """Type an answer while the store cannot be written, confirm it: not saved, and said so,
    the answer still on screen; mend the fault, confirm again: saved."""
    screen = await open_intake(pilot)
    question = await first_text_question(pilot, screen, multiline=multiline)
    confirm = "pagedown" if multiline else "enter"
    sidebar = _sidebar(screen)
    break_it()
    await type_text(pilot, ANSWER)
    # A second try while the fault lasts fails just as honestly (with ``then`` as the reason,
    # when SQLite sees the fault otherwise the second time).
    for expected in (reason, then or reason):
        await pilot.press(confirm)
        await pilot.pause()
        assert pilot.app.is_running and pilot.app.screen is screen
        assert shown_question(screen) is question  # it stays on the question
        state = _text(screen, "#save-state")
        assert "niet opgeslagen" in state.lower() and expected in state, state
        assert "✔" not in state and "Opgeslagen" not in state
        assert "Enter" in str(screen.query_one("#answer-error", Label).render())
        assert _typed(screen) == ANSWER  # kept, never reloaded from the store
        assert _sidebar(screen) == sidebar  # the domain did not get an answer either
        assert question.id not in store.answers(case_id, form.id)
        assert screen.has_unsaved_answer()
    mend()
    await pilot.press(confirm)
    await pilot.pause()
    assert shown_question(screen) is not question  # saved, so on to the next question
    assert store.answers(case_id, form.id)[question.id].value == ANSWER
    assert _sidebar(screen) != sidebar  # the domain now counts it
    assert not screen.has_unsaved_answer()


async def test_a_full_disk_mid_intake_shows_not_saved_keeps_the_answer_and_saves_it_later(
    small_disk: Path, forms: dict[str, Form], intake_form: Form
) -> None:
    vault, store, case_id = _case_store(small_disk / "home")
    ballast: list[Path] = []
    app = make_app(vault, forms, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await answer_through_a_fault(
            pilot,
            store,
            case_id,
            intake_form,
            break_it=lambda: ballast.append(fill(small_disk)),
            mend=lambda: ballast.pop().unlink(),
            reason="De schijf is vol",
        )
    store.close()
    reopened = Vault(small_disk / "home").unlock(PASSPHRASE)
    assert ANSWER in [answer.value for answer in reopened.answers(case_id, intake_form.id).values()]
    reopened.close()


@pytest.fixture
def bind_mounted(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """A folder and a second view of it (a bind mount) that can be made read-only on its own."""
    _needs_root()
    real, view = tmp_path / "real", tmp_path / "view"
    real.mkdir()
    view.mkdir()
    mounted = _run("mount", "--bind", str(real), str(view))
    if mounted.returncode != 0:
        pytest.skip(f"bind mounts are not permitted here: {mounted.stderr.strip()}")
    yield real, view
    _unmount(view)


KEEPER = """
import sys
from pathlib import Path
from inburgering_tui.store.vault import Vault
store = Vault(Path(sys.argv[1])).unlock(sys.argv[2], read_only=True)
store.list_cases()
print("open", flush=True)
sys.stdin.read()
store.close()
"""


async def test_a_store_that_turns_read_only_mid_intake_is_never_shown_as_saved(
    bind_mounted: tuple[Path, Path], forms: dict[str, Form], intake_form: Form
) -> None:
    """The app works on the store through a folder that is remounted read-only under it. The
    interpreter's follow view (another process, read-only) keeps the store open meanwhile, as in
    an interview: SQLite then opens the store read-only, and every write says so."""
    real, view = bind_mounted
    vault, store, case_id = _case_store(view)
    follow = subprocess.Popen(
        [sys.executable, "-c", KEEPER, str(real), PASSPHRASE],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert follow.stdout is not None and follow.stdin is not None
    assert follow.stdout.readline().strip() == "open"

    def read_only() -> None:
        # The idle connections close (as a pool recycles them), so the folder can be remounted.
        store.engine.dispose()
        remounted = _run("mount", "-o", "remount,bind,ro", str(view))
        assert remounted.returncode == 0, remounted.stderr

    def writable() -> None:
        remounted = _run("mount", "-o", "remount,bind,rw", str(view))
        assert remounted.returncode == 0, remounted.stderr

    try:
        app = make_app(vault, forms, store=store)
        async with app.run_test(size=SIZE) as pilot:
            await answer_through_a_fault(
                pilot,
                store,
                case_id,
                intake_form,
                break_it=read_only,
                mend=writable,
                reason="alleen-lezen",
                multiline=True,
            )
    finally:
        _run("mount", "-o", "remount,bind,rw", str(view))
        follow.stdin.close()
        follow.wait(timeout=30)
        store.close()


@pytest.fixture
def ext4_disk(tmp_path: Path) -> Iterator[Path]:
    """A 32 MiB ext4 file system on a loop device: one that knows immutable files."""
    _needs_root()
    image, disk = tmp_path / "disk.img", tmp_path / "ext4"
    disk.mkdir()
    with image.open("wb") as handle:
        handle.truncate(32 * 1024 * 1024)
    made = _run("mkfs.ext4", "-q", str(image))
    if made.returncode != 0:
        pytest.skip(f"mkfs.ext4 is not available: {made.stderr.strip()}")
    mounted = _run("mount", "-o", "loop", str(image), str(disk))
    if mounted.returncode != 0:
        pytest.skip(f"loop mounts are not permitted here: {mounted.stderr.strip()}")
    yield disk
    _unmount(disk)


async def test_an_io_error_mid_intake_is_shown_as_not_saved(
    ext4_disk: Path, forms: dict[str, Form], intake_form: Form
) -> None:
    """The store's write-ahead log made immutable while open: the kernel refuses each write."""
    vault, store, case_id = _case_store(ext4_disk / "home")
    wal = ext4_disk / "home" / "store.db-wal"

    def immutable() -> None:
        assert wal.exists()
        assert _run("chattr", "+i", str(wal)).returncode == 0

    try:
        app = make_app(vault, forms, store=store)
        async with app.run_test(size=SIZE) as pilot:
            await answer_through_a_fault(
                pilot,
                store,
                case_id,
                intake_form,
                break_it=immutable,
                mend=lambda: _run("chattr", "-i", str(wal)).check_returncode(),
                reason="I/O-fout",
                # Opened anew after the I/O error, SQLite finds the log not writable.
                then="alleen-lezen",
            )
    finally:
        _run("chattr", "-i", str(wal))
        store.close()


async def test_a_crash_after_a_refused_write_says_the_last_answer_was_not_saved(
    small_disk: Path, forms: dict[str, Form], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: IntakeScreen) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(IntakeScreen, "action_find", broken)
    vault, store, _case_id = _case_store(small_disk / "home")
    app = make_app(vault, forms, store=store)
    printed = Console(record=True, width=200, file=io.StringIO())
    app.error_console = printed
    with pytest.raises(RuntimeError):
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_intake(pilot)
            await first_text_question(pilot, screen, multiline=False)
            ballast = fill(small_disk)
            await type_text(pilot, ANSWER)
            await pilot.press("enter")
            await pilot.pause()
            assert "niet opgeslagen" in _text(screen, "#save-state").lower()
            ballast.unlink()
            await pilot.press("ctrl+f")  # the bug, before the answer was tried again
            await pilot.pause()
    store.close()
    assert app.return_code == 1
    report = printed.export_text()
    assert "RuntimeError" in report
    assert "NIET opgeslagen" in report and "Alle antwoorden" not in report
    assert ANSWER not in report and "Nasser" not in report


async def test_a_crash_with_every_answer_saved_says_so(
    vault: Vault, forms: dict[str, Form], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: IntakeScreen) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(IntakeScreen, "action_find", broken)
    store = vault.create(PASSPHRASE)
    store.create_case(
        {"given_names": "Aster", "family_name": "Gebre", "doelgroep": "gezinsmigrant"}
    )
    app = make_app(vault, forms, store=store)
    printed = Console(record=True, width=200, file=io.StringIO())
    app.error_console = printed
    with pytest.raises(RuntimeError):
        async with app.run_test(size=SIZE) as pilot:
            await open_intake(pilot)
            await pilot.press("ctrl+f")
            await pilot.pause()
    store.close()
    report = printed.export_text()
    assert "Alle antwoorden tot nu toe zijn opgeslagen" in report and "NIET" not in report


def test_a_crash_ends_the_command_with_a_failing_status(
    vault: Vault, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`inburgering` itself: the app crashes on its first screen; the shell sees status 1."""

    def broken(self: CaseListScreen) -> None:
        raise RuntimeError("a bug")

    vault.create(PASSPHRASE).close()
    monkeypatch.setenv("INBURGERING_PASSPHRASE", PASSPHRASE)
    monkeypatch.setattr(CaseListScreen, "on_mount", broken, raising=False)
    run = InburgeringApp.run
    # No terminal under pytest: the same run, headless.
    monkeypatch.setattr(
        InburgeringApp, "run", lambda self, **_kw: run(self, headless=True, size=SIZE)
    )
    with pytest.raises(SystemExit) as ended:
        cli.main([])
    assert ended.value.code == 1
    assert "RuntimeError" in capsys.readouterr().err
