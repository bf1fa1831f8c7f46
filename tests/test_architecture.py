"""The house rules of DESIGN.md, checked: the core runs without the UI, the domain stays pure."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "inburgering_tui"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_domain_imports_nothing_of_store_tui_or_export() -> None:
    for path in (PACKAGE / "domain").glob("*.py"):
        bad = {
            name
            for name in _imports(path)
            if name.startswith(
                ("inburgering_tui.store", "inburgering_tui.tui", "inburgering_tui.export")
            )
            or name.split(".")[0] in {"textual", "sqlalchemy", "sqlmodel", "sqlcipher3"}
        }
        assert bad == set(), f"{path.name} imports {bad}"


def test_services_never_import_the_ui() -> None:
    for path in (PACKAGE / "services").glob("*.py"):
        bad = {
            name
            for name in _imports(path)
            if name.startswith("inburgering_tui.tui") or name.split(".")[0] in {"textual", "rich"}
        }
        assert bad == set(), f"services/{path.name} imports {bad}"


def test_screens_and_widgets_never_import_the_store_tables() -> None:
    """Records reach the UI through the services; the tables and SQL stay below them."""
    offenders = {
        str(path.relative_to(PACKAGE)): bad
        for path in (PACKAGE / "tui").rglob("*.py")
        if (
            bad := {
                name
                for name in _imports(path)
                if name == "inburgering_tui.store.models"
                or name.split(".")[0] in {"sqlalchemy", "sqlmodel", "sqlcipher3"}
            }
        )
    }
    assert offenders == {}


def test_answers_are_written_only_by_the_intake_session() -> None:
    """One way an answer reaches the store, so every path obeys the same rules."""
    writers = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if ".save_answer(" in path.read_text(encoding="utf-8")
    )
    assert writers == ["services/intake_session.py"]


def test_core_modules_load_without_textual() -> None:
    modules = [
        f"inburgering_tui.{folder}.{path.stem}"
        for folder in ("domain", "store", "i18n", "services")
        for path in (PACKAGE / folder).glob("*.py")
        if path.stem != "__init__"
    ] + ["inburgering_tui.overview", "inburgering_tui.demo"]
    script = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in modules)
        + "print('textual' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_no_translated_string_hides_inside_an_f_string() -> None:
    """Babel does not look inside f-strings (Python 3.11): such a msgid never gets translated."""
    hidden = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                for inner in ast.walk(node):
                    if (
                        isinstance(inner, ast.Call)
                        and isinstance(inner.func, ast.Name)
                        and inner.func.id in {"_", "N_", "ngettext"}
                        and inner.args
                        and isinstance(inner.args[0], ast.Constant)
                    ):
                        hidden.append(f"{path.name}:{inner.lineno}")
    assert hidden == []
