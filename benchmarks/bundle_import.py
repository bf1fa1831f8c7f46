"""Benchmark: the back office importing a sync bundle of N cases, against its floor.

    .venv/bin/python benchmarks/bundle_import.py [--cases 10000] [--runs 3] [--no-postgres]
        [--out docs/benchmarks.md] [--profile DIR]

Setup, not measured: a laptop store with N demo cases (``demo.populate``), development keys,
and two bundles of every case (the second made after the first, so the same records under a new
bundle id). Then, on an encrypted SQLite store and on PostgreSQL, each in a fresh store per run:

- first import of the bundle (``import_bundle``: decrypt, verify, unpack, apply), with the
  open/verify part timed on its own (``open_bundle``) and the database part as the rest;
- the same bundle again (recognised as already imported: changes nothing);
- the same records in the newer bundle (every case unchanged).

The floor is the database's own cost of writing what the first import writes: every row the
import added, in every table (the case records' rows of ``records.CASE_TABLE`` and
``records.PARTS`` as well as the bookkeeping: sync state, revisions, the laptop's and the office's
audit events), read back from the imported store through the driver and inserted with
``executemany`` of the same driver into an empty store of the same kind, in one transaction.
On PostgreSQL the floor is the faster of a row-per-statement ``executemany`` (psycopg pipelines
it) and multi-row ``INSERT ... VALUES`` batched below the 65,535 parameters of a statement.

The PostgreSQL cluster is the tests' throwaway one (tests/pg_server.py), but durable: fsync,
synchronous commit and full-page writes on, as a back office would run it.

The figures go to the ``bundle_import`` section of docs/benchmarks.md (between marker comments;
the rest of the file is left as it is). Not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import JSON, Table  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

from inburgering_tui.demo import populate  # noqa: E402
from inburgering_tui.domain.form_loader import load_forms  # noqa: E402
from inburgering_tui.export.bundle import export_bundle, import_bundle, open_bundle  # noqa: E402
from inburgering_tui.export.pki import create_dev_pki, load_certificate, load_identity  # noqa: E402
from inburgering_tui.settings import default_forms_dir  # noqa: E402
from inburgering_tui.store import models  # noqa: E402, F401  (registers every table)
from inburgering_tui.store.engine import server_engine  # noqa: E402
from inburgering_tui.store.migrate import upgrade  # noqa: E402
from inburgering_tui.store.office_sync import NEW, UNCHANGED, ImportSummary  # noqa: E402
from inburgering_tui.store.records import CASE_TABLE, PARTS, row_from_json  # noqa: E402
from inburgering_tui.store.repository import Store  # noqa: E402
from inburgering_tui.store.vault import Vault  # noqa: E402

PASSPHRASE = "benchmark-wachtwoordzin"
KEYS = "benchmark-sleutel-zin"
CONSULTANT = "J. de Vries"
TODAY = date(2026, 11, 23)
PG_PARAMETERS = 65_535  # bind parameters per statement in PostgreSQL's protocol
PG_ROWS_PER_STATEMENT = 1000  # what SQLAlchemy's insertmanyvalues uses too
MARK_START, MARK_END = "<!-- bundle_import:start -->", "<!-- bundle_import:end -->"

Rows = dict[str, tuple[list[str], list[tuple[Any, ...]]]]  # table -> columns, rows


def _tables() -> list[Table]:
    return list(SQLModel.metadata.sorted_tables)  # foreign keys point backwards


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@contextmanager
def _driver(store: Store) -> Iterator[Any]:
    """The driver's own connection (sqlcipher3 or psycopg), with the store's settings."""
    proxy = store.engine.raw_connection()
    try:
        yield proxy.driver_connection
    finally:
        proxy.close()


def snapshot(store: Store) -> dict[str, dict[tuple[Any, ...], tuple[Any, ...]]]:
    """Every row of every table as the driver returns it, by primary key."""
    result: dict[str, dict[tuple[Any, ...], tuple[Any, ...]]] = {}
    with _driver(store) as conn:
        cursor = conn.cursor()
        for table in _tables():
            columns = [c.name for c in table.columns]
            keys = [columns.index(c.name) for c in table.primary_key.columns]
            cursor.execute(f"SELECT {', '.join(map(_quote, columns))} FROM {_quote(table.name)}")
            result[table.name] = {tuple(row[i] for i in keys): tuple(row) for row in cursor}
        conn.rollback()
    return result


def written_rows(before: dict[str, Any], after: dict[str, Any]) -> Rows:
    """The rows the import added (an existing row it changed would need an UPDATE: refused)."""
    rows: Rows = {}
    for table in _tables():
        old, new = before[table.name], after[table.name]
        changed = [key for key in old if key in new and new[key] != old[key]]
        if changed:
            raise SystemExit(f"the import changed existing rows of {table.name}: {changed}")
        added = [row for key, row in new.items() if key not in old]
        if added:
            rows[table.name] = ([c.name for c in table.columns], added)
    return rows


def check_against_records(rows: Rows, records: Sequence[dict[str, Any]]) -> None:
    """The case tables hold exactly the rows of the bundle's records (row_from_json of each)."""
    expected = {CASE_TABLE.name: len(records)}
    for part in PARTS:
        expected[part.table.name] = sum(
            len([row_from_json(part.table, item) for item in r["data"][part.key]]) for r in records
        )
    for name, count in expected.items():
        got = len(rows.get(name, ([], []))[1])
        if got != count:
            raise SystemExit(f"{name}: the import wrote {got} rows, the records hold {count}")


