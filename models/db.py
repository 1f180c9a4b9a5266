"""Engine, connection settings, units of work and schema upgrade.

SQLite by default (a file under data/), PostgreSQL by URL. On SQLite every connection gets
foreign keys, WAL, a busy timeout and FULL sync; write transactions start with BEGIN IMMEDIATE so
concurrent writers queue instead of losing updates (spec/streamlit.md §4.2). On PostgreSQL a write
transaction takes the same one global place in the queue first thing, with a transaction-level
advisory lock: the next number (max + 1), the optimistic version check, the account check and the
audit chain's next link are then read after every earlier writer committed, exactly as on SQLite,
and the audit chain is appended in one global order (issue #16).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlmodel import Session

from models.audit import Actor

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = REPO_ROOT / "data" / "workbench.db"
DB_URL_VARIABLE = "WORKBENCH_DB_URL"
_WRITE = "workbench_write"
# The key of the one advisory lock every PostgreSQL write transaction holds until it ends.
WRITE_LOCK_KEY = 727411


def database_url(url: str | None = None) -> str:
    """The URL to use: explicit, else $WORKBENCH_DB_URL, else the default SQLite file."""
    return url or os.environ.get(DB_URL_VARIABLE) or f"sqlite:///{DEFAULT_DB_PATH}"


def make_engine(url: str | None = None) -> Engine:
    """Create an engine with the project's connection settings for its dialect."""
    url = database_url(url)
    if not url.startswith("sqlite"):
        # Reads see one snapshot per transaction, as SQLite's do; writers ask for READ
        # COMMITTED (`writer`), so after the write lock they read what committed before them.
        engine = create_engine(url, pool_pre_ping=True, isolation_level="REPEATABLE READ")
        event.listen(engine, "begin", _postgres_begin)
        return engine
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 10})
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Python 3.11: run PRAGMAs with a cursor; take over transaction control from pysqlite.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in ("foreign_keys=ON", "journal_mode=WAL", "busy_timeout=10000", "synchronous=FULL"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    immediate = conn.get_execution_options().get(_WRITE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _postgres_begin(conn: Any) -> None:
    if conn.get_execution_options().get(_WRITE, False):
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")


def writer(engine: Engine) -> Engine:
    """The engine as a writer: BEGIN IMMEDIATE on SQLite, the global write lock on PostgreSQL.

    Every transaction that writes goes through this, so writers queue in one order on both
    engines and the rules read below a write see every earlier commit.
    """
    if engine.dialect.name == "postgresql":
        return engine.execution_options(**{_WRITE: True}, isolation_level="READ COMMITTED")
    return engine.execution_options(**{_WRITE: True})


@contextmanager
def unit_of_work(
    engine: Engine, actor: Actor, reason: str | None = None, study_version: str | None = None
) -> Iterator[Session]:
    """One write transaction: commits on success, rolls back everything on any error.

    The actor and reason travel in `session.info`, where the audit capture reads them. The
    actor's account is re-read first, inside the transaction (`models.accounts.check_actor`).
    """
    from models.accounts import check_actor

    session = Session(writer(engine), expire_on_commit=False)
    session.info.update(actor=actor, reason=reason, study_version=study_version)
    try:
        check_actor(session, actor)
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A short read-only session; objects stay usable after it closes."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


def _alembic_config() -> Any:
    from alembic.config import Config

    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(REPO_ROOT / "migrations"))
    return config


def head_revision() -> str | None:
    """The newest migration this code knows."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def schema_revision(engine: Engine) -> str | None:
    """The migration a database is at (None: not migrated), read without changing it."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration; never drops data (Alembic, spec §4.5)."""
    from alembic import command

    config = _alembic_config()
    # As a writer: servers starting together queue, and a migration's audit rows are appended
    # after every earlier commit (PostgreSQL: READ COMMITTED under the write lock).
    with writer(engine).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
