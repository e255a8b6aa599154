"""One way from a database URL to an engine, short sessions per unit of work, and migrations.

SQLite (the embedded default) runs in WAL with full sync, foreign keys on and a busy
timeout; writes begin with ``BEGIN IMMEDIATE`` so that two writers queue instead of
failing half-way. PostgreSQL goes through psycopg 3. Nothing here connects at import.
"""

from __future__ import annotations

import functools
import logging
import os
import random
import re
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    NoSuchModuleError,
    OperationalError,
    SQLAlchemyError,
)
from sqlmodel import Session, create_engine

from divert_tui.core.audit_key import AuditKey, AuditKeyError, load_or_create_key
from divert_tui.core.db_errors import (  # noqa: F401 - the error words are used from here too
    StorageError,
    explain_operational_error,
    storage_error,
    trouble_in_words,
    trouble_kind,
)
from divert_tui.core.outfiles import PRIVATE_FILE_MODE, ensure_private_dir

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 5000


def parse_url(url: str) -> URL:
    """Parse a database URL, with a message a person can act on when it is wrong."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StorageError(
            f"{_redact(url)!s} is not a database URL: use sqlite:///PATH or "
            "postgresql+psycopg://USER:PASSWORD@HOST:PORT/NAME"
        ) from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StorageError(
            f"unsupported database {parsed.get_backend_name()!r}: use sqlite or postgresql+psycopg"
        )
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _redact(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return repr(re.sub(r"(://[^:/@]+):.*@", r"\1:***@", url))


def is_sqlite(url: str | URL) -> bool:
    return (make_url(url) if isinstance(url, str) else url).get_backend_name() == "sqlite"


def sqlite_path(url: str | URL) -> Path | None:
    """The file behind a SQLite URL, or None for an in-memory database."""
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    database = parsed.database
    if parsed.query.get("uri") == "true" or database.startswith("file:"):
        # A SQLite URI filename: "file:/path?mode=ro"; the path is between the two.
        database = database.removeprefix("file:").split("?", 1)[0]
        if not database or database == ":memory:" or "mode=memory" in parsed.database:
            return None
    return Path(database).expanduser()


def _check_folder(path: Path, *, create_folder: bool) -> None:
    """The database's folder must exist: a typo in --db is refused, never turned into new
    folders and a fresh empty database. Only the default data folder is made (owner-only)."""
    folder = path.parent
    if folder.is_dir() and not create_folder:
        return
    if folder.exists() and not folder.is_dir():
        raise StorageError(
            f"{folder} is a file, not a folder, so it cannot hold the database; "
            "choose another path with --db"
        )
    if not create_folder:
        raise StorageError(
            f"the folder {folder} for the database does not exist; create it first "
            "or choose another path with --db"
        )
    try:
        ensure_private_dir(folder)
    except OSError as exc:
        raise StorageError(
            f"cannot make the folder {folder} for the database ({exc.strerror}); "
            "choose another path with --db"
        ) from None


def make_engine(url: str, *, create_folder: bool = False, **kwargs: Any) -> Engine:
    """The engine for a URL, set up for safe writes; it does not connect yet.

    ``create_folder`` makes a missing folder for a SQLite file (the default data folder);
    otherwise the folder must already exist.
    """
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_path(parsed)
        if path is not None:
            _check_folder(path, create_folder=create_folder)
        engine = _create(
            parsed,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            hide_parameters=True,
            **kwargs,
        )
        plain_file = path if path is not None and not _is_uri(parsed) else None
        _configure_sqlite(engine, in_memory=path is None, private_file=plain_file)
        return engine
    return _create(
        parsed,
        pool_pre_ping=True,
        connect_args={"connect_timeout": 5},
        hide_parameters=True,
        **kwargs,
    )


def _create(parsed: URL, **kwargs: Any) -> Engine:
    try:
        return create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ModuleNotFoundError):
        if parsed.drivername == "postgresql+psycopg":
            raise StorageError(
                "PostgreSQL support is not installed: pip install 'divert-tui[postgres]'"
            ) from None
        raise StorageError(
            f"unknown database driver {parsed.drivername!r}: use sqlite:///PATH or "
            "postgresql+psycopg://..."
        ) from None


def _is_uri(parsed: URL) -> bool:
    return parsed.query.get("uri") == "true" or (parsed.database or "").startswith("file:")


#: The files SQLite keeps beside a database in WAL mode.
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def _create_private_file(path: Path) -> None:
    """Create the database file owner-only before SQLite does: SQLite gives its -wal and
    -shm files the database file's mode, so they come out 0600 too, whatever the umask."""
    if path.exists():
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except OSError:
        return  # SQLite then says why it cannot open the file
    os.close(fd)


