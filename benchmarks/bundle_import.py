"""Benchmark: the back office importing a sync bundle of N cases, against its floor.

    .venv/bin/python benchmarks/bundle_import.py [--cases 10000] [--runs 1] [--no-postgres]
        [--out docs/benchmarks.md] [--profile DIR] [--home DIR]

At 10,000 cases populating the laptop takes minutes: ``--home DIR`` keeps it for the next run.

Setup, not measured: a laptop store with N demo cases (``demo.populate``), development keys,
and two bundles of every case (the second made after the first, so the same records under a new
bundle id). Then, on an encrypted SQLite store and on PostgreSQL, each in a fresh store per run:

- first import of the bundle (``import_bundle``: decrypt, verify, unpack, apply), split into
  opening the bundle (``open_bundle``) and the database part (``apply_bundle``) at the moment
  ``import_bundle`` reports its first progress;
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
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
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
from inburgering_tui.export.pki import (  # noqa: E402
    BACKOFFICE_CERT,
    BACKOFFICE_P12,
    CA_CERT,
    CONSULTANT_P12,
    PKI_DIR,
    create_dev_pki,
    load_certificate,
    load_identity,
)
from inburgering_tui.settings import default_forms_dir  # noqa: E402
from inburgering_tui.store import models  # noqa: E402, F401  (registers every table)
from inburgering_tui.store.engine import server_engine  # noqa: E402
from inburgering_tui.store.migrate import upgrade  # noqa: E402
from inburgering_tui.store.office_sync import NEW, UNCHANGED, ImportSummary  # noqa: E402
from inburgering_tui.store.records import CASE_TABLE, PARTS, part_rows, row_from_json  # noqa: E402
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
            len([row_from_json(part.table, item) for item in part_rows(r["data"], part)])
            for r in records
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
    statements: list[tuple[str, list[Any]]] = []  # (SQL, executemany's parameter sets)
    for name, (columns, _values) in rows.items():
        values = _json_wrapped(name, rows)
        head = f"INSERT INTO {_quote(name)} ({', '.join(map(_quote, columns))}) VALUES "
        one = "(" + ", ".join("%s" for _ in columns) + ")"
        if not batched:
            statements.append((head + one, values))
            continue
        per = max(1, min(PG_ROWS_PER_STATEMENT, PG_PARAMETERS // len(columns)))
        full = len(values) - len(values) % per
        if full:
            sets = [[v for row in values[s : s + per] for v in row] for s in range(0, full, per)]
            statements.append((head + ", ".join([one] * per), sets))
        if full < len(values):
            rest = values[full:]
            statements.append(
                (head + ", ".join([one] * len(rest)), [[v for row in rest for v in row]])
            )
    with _driver(store) as conn:
        cursor = conn.cursor()
        start = time.perf_counter()
        for statement, parameter_sets in statements:
            cursor.executemany(statement, parameter_sets)
        conn.commit()
        return time.perf_counter() - start


class Bundles:
    """The laptop's side, set up once: N demo cases, keys, and two bundles of every case."""

    def __init__(self, home: Path, cases: int) -> None:
        os.environ.setdefault("INBURGERING_KDF_MEMORY_KIB", "8192")  # unlocking is not measured
        self.home = home
        pki = home / PKI_DIR
        paths = {
            "consultant": pki / CONSULTANT_P12,
            "backoffice": pki / BACKOFFICE_P12,
            "backoffice_cert": pki / BACKOFFICE_CERT,
            "ca": pki / CA_CERT,
        }
        vault = Vault(home / "laptop")
        if vault.is_initialised() and paths["ca"].exists():  # an earlier run's, with --home
            laptop = vault.unlock(PASSPHRASE, actor="consulent")
            held = len(laptop.list_cases())
            if held != cases:
                raise SystemExit(f"{home} holds {held} cases, not {cases}: use another --home")
            print(f"  reusing the {held} cases in {vault.home}")
        else:
            create_dev_pki(home, KEYS, municipality="Gemeente Benchmark", consultant=CONSULTANT)
            laptop = vault.create(PASSPHRASE, actor="consulent")
            form = load_forms(default_forms_dir())["brede-intake"]
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
                out=home / "bundles" / f"bundle-{len(made)}.p7m",  # replaced on every run
                everything=True,
            )
            made.append((time.perf_counter() - start, written.path.read_bytes()))
        laptop.close()
        (self.export_time, self.first), (_, self.newer) = made
        self.office = load_identity(paths["backoffice"], KEYS)
        self.ca = load_certificate(paths["ca"])
        self.records = open_bundle(self.first, self.office, self.ca).contents.records


