"""A throwaway PostgreSQL cluster for the test session: the back office's database, for real.

Debian's server binaries (``scripts/install-system-packages`` installs them) make a fresh
cluster in a temporary directory, listening on 127.0.0.1 on a free port only; it is stopped and
removed when the session ends. PostgreSQL refuses to run as root, so as root every server
command runs as the ``postgres`` system user the Debian package creates.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

ADMIN_USER = "postgres"
MISSING = (
    "PostgreSQL server binaries (initdb, pg_ctl) not found: run scripts/install-system-packages"
    " (as root; `make test` does) to install Debian's postgresql package."
)

# Not UTC on purpose: the store must read back the instants it wrote whatever the server's
# own time zone is (a Dutch back office), and audit hashes must not depend on it.
_SETTINGS = """
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{socket_dir}'
fsync = off
synchronous_commit = off
full_page_writes = off
timezone = 'Europe/Amsterdam'
max_connections = 50
"""


class PgServerError(RuntimeError):
    """The test cluster could not be made or started."""


def server_bin_dir() -> Path | None:
    """The newest Debian server version's bin directory, else initdb on PATH, else None."""
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if debian:
        return debian[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PgServer:
    """One cluster under ``root``; use :func:`running_server` rather than this directly."""

    def __init__(self, bin_dir: Path, root: Path) -> None:
        self.bin_dir = bin_dir
        self.root = root
        self.data = root / "data"
        self.socket_dir = root / "socket"
        self.log = root / "server.log"
        self.port = 0
        self._as_root = os.geteuid() == 0

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin_dir / tool), *args]
        if self._as_root:
            command = ["runuser", "-u", ADMIN_USER, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise PgServerError(f"{tool} failed: {result.stderr.strip() or result.stdout.strip()}")

    def init(self) -> None:
        self.socket_dir.mkdir(parents=True)
        if self._as_root:
            try:
                user = pwd.getpwnam(ADMIN_USER)
            except KeyError:
                raise PgServerError(f"no '{ADMIN_USER}' system user. {MISSING}") from None
            for path in (self.root, self.socket_dir):
                os.chown(path, user.pw_uid, user.pw_gid)
        # Trust on loopback and the private socket only: a cluster that lives for one session.
        self._run(
            "initdb",
            *("-D", str(self.data), "-U", ADMIN_USER, "--auth=trust"),
            *("--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"),
        )

    def start(self, attempts: int = 3) -> None:
        # A free port can be taken between probing and binding: try again on another one.
        conf = self.data / "postgresql.auto.conf"  # read last: these settings win
        initial = conf.read_text()
        for attempt in range(attempts):
            self.port = _free_port()
            conf.write_text(initial + _SETTINGS.format(port=self.port, socket_dir=self.socket_dir))
            try:
                self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "start")
            except PgServerError:
                if attempt == attempts - 1:
                    raise PgServerError(f"pg_ctl start failed:\n{self._log_tail()}") from None
                continue
            self._wait_ready()
            return

    def _wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with psycopg.connect(self.dsn("postgres"), connect_timeout=2):
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise PgServerError(f"not ready in {timeout}s:\n{self._log_tail()}") from None
                time.sleep(0.1)

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            # Immediate: nothing in a throwaway cluster needs a clean checkpoint.
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def _log_tail(self) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-20:])
        except OSError:
            return "(no server log)"

    def dsn(self, database: str) -> str:
        """A libpq connection string, for psycopg directly (admin work)."""
        return f"host=127.0.0.1 port={self.port} user={ADMIN_USER} dbname={database}"

    def url(self, database: str) -> str:
        """A SQLAlchemy URL, what the store's ``server_engine`` takes."""
        return f"postgresql+psycopg://{ADMIN_USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, prefix: str = "test") -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        # CREATE DATABASE cannot run inside a transaction block.
        with psycopg.connect(self.dsn("postgres"), autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return name

    def drop_database(self, name: str) -> None:
        with psycopg.connect(self.dsn("postgres"), autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@contextmanager
def running_server() -> Iterator[PgServer]:
    """Make, start, yield, then stop and delete a cluster; PgServerError if that cannot be."""
    bin_dir = server_bin_dir()
    if bin_dir is None:
        raise PgServerError(MISSING)
    # Short path: a unix socket path must stay under ~107 bytes.
    root = Path(tempfile.mkdtemp(prefix="inb-pg-", dir="/tmp"))
    server = PgServer(bin_dir, root)
    try:
        server.init()
        server.start()
        yield server
    finally:
        try:
            server.stop()
        finally:
            shutil.rmtree(root, ignore_errors=True)