def tighten_sqlite_files(path: Path) -> None:
    """Make an existing database and its companion files owner-only."""
    for candidate in (path, *(path.with_name(path.name + end) for end in SQLITE_COMPANIONS)):
        with suppress(OSError):
            if candidate.is_file() and stat.S_IMODE(candidate.stat().st_mode) != PRIVATE_FILE_MODE:
                os.chmod(candidate, PRIVATE_FILE_MODE)


def _configure_sqlite(engine: Engine, *, in_memory: bool, private_file: Path | None) -> None:
    if private_file is not None:

        @event.listens_for(engine, "do_connect")
        def _before_connect(*_args: Any) -> None:
            _create_private_file(private_file)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the sqlite3 module so BEGIN is ours to issue.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()
        if private_file is not None:
            tighten_sqlite_files(private_file)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        begin_with_retry(connection, mode)


#: A locked ``BEGIN IMMEDIATE`` is tried again this many busy timeouts long in all, so that
#: a few writers queueing behind a long import wait their turn instead of failing.
LOCK_RETRY_TIMEOUTS = 6


def _is_locked(exc: DBAPIError) -> bool:
    return trouble_kind(exc) == "locked"


def begin_with_retry(connection: Any, mode: str) -> None:
    """Issue ``BEGIN mode``; when another writer holds the lock past the busy timeout, back
    off and try again until ``LOCK_RETRY_TIMEOUTS`` busy timeouts have passed.

    A failed BEGIN leaves no transaction open, so trying it again is safe.
    """
    deadline = time.monotonic() + LOCK_RETRY_TIMEOUTS * SQLITE_BUSY_TIMEOUT_MS / 1000
    delay = 0.05
    while True:
        try:
            connection.exec_driver_sql(f"BEGIN {mode}")
            return
        except OperationalError as exc:
            if not _is_locked(exc) or time.monotonic() + delay > deadline:
                raise
            log.info("database locked at BEGIN %s; trying again in %.2f s", mode, delay)
        time.sleep(delay + random.uniform(0, delay))
        delay = min(delay * 2, 1.0)


class Database:
    """A database reached by URL: hands out one short session per unit of work."""

    def __init__(
        self,
        url: str,
        *,
        create_folder: bool = False,
        audit_key_path: Path | None = None,
        **engine_kwargs: Any,
    ) -> None:
        self.url = url
        self.engine = make_engine(url, create_folder=create_folder, **engine_kwargs)
        self._writer = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        self._audit_key_path = audit_key_path
        self._audit_key: AuditKey | None = None
        self._audit_key_failed = False

    @property
    def audit_key_path(self) -> Path:
        """Where the key that signs the audit chain's head is kept (the config folder)."""
        if self._audit_key_path is None:
            from divert_tui.config import audit_key_path

            self._audit_key_path = audit_key_path()
        return self._audit_key_path

    def audit_key(self) -> AuditKey:
        """The audit key, read (or made) on first use; raises AuditKeyError in words."""
        if self._audit_key is None:
            self._audit_key = load_or_create_key(self.audit_key_path)
        return self._audit_key

    def _audit_key_or_none(self) -> AuditKey | None:
        if self._audit_key is None and self._audit_key_failed:
            return None
        try:
            return self.audit_key()
        except AuditKeyError:
            # Saving must not stop for it; ``audit verify`` reports the unreadable key.
            log.warning("audit key unusable: events are written without a signed head")
            self._audit_key_failed = True
            return None

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def display_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session in one transaction that commits on success and rolls back on any error.

        The transaction helper of every service: a locked database is waited for (see
        ``begin_with_retry``), and a database that cannot take the write (full disk,
        read-only, locked too long, server gone) raises ``StorageError`` in words, with
        nothing written.
        """
        try:
            info = {"audit_key": self._audit_key_or_none()}
            with (
                Session(self._writer, expire_on_commit=False, info=info) as session,
                session.begin(),
            ):
                yield session
        except OperationalError as exc:
            if not trouble_kind(exc):
                raise  # not the storage's trouble (a missing table): the caller's to handle
            raise storage_error(self, exc) from None

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; it never commits. Driver troubles come out as StorageError."""
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                try:
                    yield session
                finally:
                    session.rollback()
        except OperationalError as exc:
            if not trouble_kind(exc):
                raise  # not the storage's trouble (a missing table): the caller's to handle
            raise storage_error(self, exc) from None

    def dispose(self) -> None:
        self.engine.dispose()