KINDS = {
    "first": "first import of {cases} cases",
    "again": "the same bundle again (already imported)",
    "newer": "the same records in a newer bundle (all unchanged)",
}


class Result:
    """One backend's timings: per kind of import (total, of which opening the bundle)."""

    def __init__(self) -> None:
        self.imports: dict[str, list[tuple[float, float]]] = {kind: [] for kind in KINDS}
        self.floor: list[float] = []
        self.floor_rowwise: list[float] = []  # PostgreSQL only
        self.floor_batched: list[float] = []  # PostgreSQL only
        self.rows: Rows = {}

    def total(self, kind: str) -> float:
        return statistics.median(total for total, _open in self.imports[kind])

    def opening(self, kind: str) -> float:
        return statistics.median(opened for _total, opened in self.imports[kind])


def timed_import(store: Store, data: bytes, bundles: Bundles) -> tuple[float, float, Any]:
    """import_bundle's time, and how much of it went to opening the bundle: import_bundle
    reports progress 0.3 the moment open_bundle has returned, before the database is touched."""
    opened: list[float] = []
    start = time.perf_counter()

    def progress(_done: float) -> None:
        if not opened:
            opened.append(time.perf_counter() - start)

    summary = import_bundle(store, data, bundles.office, bundles.ca, progress=progress)
    return time.perf_counter() - start, opened[0], summary


