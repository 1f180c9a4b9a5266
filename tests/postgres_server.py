"""A real PostgreSQL server for the test run, started by the run itself (issue #16).

pytest-postgresql's process fixture cannot start a server as root (PostgreSQL refuses to run as
root, and CI runs as root), so the server process is started here with Debian's `pg_ctl`, as the
`postgres` account when the run is root. The databases themselves come from pytest-postgresql's
`DatabaseJanitor`: one migrated template per run, and a fresh copy of it per test, so a test on
PostgreSQL starts from the same migrated, empty schema as a test on a fresh SQLite file.

A missing server is a failure, never a skip: `make test` and `.ci/run` install Debian's
postgresql package.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path

from pytest_postgresql.janitor import DatabaseJanitor

TEMPLATE = "workbench_template"
_SUPERUSER = "postgres"
_numbers = count(1)


@dataclass(frozen=True)
class PostgresServer:
    """Where the run's server listens, and its version (for the janitor)."""

    host: str
    port: int
    version: str

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://{_SUPERUSER}@{self.host}:{self.port}/{dbname}"

    def janitor(self, dbname: str, **kwargs: object) -> DatabaseJanitor:
        return DatabaseJanitor(
            user=_SUPERUSER,
            host=self.host,
            port=self.port,
            dbname=dbname,
            **kwargs,  # type: ignore[arg-type]
        )


def _bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).parent
    raise RuntimeError(
        "PostgreSQL server binaries not found: `apt-get install -y postgresql` "
        "(make test and .ci/run install it); the PostgreSQL tests never skip"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_server_account(command: list[str]) -> list[str]:
    return ["runuser", "-u", _SUPERUSER, "--", *command] if os.geteuid() == 0 else command


@dataclass
class _Cluster:
    bindir: Path
    datadir: Path
    port: int

    def run(self, *args: str) -> None:
        subprocess.run(
            _as_server_account([str(self.bindir / "pg_ctl"), *args]),
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.datadir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off -c max_connections=200"
        )
        self.run("initdb", "-D", str(self.datadir), "-o", f"-A trust -U {_SUPERUSER} -E UTF8")
        self.run("start", "-w", "-D", str(self.datadir), "-o", options, "-l", self.log)

    def stop(self) -> None:
        self.run("stop", "-D", str(self.datadir), "-m", "immediate")

    @property
    def log(self) -> str:
        return str(self.datadir.parent / "server.log")


def running_server() -> Iterator[PostgresServer]:
    """Start a throw-away cluster on a free loopback port; stop and remove it afterwards."""
    bindir = _bindir()
    root = Path(tempfile.mkdtemp(prefix="workbench-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, _SUPERUSER, _SUPERUSER)
    cluster = _Cluster(bindir=bindir, datadir=root / "data", port=_free_port())
    try:
        cluster.start()
    except subprocess.CalledProcessError as err:
        log = Path(cluster.log).read_text() if Path(cluster.log).exists() else ""
        raise RuntimeError(f"PostgreSQL did not start: {err.stderr!r} {log}") from err
    version = bindir.parent.name if bindir.parent.name[:1].isdigit() else "15"
    try:
        yield PostgresServer(host="127.0.0.1", port=cluster.port, version=version)
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


def fresh_database_name() -> str:
    """A database name unique within the run (tests never share a database)."""
    return f"wb_{os.getpid()}_{next(_numbers)}"