# --- migrations --------------------------------------------------------------------------


def _alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("db")))
    config.attributes["engine"] = engine
    return config


_REVISION = re.compile(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\s*=\s*(.+)$", re.MULTILINE)


@functools.cache
def shipped_revisions() -> tuple[frozenset[str], frozenset[str]]:
    """(every revision, the heads) of the migrations in ``db/versions``.

    Read from the files' text, so that the start-up check needs no Alembic import; Alembic
    itself is loaded only when there is something to migrate.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for entry in resources.files("db").joinpath("versions").iterdir():
        if not entry.name.endswith(".py") or entry.name.startswith("__"):
            continue
        text = entry.read_text(encoding="utf-8")
        revision = _REVISION.search(text)
        down = _DOWN_REVISION.search(text)
        if revision is None or down is None:
            continue
        revisions.add(revision.group(1))
        parents.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    return frozenset(revisions), frozenset(revisions - parents)


def code_heads(engine: Engine | None = None) -> set[str]:
    return set(shipped_revisions()[1])


def database_revisions(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return set()
        rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
        return {row[0] for row in rows}


def check_reachable(db: Database) -> None:
    """Connect once, turning the ways a database can be out of reach into plain messages."""
    try:
        with db.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except DBAPIError as exc:
        raise storage_error(db, exc) from None


def check_writable(db: Database) -> None:
    """Write a row and roll it back, so a read-only database is refused at start, not at
    the first save (SQLite grants BEGIN IMMEDIATE even on a read-only file)."""
    try:
        with db.engine.connect() as connection:
            transaction = connection.execution_options(sqlite_begin="IMMEDIATE").begin()
            try:
                connection.exec_driver_sql(
                    "INSERT INTO setting (key, value) VALUES ('write-check', '')"
                )
            finally:
                transaction.rollback()
    except DBAPIError as exc:
        raise storage_error(db, exc) from None


def upgrade(db: Database) -> list[str]:
    """Bring the schema up to date; refuse a database that is newer than this program."""
    check_reachable(db)
    known, heads = shipped_revisions()
    try:
        current = database_revisions(db.engine)
        unknown = current - known
        if unknown:
            raise StorageError(
                f"the database {db.display_url} was upgraded by a newer version of divert "
                f"(schema {', '.join(sorted(unknown))}); install the newer version to use it"
            )
        if current == heads:
            return []
        from alembic import command

        with db.engine.begin() as connection:
            config = _alembic_config(db.engine)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        return sorted(heads - current)
    except DBAPIError as exc:
        raise storage_error(db, exc) from None
    except SQLAlchemyError as exc:
        log.error("migration failed: %s", type(exc).__name__)
        raise StorageError(
            f"upgrading the database {db.display_url} failed ({type(exc).__name__}); "
            "nothing was changed"
        ) from None


def table_names(db: Database) -> set[str]:
    return set(inspect(db.engine).get_table_names())