def _json_wrapped(table_name: str, rows: Rows) -> list[tuple[Any, ...]]:
    """psycopg returns json columns as Python values; it takes them back only wrapped."""
    from psycopg.types.json import Json

    table = SQLModel.metadata.tables[table_name]
    json_at = [i for i, c in enumerate(table.columns) if isinstance(c.type, JSON)]
    if not json_at:
        return rows[table_name][1]
    wrapped = []
    for row in rows[table_name][1]:
        values = list(row)
        for i in json_at:
            if values[i] is not None:
                values[i] = Json(values[i])
        wrapped.append(tuple(values))
    return wrapped


def floor_sqlite(store: Store, rows: Rows) -> float:
    """executemany of every row, table by table, in one transaction: the driver's floor."""
    with _driver(store) as conn:  # autocommit mode, as the store's engine sets it
        cursor = conn.cursor()
        start = time.perf_counter()
        cursor.execute("BEGIN")
        for name, (columns, values) in rows.items():
            marks = ", ".join("?" for _ in columns)
            cursor.executemany(
                f"INSERT INTO {_quote(name)} ({', '.join(map(_quote, columns))}) VALUES ({marks})",
                values,
            )
        cursor.execute("COMMIT")
        return time.perf_counter() - start


def floor_postgres(store: Store, rows: Rows, *, batched: bool) -> float:
    """Row by row (pipelined executemany) or multi-row VALUES under the parameter limit."""
    prepared = {name: _json_wrapped(name, rows) for name in rows}
    with _driver(store) as conn:
        cursor = conn.cursor()
        start = time.perf_counter()
        for name, (columns, _values) in rows.items():
            values = prepared[name]
            head = f"INSERT INTO {_quote(name)} ({', '.join(map(_quote, columns))}) VALUES "
            one = "(" + ", ".join("%s" for _ in columns) + ")"
            if not batched:
                cursor.executemany(head + one, values)
                continue
            per = max(1, min(PG_ROWS_PER_STATEMENT, PG_PARAMETERS // len(columns)))
            full = len(values) - len(values) % per
            if full:
                cursor.executemany(
                    head + ", ".join([one] * per),
                    [[v for row in values[s : s + per] for v in row] for s in range(0, full, per)],
                )
            if full < len(values):
                rest = values[full:]
                cursor.execute(
                    head + ", ".join([one] * len(rest)), [v for row in rest for v in row]
                )
        conn.commit()
        return time.perf_counter() - start


class Bundles:
    def __init__(self, home: Path, cases: int) -> None:
        os.environ.setdefault("INBURGERING_KDF_MEMORY_KIB", "8192")  # unlocking is not measured
        self.home = home
        paths = create_dev_pki(home, KEYS, municipality="Gemeente Benchmark", consultant=CONSULTANT)
        form = load_forms(default_forms_dir())["brede-intake"]
        laptop = Vault(home / "laptop").create(PASSPHRASE, actor="consulent")
        start = time.perf_counter()

        def report(done: int, total: int) -> None:
            if done % max(1, total // 10) == 0:
                print(f"  populate: {done}/{total} ({time.perf_counter() - start:.0f} s)")

        populate(laptop, form, cases, seed=2021, today=TODAY, progress=report)
        recipient = load_certificate(paths["backoffice_cert"])
        made = []
        for _ in range(2):
            start = time.perf_counter()
            written = export_bundle(
                laptop,
                consultant_p12=paths["consultant"],
                key_passphrase=KEYS,
                recipient=recipient,
                out_dir=home / "bundles",
                out=home / "bundles" / f"bundle-{len(made)}.p7m",
                everything=True,
            )
            made.append((time.perf_counter() - start, written.path.read_bytes()))
        laptop.close()
        (self.export_time, self.first), (_, self.newer) = made
        self.office = load_identity(paths["backoffice"], KEYS)
        self.ca = load_certificate(paths["ca"])
        self.records = open_bundle(self.first, self.office, self.ca).contents.records


class Result:
    """The medians of one backend's runs."""

    def __init__(self) -> None:
        self.first: list[float] = []
        self.again: list[float] = []
        self.newer: list[float] = []
        self.floor: list[float] = []
        self.floor_rowwise: list[float] = []  # PostgreSQL only
        self.rows: Rows = {}

    @staticmethod
    def median(values: list[float]) -> float:
        return statistics.median(values) if values else float("nan")


def _expect(summary: ImportSummary, cases: int, outcome: str, already: bool) -> None:
    if summary.already_imported != already or summary.count(outcome) != cases:
        raise SystemExit(f"unexpected import outcome: {summary.line()}")


def measure(
    bundles: Bundles,
    fresh: Callable[[], Store],
    runs: int,
    floor: Callable[[Store, Result], None],
    profile: Path | None,
    label: str,
) -> Result:
    result = Result()
    cases = len(bundles.records)
    for run in range(runs):
        store = fresh()
        before = snapshot(store) if run == 0 else None
        profiler = _profiler() if profile is not None and run == 0 else None
        start = time.perf_counter()
        if profiler is not None:
            profiler.start()
        summary = import_bundle(store, bundles.first, bundles.office, bundles.ca)
        if profiler is not None:
            profiler.stop()
        result.first.append(time.perf_counter() - start)
        _expect(summary, cases, NEW, already=False)
        if profiler is not None and profile is not None:
            _write_profile(profiler, profile / f"{label}-first-import")
        if before is not None:
            result.rows = written_rows(before, snapshot(store))
            check_against_records(result.rows, bundles.records)
        start = time.perf_counter()
        summary = import_bundle(store, bundles.first, bundles.office, bundles.ca)
        result.again.append(time.perf_counter() - start)
        _expect(summary, cases, UNCHANGED, already=True)
        start = time.perf_counter()
        summary = import_bundle(store, bundles.newer, bundles.office, bundles.ca)
        result.newer.append(time.perf_counter() - start)
        _expect(summary, cases, UNCHANGED, already=False)
        store.close()
        print(
            f"  {label} run {run + 1}: first {result.first[-1]:.2f} s, "
            f"again {result.again[-1]:.2f} s, newer bundle {result.newer[-1]:.2f} s"
        )
    for run in range(runs):
        store = fresh()
        floor(store, result)
        store.close()
        print(f"  {label} floor run {run + 1}: {result.floor[-1]:.2f} s")
    return result


def _profiler() -> Any:
    from pyinstrument import Profiler

    return Profiler(interval=0.001)


def _write_profile(profiler: Any, stem: Path) -> None:
    stem.parent.mkdir(parents=True, exist_ok=True)
    stem.with_suffix(".html").write_text(profiler.output_html(), encoding="utf-8")
    stem.with_suffix(".txt").write_text(profiler.output_text(color=False), encoding="utf-8")
    print(f"  profile: {stem.with_suffix('.txt')}")


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _rows_line(rows: Rows) -> str:
    counts = sorted(((len(v), name) for name, (_c, v) in rows.items()), reverse=True)
    return ", ".join(f"{name} {count}" for count, name in counts)


def section(
    args: argparse.Namespace,
    bundles: Bundles,
    open_time: float,
    results: dict[str, Result],
    pg_version: str,
) -> str:
    lines = []
    for label, result in results.items():
        floor = result.median(result.floor)
        first = result.median(result.first)
        total = sum(len(v) for _c, v in result.rows.values())
        what = f"executemany of the same {total} rows, one transaction"
        rows = [
            (f"{label}: first import of {args.cases} cases", first, floor),
            (f"{label}: of which the database (import minus open)", first - open_time, floor),
            (f"{label}: the same bundle again (already imported)", result.median(result.again), floor),
            (f"{label}: the same records in a newer bundle (all unchanged)", result.median(result.newer), floor),
        ]  # fmt: skip
        for name, ours, base in rows:
            lines.append(f"| {name} | {ours:.2f} s | {base:.2f} s ({what}) | {ours / base:.1f}x |")
    table = "\n".join(lines)
    sqlite_rows = next(iter(results.values())).rows
    size = len(bundles.first) / 1024**2
    pg_note = (
        f" PostgreSQL {pg_version} runs on the same machine with fsync, synchronous commit and "
        "full-page writes on; its floor is the faster of pipelined row-by-row `executemany` and "
        "multi-row `INSERT ... VALUES` in batches under 65,535 parameters "
        f"({results['PostgreSQL'].median(results['PostgreSQL'].floor_rowwise):.2f} s row by row)."
        if "PostgreSQL" in results
        else ""
    )
    return f"""{MARK_START}
## Bundle import

Measured {date.today().isoformat()} on {_cpu()}, {platform.machine()} ({os.cpu_count()} cores),
Python {platform.python_version()}, one bundle of {args.cases} demo cases ({size:.1f} MiB
encrypted), medians of {args.runs} runs each in a fresh store, by `benchmarks/bundle_import.py`.

| what | inburgering_tui | floor | ratio |
|---|---|---|---|
{table}
| open the bundle: decrypt, verify, unpack, check (in every import) | {open_time:.2f} s | | |
| export that bundle on the laptop (information) | {bundles.export_time:.2f} s | | |

Notes: the floor writes every row the first import adds, in every table
({_rows_line(sqlite_rows)}), read back from the imported store and inserted through the same
driver into an empty store of the same kind; the import also reads the store to classify each
case, converts the records' JSON, hashes the office's audit chain and keeps the bundle's outcome.
The SQLite store is SQLCipher with `synchronous=FULL` and foreign keys on, as the app opens it.
{pg_note}
{MARK_END}"""


def write_section(path: Path, text: str) -> None:
    """Replace this benchmark's marked section, or append it; the rest of the file stays."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(re.escape(MARK_START) + r".*?" + re.escape(MARK_END), re.S)
    if pattern.search(old):
        new = pattern.sub(lambda _m: text, old, count=1)
    else:
        new = old.rstrip("\n") + "\n\n" + text + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(new, encoding="utf-8")


@contextmanager
def durable_server() -> Iterator[Any]:
    """The tests' throwaway cluster, with the durability a real back office has."""
    from tests import pg_server

    fast = ("fsync = off\n", "synchronous_commit = off\n", "full_page_writes = off\n")
    saved = pg_server._SETTINGS
    settings = saved
    for line in fast:
        settings = settings.replace(line, line.replace("off", "on"))
    pg_server._SETTINGS = settings
    try:
        with pg_server.running_server() as server:
            yield server
    finally:
        pg_server._SETTINGS = saved


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument(
        "--profile", type=Path, help="write pyinstrument profiles of the first imports here"
    )
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="inburgering-bench-"))
    print(f"setup: {args.cases} demo cases and two bundles in {home}")
    bundles = Bundles(home, args.cases)
    print(f"  export: {bundles.export_time:.2f} s, {len(bundles.first) / 1024**2:.1f} MiB")

    opens = []
    for _ in range(args.runs):
        start = time.perf_counter()
        open_bundle(bundles.first, bundles.office, bundles.ca)
        opens.append(time.perf_counter() - start)
    open_time = statistics.median(opens)
    print(f"  open/verify/unpack: {open_time:.2f} s")

    counter = iter(range(1_000_000))

    def fresh_sqlite() -> Store:
        return Vault(home / f"office-{next(counter)}").create(PASSPHRASE, actor="backoffice")

    def sqlite_floor(store: Store, result: Result) -> None:
        result.floor.append(floor_sqlite(store, result.rows))

    results = {
        "SQLite": measure(bundles, fresh_sqlite, args.runs, sqlite_floor, args.profile, "sqlite")
    }
    pg_version = ""
    if not args.no_postgres:
        with durable_server() as server:

            def fresh_postgres() -> Store:
                engine = server_engine(server.url(server.create_database("bench")))
                upgrade(engine)
                return Store(engine, actor="backoffice")

            def postgres_floor(store: Store, result: Result) -> None:
                result.floor_rowwise.append(floor_postgres(store, result.rows, batched=False))
                # The same rows again, batched, into a second fresh database.
                other = fresh_postgres()
                batched = floor_postgres(other, result.rows, batched=True)
                other.close()
                result.floor.append(min(batched, result.floor_rowwise[-1]))
                print(
                    f"  postgres floor: row by row {result.floor_rowwise[-1]:.2f} s, "
                    f"batched {batched:.2f} s"
                )

            results["PostgreSQL"] = measure(
                bundles, fresh_postgres, args.runs, postgres_floor, args.profile, "postgres"
            )
            probe = fresh_postgres()
            with probe.engine.connect() as conn:
                pg_version = str(conn.exec_driver_sql("SHOW server_version").scalar())
            probe.close()

    text = section(args, bundles, open_time, results, pg_version)
    write_section(args.out, text)
    print(text)


if __name__ == "__main__":
    main()
