"""Benchmarks of the store and the UI against their floors, measured in the same run.

    .venv/bin/python benchmarks/store_and_ui.py [--cases 10000] [--out docs/benchmarks.md]

- cold start to an interactive case list vs a bare Textual app (both in fresh processes);
- answer commit latency p50/p99 with N cases in the store vs one raw SQLite commit;
- case list search over N cases vs the raw SQL query;
- peak memory of the TUI with N cases vs a bare Textual app.
Each result is a ratio against its floor. Not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from inburgering_tui.demo import generate_case_fields  # noqa: E402
from inburgering_tui.domain.form_loader import load_forms  # noqa: E402
from inburgering_tui.overview import case_overviews  # noqa: E402
from inburgering_tui.settings import Settings, default_forms_dir  # noqa: E402
from inburgering_tui.store.vault import Vault  # noqa: E402

PASSPHRASE = "benchmark-wachtwoordzin"

APP_SCRIPT = """
import asyncio, os, resource, sys, time
start = time.perf_counter()
from pathlib import Path
from inburgering_tui.domain.form_loader import load_forms
from inburgering_tui.settings import Settings, default_forms_dir
from inburgering_tui.store.vault import Vault
from inburgering_tui.tui.app import InburgeringApp
async def main():
    vault = Vault(Path(sys.argv[1]))
    store = vault.unlock(sys.argv[2])
    app = InburgeringApp(vault, load_forms(default_forms_dir()), Settings(), store=store)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.screen.query_one("#case-table")
        while table.row_count == 0:
            await pilot.pause(0.01)
        print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
asyncio.run(main())
"""

BARE_SCRIPT = """
import asyncio, resource, time
start = time.perf_counter()
from textual.app import App
from textual.widgets import DataTable
class Bare(App):
    def compose(self):
        yield DataTable()
    def on_mount(self):
        table = self.query_one(DataTable)
        table.add_columns("naam", "v-nummer")
        table.add_row("a", "b")
async def main():
    async with Bare().run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
asyncio.run(main())
"""


def _run(script: str, *args: str) -> tuple[float, int]:
    out = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.split()
    return float(out[0]), int(out[1])


def _kept_sections(path: Path) -> str:
    """Sections other benchmarks write into the same file, between ``<!-- name:start -->`` and
    ``<!-- name:end -->`` (e.g. bundle_import.py's): kept when this report replaces the rest."""
    if not path.exists():
        return ""
    marked = re.finditer(
        r"<!-- ([\w-]+):start -->.*?<!-- \1:end -->", path.read_text(encoding="utf-8"), re.S
    )
    return "".join(f"\n{match.group(0)}\n" for match in marked)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    os.environ.setdefault("INBURGERING_KDF_MEMORY_KIB", str(64 * 1024))
    home = Path(tempfile.mkdtemp(prefix="inburgering-bench-"))
    vault = Vault(home)
    store = vault.create(PASSPHRASE)
    rng = random.Random(7)
    today = date(2026, 11, 23)
    rows = [generate_case_fields(rng, today) for _ in range(args.cases)]
    store.create_cases(rows, source="benchmark")
    ids = [c.id for c in store.list_cases()]
    form = load_forms(default_forms_dir())["brede-intake"]
    for case_id in ids[: max(1, args.cases // 10)]:  # a tenth of the cases has an intake under way
        store.save_answers(
            case_id, form.id, form.version, [("opleiding", f"q{n}", n) for n in range(30)]
        )

    # Answer commit latency: the app's save_answer vs one raw SQLite commit (stdlib, no cipher).
    app_times = []
    for number in range(300):
        start = time.perf_counter()
        store.save_answer(
            ids[number], form.id, form.version, "opleiding", "opleiding_jaren", number
        )
        app_times.append(time.perf_counter() - start)
    raw_path = home / "raw.db"
    raw = sqlite3.connect(raw_path, isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=FULL")
    raw.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    raw_times = []
    for number in range(300):
        start = time.perf_counter()
        raw.execute("BEGIN")
        raw.execute("INSERT INTO t (v) VALUES (?)", (str(number),))
        raw.execute("COMMIT")
        raw_times.append(time.perf_counter() - start)
    raw.close()

    # Case list search: everything the list shows (progress, deadlines) vs the bare query.
    settings = Settings()
    search_times, query_times = [], []
    for needle in ("ha", "yil", "ka", "1000", "ze"):
        start = time.perf_counter()
        case_overviews(store, form, today, settings.local_practice, search=needle)
        search_times.append(time.perf_counter() - start)
        with store.engine.connect() as conn:
            start = time.perf_counter()
            conn.exec_driver_sql(
                'SELECT id, family_name FROM "case" WHERE lower(family_name) LIKE ?',
                (f"%{needle}%",),
            ).fetchall()
            query_times.append(time.perf_counter() - start)
    store.close()

    app_start, app_rss = min(_run(APP_SCRIPT, str(home), PASSPHRASE) for _ in range(3))
    bare_start, bare_rss = min(_run(BARE_SCRIPT) for _ in range(3))

    p50, p99 = _percentile(app_times, 0.5), _percentile(app_times, 0.99)
    r50, r99 = _percentile(raw_times, 0.5), _percentile(raw_times, 0.99)
    search, query = statistics.median(search_times), statistics.median(query_times)
    rows_md = [
        (
            "cold start to interactive case list",
            f"{app_start:.2f} s",
            f"{bare_start:.2f} s (bare Textual app)",
            app_start / bare_start,
        ),
        (
            "answer commit p50",
            f"{p50 * 1000:.1f} ms",
            f"{r50 * 1000:.1f} ms (raw SQLite commit)",
            p50 / r50,
        ),
        (
            "answer commit p99",
            f"{p99 * 1000:.1f} ms",
            f"{r99 * 1000:.1f} ms (raw SQLite commit)",
            p99 / r99,
        ),
        (
            f"case list search over {args.cases} cases",
            f"{search * 1000:.0f} ms",
            f"{query * 1000:.1f} ms (raw SQL)",
            search / query,
        ),
        (
            "peak memory of the TUI",
            f"{app_rss / 1024:.0f} MiB",
            f"{bare_rss / 1024:.0f} MiB (bare Textual app)",
            app_rss / bare_rss,
        ),
    ]
    table = "\n".join(
        f"| {name} | {ours} | {floor} | {ratio:.1f}x |" for name, ours, floor, ratio in rows_md
    )
    report = f"""# Benchmarks

Measured {date.today().isoformat()} on {platform.machine()} ({os.cpu_count()} cores),
Python {platform.python_version()}, {args.cases} cases in the store (a tenth with intake answers),
argon2id at its default cost. Each figure is a ratio against its floor, measured in the same run
by `benchmarks/store_and_ui.py`; the PDF figure comes from `benchmarks/pdf_export.py`.

| what | inburgering_tui | floor | ratio |
|---|---|---|---|
{table}

Notes: the answer commit writes the answer, an audit event chained by hash and the case's
update time in one SQLCipher transaction with `synchronous=FULL`; the floor is one row in a
plain SQLite file with the same durability. The case list search also computes each match's
intake progress and all fourteen deadlines; the floor only selects the rows.
"""
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report + _kept_sections(args.out), encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