def _expect(summary: ImportSummary, cases: int, outcome: str, already: bool) -> None:
    expected = summary.already_imported if already else summary.count(outcome) == cases
    if summary.already_imported != already or not expected:
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
        if profiler is not None:
            profiler.start()
        total, opened, summary = timed_import(store, bundles.first, bundles)
        if profiler is not None and profile is not None:
            profiler.stop()
            _write_profile(profiler, profile / f"{label}-first-import")
        result.imports["first"].append((total, opened))
        _expect(summary, cases, NEW, already=False)
        if before is not None:
            result.rows = written_rows(before, snapshot(store))
            check_against_records(result.rows, bundles.records)
        total, opened, summary = timed_import(store, bundles.first, bundles)
        result.imports["again"].append((total, opened))
        _expect(summary, cases, UNCHANGED, already=True)
        total, opened, summary = timed_import(store, bundles.newer, bundles)
        result.imports["newer"].append((total, opened))
        _expect(summary, cases, UNCHANGED, already=False)
        store.close()
        print(
            f"  {label} run {run + 1}: "
            + ", ".join(
                f"{kind} {times[-1][0]:.2f} s (open {times[-1][1]:.2f} s)"
                for kind, times in result.imports.items()
            )
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


def _revision() -> str:
    """The commit measured, and whether the package had uncommitted changes."""
    try:
        git = ["git", "-C", str(ROOT)]
        head = subprocess.run(
            [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            [*git, "status", "--porcelain", "--", "inburgering_tui"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "an unknown commit"
    return f"commit {head}" + (" with uncommitted changes" if dirty else "")


def _rows_line(rows: Rows) -> str:
    counts = sorted(((len(v), name) for name, (_c, v) in rows.items()), reverse=True)
    return ", ".join(f"{name} {count}" for count, name in counts)


def section(
    args: argparse.Namespace, bundles: Bundles, results: dict[str, Result], pg_version: str
) -> str:
    lines = []
    for label, result in results.items():
        floor = statistics.median(result.floor)
        count = sum(len(v) for _c, v in result.rows.values())
        against = f"{floor:.2f} s (executemany of the same {count} rows)"
        for kind, name in KINDS.items():
            total, opened = result.total(kind), result.opening(kind)
            ours = f"{total:.2f} s (open {opened:.2f} s, database {total - opened:.2f} s)"
            lines.append(
                f"| {label}: {name.format(cases=args.cases)} | {ours} | {against} "
                f"| {total / floor:.1f}x |"
            )
        first_db = result.total("first") - result.opening("first")
        lines.append(
            f"| {label}: database part of the first import (`apply_bundle`) | {first_db:.2f} s "
            f"| {against} | {first_db / floor:.1f}x |"
        )
    table = "\n".join(lines)
    first_rows = next(iter(results.values())).rows
    size = len(bundles.first) / 1024**2
    pg_note = ""
    if "PostgreSQL" in results:
        pg = results["PostgreSQL"]
        pg_note = (
            f"PostgreSQL {pg_version} runs on the same machine with fsync, synchronous commit "
            "and full-page writes on; its floor is the faster of a pipelined row-by-row "
            f"`executemany` ({statistics.median(pg.floor_rowwise):.2f} s) and multi-row "
            f"`INSERT ... VALUES` of up to {PG_ROWS_PER_STATEMENT} rows, under 65,535 parameters "
            f"a statement ({statistics.median(pg.floor_batched):.2f} s)."
        )
    notes = (
        'Notes: "open" is decrypting, verifying the signature and certificate path, unpacking and '
        "checking every record against the bundle schema, before the database is touched; "
        '"database" is the rest (`apply_bundle`, one transaction). The floor writes every row the '
        f"first import adds, in every table ({_rows_line(first_rows)}): read back from the "
        "imported store and inserted through the same driver into an empty store of the same "
        "kind, in one transaction. The SQLite store is SQLCipher with `synchronous=FULL` and "
        "foreign keys on, as the app opens it. " + pg_note
    )
    revision = _revision()
    return f"""{MARK_START}
## Bundle import

Measured {date.today().isoformat()} on {_cpu()}, {platform.machine()} ({os.cpu_count()} cores),
Python {platform.python_version()}: one bundle of {args.cases} demo cases ({size:.1f} MiB
encrypted) imported by the back office, median of {args.runs} run(s), each in a fresh store.
Figures from `benchmarks/bundle_import.py` at {revision}.

| what | inburgering_tui | floor | ratio |
|---|---|---|---|
{table}
| export of that bundle on the laptop (information) | {bundles.export_time:.2f} s | | |

{textwrap.fill(notes, width=100, break_on_hyphens=False)}
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


def measure_all(
    args: argparse.Namespace, bundles: Bundles, offices: Path
) -> tuple[dict[str, Result], str]:
    counter = iter(range(1_000_000))

    def fresh_sqlite() -> Store:
        return Vault(offices / str(next(counter))).create(PASSPHRASE, actor="backoffice")

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
                other = fresh_postgres()  # the same rows again, batched, into another database
                result.floor_batched.append(floor_postgres(other, result.rows, batched=True))
                other.close()
                result.floor.append(min(result.floor_rowwise[-1], result.floor_batched[-1]))
                print(
                    f"  postgres floor: row by row {result.floor_rowwise[-1]:.2f} s, "
                    f"batched {result.floor_batched[-1]:.2f} s"
                )

            results["PostgreSQL"] = measure(
                bundles, fresh_postgres, args.runs, postgres_floor, args.profile, "postgres"
            )
            probe = fresh_postgres()
            with probe.engine.connect() as conn:
                pg_version = str(conn.exec_driver_sql("SHOW server_version").scalar()).split()[0]
            probe.close()

    return results, pg_version


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=1, help="fresh stores per backend")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument(
        "--profile", type=Path, help="write pyinstrument profiles of the first imports here"
    )
    parser.add_argument(
        "--home",
        type=Path,
        help="the laptop's directory; one an earlier run populated with as many cases is reused",
    )
    args = parser.parse_args()
    # A SIGTERM unwinds like Ctrl-C, so the PostgreSQL cluster is stopped and removed.
    signal.signal(signal.SIGTERM, lambda _signal, _frame: sys.exit(143))
    home = args.home or Path(tempfile.mkdtemp(prefix="inburgering-bench-"))
    offices = Path(tempfile.mkdtemp(prefix="inburgering-bench-office-"))
    try:
        print(f"setup: {args.cases} demo cases and two bundles in {home}")
        bundles = Bundles(home, args.cases)
        print(f"  export: {bundles.export_time:.2f} s, {len(bundles.first) / 1024**2:.1f} MiB")
        results, pg_version = measure_all(args, bundles, offices)
    finally:
        shutil.rmtree(offices, ignore_errors=True)  # a gigabyte a store at 10,000 cases
        if args.home is None:
            shutil.rmtree(home, ignore_errors=True)
    text = section(args, bundles, results, pg_version)
    write_section(args.out, text)
    print(text)


if __name__ == "__main__":
    main()
