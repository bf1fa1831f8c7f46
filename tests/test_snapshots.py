"""Pictures of the main screens at 120x40 and at 80x24 (pytest-textual-snapshot, SVG files in
tests/__snapshots__/test_snapshots/). Each test's docstring says what its picture must show.

Nothing on these screens may change between runs: the demo cases come from one seed and the
tests' fixed TODAY, the header shows no clock, the bidi setting is explicit (not read from the
terminal's variables), no cursor blinks, and every screen is photographed only once it shows its
data. After a deliberate change to a screen, regenerate the pictures and look at each one
(``snapshot_report.html`` shows old and new side by side when a picture differs):

    .venv/bin/python -m pytest tests/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static, TabbedContent, TextArea

from inburgering_tui import demo
from inburgering_tui.domain.forms import Form
from inburgering_tui.services.intake_session import IntakeSession, case_facts
from inburgering_tui.settings import Settings
from inburgering_tui.store.pip_repository import PipStore
from inburgering_tui.store.repository import Store
from inburgering_tui.store.vault import Vault
from inburgering_tui.tui.app import InburgeringApp
from inburgering_tui.tui.screens.back_office import BackOfficeScreen
from inburgering_tui.tui.screens.case import CaseScreen
from inburgering_tui.tui.screens.case_list import CaseListScreen
from inburgering_tui.tui.screens.intake import IntakeScreen
from inburgering_tui.tui.screens.pip import PipScreen
from inburgering_tui.tui.screens.unlock import UnlockScreen
from inburgering_tui.tui.widgets.script_text import ScriptText

from .conftest import PASSPHRASE, TODAY
from .pilot import wait_until

SEED = 2021
DEMO_CASES = 8
SIZES = [pytest.param((120, 40), id="120x40"), pytest.param((80, 24), id="80x24")]

Snap = Callable[..., bool]


@dataclass(frozen=True)
class DemoHome:
    """A store made once per module, copied for every test (each test gets its own copy)."""

    path: Path
    arabic_case: str  # an intake begun in Arabic: two domains done, one partly
    pip_case: str  # intake done, a PIP drafted from it


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory, intake_form: Form) -> Iterator[DemoHome]:
    path = tmp_path_factory.mktemp("snapshots") / "home"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INBURGERING_KDF_MEMORY_KIB", "8192")
        store = Vault(path).create(PASSPHRASE, actor="J. de Vries")
    try:
        ids = demo.populate(store, intake_form, DEMO_CASES, seed=SEED, today=TODAY)
        pips = PipStore(store)
        pip_case = next(case_id for case_id in ids if pips.draft(case_id) is not None)
        arabic_case = _arabic_intake(store, intake_form)
    finally:
        store.close()
    yield DemoHome(path, arabic_case, pip_case)
    shutil.rmtree(path, ignore_errors=True)


def _arabic_intake(store: Store, form: Form) -> str:
    """A case interviewed in Arabic, left on a choice question in its third domain."""
    case = store.create_case(
        {
            "given_names": "Ṣāliḥ",
            "family_name": "Nasser-Aydın",
            "date_of_birth": date(1991, 4, 17),
            "sex": "m",
            "nationality": "Syrië",
            "languages": ["ar", "en"],
            "doelgroep": "asielstatushouder",
            "v_nummer": "2027004217",
            "azc_location": "AZC Budel-Cranendonck (taalcafé)",
            "koppelingsdatum": date(2026, 9, 1),
            "kennisgeving_date": date(2026, 9, 10),
            "consultant": "J. de Vries",
        }
    )
    store.add_conversation(
        case.id, held_on=TODAY, interpreter_name="tolk via TVCN", interview_language="ar"
    )
    rng = random.Random(SEED)
    session = IntakeSession(store, form, case.id, TODAY)
    sections = session.walk.sections()
    facts = case_facts(case, TODAY)
    demo.fill_intake(store, case.id, form, facts, rng, TODAY, fraction=2 / len(sections))
    session.reload()
    third = session.walk.sections()[2]
    first = session.walk.visible_questions(third)[0]
    value = demo.generate_answer(first, rng, TODAY)
    store.save_answer(case.id, form.id, form.version, third.id, first.id, value)
    session.reload()
    session.move_to(next(q for q in session.walk.visible_questions(third)[1:] if q.options))
    return case.id


@pytest.fixture
def home(demo_home: DemoHome, isolated: Path) -> DemoHome:
    shutil.copytree(demo_home.path, isolated, dirs_exist_ok=True)
    return DemoHome(isolated, demo_home.arabic_case, demo_home.pip_case)


def _app(
    home: Path, forms: dict[str, Form], *, locked: bool = False, **options: Any
) -> InburgeringApp:
    vault = Vault(home)
    settings = Settings(bidi="app", consultant="J. de Vries")
    store = None if locked else vault.unlock(PASSPHRASE)
    return InburgeringApp(vault, forms, settings, today=lambda: TODAY, store=store, **options)


def _showing(
    screen_type: type[Screen[Any]],
    ready: Callable[[Screen[Any]], bool],
    push: Callable[[], Screen[Any]] | None = None,
) -> Callable[[Pilot[None]], Awaitable[None]]:
    """Before the picture: open ``push()`` (as its key would), wait until the screen is a
    ``screen_type`` that is ``ready`` (shows its data), then stop every cursor blinking."""

    async def run_before(pilot: Pilot[None]) -> None:
        if push is not None:
            await pilot.app.push_screen(push())

        def shown() -> bool:
            screen = pilot.app.screen
            # Focus settles too (a focused field looks different): wait for it as well.
            return isinstance(screen, screen_type) and ready(screen) and screen.focused is not None

        await wait_until(pilot, shown, f"{screen_type.__name__} with its data")
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        for area in pilot.app.screen.query(TextArea):
            area.cursor_blink = False
        await pilot.pause()  # until idle: whatever the screen set in motion has started
        await wait_until(pilot, lambda: not _save_waiting(pilot.app.screen), "a pending save")

    return run_before


def _save_waiting(screen: Screen[Any]) -> bool:
    """Whether a screen's save-after-typing timer is still to fire (the PIP's and the intake's
    own attributes: a picture taken before or after it would differ)."""
    for name in ("_timer", "_save_timer"):
        timer = getattr(screen, name, None)
        task = getattr(timer, "_task", None)
        if task is not None and not task.done():
            return True
    return False


def _text(screen: Screen[Any], selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


@pytest.mark.parametrize("size", SIZES)
def test_unlock(snap_compare: Snap, vault: Vault, forms: dict[str, Form], size: Any) -> None:
    """The unlock screen of an existing store: the title "Opslag ontgrendelen", the line asking
    for the passphrase, and the empty passphrase field with its cursor, centred; nothing of any
    case shows and no busy indicator."""
    vault.create(PASSPHRASE).close()
    app = _app(vault.home, forms, locked=True)
    ready = _showing(UnlockScreen, lambda screen: screen.focused is screen.query_one(Input))
    assert snap_compare(app, terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES)
def test_case_list(snap_compare: Snap, home: DemoHome, forms: dict[str, Form], size: Any) -> None:
    """The case list of nine generated cases sorted by family name, with Turkish and Arabic
    letters ("Şahin", "Nasser-Aydın, Ṣāliḥ"): the search field, the count line ("9 zaken,
    gesorteerd op naam"), the columns Naam, V-nummer, Doelgroep, Koppeling, Intake (domains
    done, e.g. 2/19), Volgende termijn (what the terminal's width does not hold is cut off at
    the right), the first row highlighted, and the key hints at the bottom."""
    app = _app(home.path, forms)

    def listed(screen: Screen[Any]) -> bool:
        return screen.query_one(DataTable).row_count == DEMO_CASES + 1

    assert snap_compare(app, terminal_size=size, run_before=_showing(CaseListScreen, listed))


@pytest.mark.parametrize("size", SIZES)
def test_case(snap_compare: Snap, home: DemoHome, forms: dict[str, Form], size: Any) -> None:
    """One case with a drafted PIP: the person's name as title, the intake progress ("19 van
    20 onderwerpen klaar"), "PIP: versie 1, concept", the personal details (date of birth,
    languages, doelgroep, V-nummer, AZC, dates, consultant), then as far as they fit the
    household, the conversations and the deadlines with their status; the case's key hints
    (Intake, Gegevens wijzigen, ..., PIP) at the bottom."""
    app = _app(home.path, forms)
    ready = _showing(
        CaseScreen,
        lambda screen: bool(_text(screen, "#case-title")),
        lambda: CaseScreen(home.pip_case),
    )
    assert snap_compare(app, terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES)
def test_intake(snap_compare: Snap, home: DemoHome, forms: dict[str, Form], size: Any) -> None:
    """The intake of "Ṣāliḥ Nasser-Aydın" (name in the header) on a choice question of its
    third domain, "Vraag 2 van 7": the domain list at the left marks the first two domains done
    (✔), the third partly (◐), one not applicable (–), the rest not begun (○), with the legend;
    the question stands left in Dutch, and right, in the interpreter's column headed Arabisch,
    the same question and its numbered options in Arabic, right-aligned, shaped and right to
    left, the first words at the top right; the answer's options follow below in Dutch (at
    80x24 only their first lines are in view); the key hints at the bottom."""
    app = _app(home.path, forms)

    def ready(screen: Screen[Any]) -> bool:
        return bool(screen.query_one("#interview-prompt", ScriptText).text)

    run_before = _showing(IntakeScreen, ready, lambda: IntakeScreen(home.arabic_case))
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_pip(snap_compare: Snap, home: DemoHome, forms: dict[str, Form], size: Any) -> None:
    """The drafted PIP of a demo case: "PIP versie 1 (concept)", the leerroute advice with its
    reasons (L2, L1), the theme tabs with Inburgering open and its first field (Leerroute,
    B1-route) focused, the fields below it as far as they fit, the versions line and the PIP's
    key hints (F2 Afspraak +, F3 Controleren, F4 Bekijken en vaststellen, ...) at the bottom.
    Today opening the PIP saves the unchanged draft once, 0.4 s later, and says so ("✔ Concept
    opgeslagen" above the versions line); once that is mended the line stays empty."""
    app = _app(home.path, forms)

    def ready(screen: Screen[Any]) -> bool:
        # Shown, and the first field of the open theme focused (that comes after a refresh).
        pane = screen.query_one(TabbedContent).active_pane
        focused = screen.focused
        loaded = getattr(screen, "version", None) is not None
        return loaded and focused is not None and pane in focused.ancestors

    run_before = _showing(PipScreen, ready, lambda: PipScreen(home.pip_case))
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_back_office(snap_compare: Snap, home: DemoHome, forms: dict[str, Form], size: Any) -> None:
    """The back office's list of every case of every consultant: the title "Inburgering:
    backoffice", the count line, the case list's columns (a Conflict column follows, past the
    right edge), and the back office's own key hints (Bundels importeren, Filter, Consulent,
    CSV voor zaaksysteem), never the laptop's (Nieuwe zaak, Bundel voor backoffice)."""
    app = _app(home.path, forms, back_office=True)

    def listed(screen: Screen[Any]) -> bool:
        return screen.query_one(DataTable).row_count == DEMO_CASES + 1

    run_before = _showing(BackOfficeScreen, listed)
    assert snap_compare(app, terminal_size=size, run_before=run_before)
