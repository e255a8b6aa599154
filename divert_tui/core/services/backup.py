"""Backing up and restoring the embedded SQLite database, safely while people work.

``backup`` copies the live database with SQLite's online backup API in one step, inside
one read transaction: writers carry on (WAL), and the copy is the database as it stood at
one moment, every committed row of that moment in it. The copy is made beside the target
under a temporary name, checked with ``PRAGMA integrity_check``, made owner-only and only
then given its name, so a half-made backup never looks like a good one.

``restore`` never replaces anything it has not checked: the backup is copied next to the
database, the copy must pass ``integrity_check`` and carry a schema this version of divert
knows; the database must not be open anywhere (SQLite's locks say so); the database it
replaces is kept, renamed with the time, companions (-wal, -shm, -journal) and all.

PostgreSQL is backed up with pg_dump and restored with pg_restore (README, "Backups").
"""

from __future__ import annotations

import logging
import os
import sqlite3
from contextlib import closing, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from divert_tui.core.database import (
    SQLITE_COMPANIONS,
    Database,
    code_heads,
    database_revisions,
    is_sqlite,
    shipped_revisions,
    sqlite_path,
)
from divert_tui.core.outfiles import PRIVATE_FILE_MODE, marked_path
from divert_tui.core.services import audit
from divert_tui.core.services.base import Actor, Permission, ServiceError, require
from divert_tui.core.services.settings import DATASET_KEY, DEMO

log = logging.getLogger(__name__)

POSTGRES_ADVICE = (
    "this is a PostgreSQL database: back it up with pg_dump and restore it with pg_restore "
    "(see the Backups section of the README); divert db backup and restore are for SQLite"
)
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 5.0

#: The use cases; the other public names are helpers shared with the CLI and screens.
__all__ = ["BackupError", "BackupResult", "RestoreResult", "backup", "restore"]


class BackupError(ServiceError):
    """A backup or restore refused or failed; the message says why and what to do."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size_bytes: int
    revision: str
    audited: bool


@dataclass(frozen=True)
class RestoreResult:
    database: Path
    kept: Path | None  # the database that was replaced, renamed with the time
    revision: str  # the schema of the backup, before any upgrade


def _file_of(db_url: str) -> Path:
    if not is_sqlite(db_url):
        raise BackupError(POSTGRES_ADVICE)
    path = sqlite_path(db_url)
    if path is None:
        raise BackupError("an in-memory database cannot be backed up or restored")
    return path


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
    connection.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    return connection


def _integrity_problem(connection: sqlite3.Connection) -> str | None:
    """None when ``PRAGMA integrity_check`` says ok, else its first complaint."""
    try:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    if [tuple(row) for row in rows] == [("ok",)]:
        return None
    return str(rows[0][0]) if rows else "no answer from the integrity check"


def _revision(connection: sqlite3.Connection) -> str | None:
    try:
        rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.DatabaseError:
        return None
    return ",".join(sorted(str(row[0]) for row in rows)) or None


def _is_demo(connection: sqlite3.Connection) -> bool:
    try:
        row = connection.execute(
            "SELECT value FROM setting WHERE key = ?", (DATASET_KEY,)
        ).fetchone()
    except sqlite3.DatabaseError:
        return False
    return row is not None and row[0] == DEMO


def _private_new_file(path: Path) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    with suppress(OSError):
        os.fchmod(fd, PRIVATE_FILE_MODE)
    os.close(fd)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _partial_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.partial-{os.getpid()}")


def _remove_quietly(path: Path) -> None:
    for candidate in (path, *(path.with_name(path.name + end) for end in SQLITE_COMPANIONS)):
        with suppress(FileNotFoundError):
            candidate.unlink()


def _copy_checked(source: sqlite3.Connection, partial: Path) -> None:
    """The whole source into ``partial`` in one backup step, standalone and checked."""
    _private_new_file(partial)
    with closing(sqlite3.connect(str(partial), isolation_level=None)) as copy:
        source.backup(copy)  # pages=-1: one step, one read transaction, one moment
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        problem = _integrity_problem(copy)
    if problem is not None:
        raise BackupError(f"the copy failed the integrity check ({problem}); nothing was kept")
    os.chmod(partial, PRIVATE_FILE_MODE)
    _fsync(partial)


def _sync_folder(folder: Path) -> None:
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _require(db_url: str, actor: Actor) -> None:
    """The permission, and for a staff account that it is still active, checked before any
    file is touched: the audit event comes after the copy, too late to refuse anything."""
    if actor.staff_id is None:
        require(actor, Permission.MANAGE_SETTINGS)
        return
    db = Database(db_url)
    try:
        with db.read() as session:
            require(actor, Permission.MANAGE_SETTINGS)
            session.connection()  # the activeness check runs on the first connection
    finally:
        db.dispose()


def backup(
    db_url: str, target: Path, *, force: bool = False, actor: Actor | None = None
) -> BackupResult:
    """A consistent online copy of the SQLite database at ``target`` (owner-only).

    An existing ``target`` is refused unless ``force``. The backup is recorded in the live
    database's audit trail when its schema is this version's.
    """
    actor = actor or Actor.system("db-backup")
    _require(db_url, actor)
    source_path = _file_of(db_url)
    if not source_path.is_file():
        raise BackupError(f"there is no database at {source_path} to back up; check --db")
    with closing(_connect(source_path)) as source:
        revision = _revision(source)
        if revision is None:
            raise BackupError(f"{source_path} is not a divert database (it has no schema version)")
        target = marked_path(target.expanduser(), demo=_is_demo(source))
        if not target.parent.is_dir():
            raise BackupError(f"the folder {target.parent} does not exist; create it first")
        if target.exists() and target.resolve() == source_path.resolve():
            raise BackupError("the backup file is the database itself; choose another name")
        if target.exists() and not force:
            raise BackupError(
                f"{target} already exists; choose another name, or add --force to replace it"
            )
        partial = _partial_name(target)
        _remove_quietly(partial)
        try:
            _copy_checked(source, partial)
            if force:
                os.replace(partial, target)
            else:
                os.link(partial, target)  # refuses, atomically, a file made meanwhile
                partial.unlink()
        except FileExistsError:
            raise BackupError(f"{target} appeared while backing up; nothing was replaced") from None
        except sqlite3.DatabaseError as exc:
            raise BackupError(
                f"the database could not be copied ({exc}); nothing was kept"
            ) from None
        except OSError as exc:
            raise BackupError(
                f"the backup could not be written to {target.parent} ({exc.strerror}); nothing was kept"
            ) from None
        finally:
            _remove_quietly(partial)
    _sync_folder(target.parent)
    audited = _record(db_url, actor, "db.backup", f"file={target.name}")
    return BackupResult(target, target.stat().st_size, revision, audited)


def _record(db_url: str, actor: Actor, action: str, detail: str) -> bool:
    """Audit a backup or restore, when the database's schema is this version's own."""
    db = Database(db_url)
    try:
        if database_revisions(db.engine) != code_heads():
            return False
        with db.write() as session:
            audit.record(session, actor, action, "database", "", detail)
        return True
    finally:
        db.dispose()


def _in_use(path: Path) -> bool:
    """Whether another connection has the database open (SQLite's own locks tell)."""
    if not path.exists():
        return False
    try:
        with closing(sqlite3.connect(str(path), timeout=0.2, isolation_level=None)) as probe:
            probe.execute("PRAGMA locking_mode=EXCLUSIVE")
            probe.execute("BEGIN EXCLUSIVE")
            probe.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        return "locked" in str(exc) or "busy" in str(exc)
    except sqlite3.DatabaseError:
        return False  # a damaged database: the restore replaces it (and keeps it)
    return False


def _check_backup_file(path: Path) -> None:
    if not path.is_file():
        raise BackupError(f"there is no backup file at {path}")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise BackupError(f"{path} cannot be read ({exc.strerror})") from None
    if header != SQLITE_HEADER:
        raise BackupError(
            f"{path} is not a SQLite database, so not a divert backup; nothing was changed"
        )


def _checked_revision(copy_path: Path, backup_path: Path) -> tuple[str, bool]:
    """(the schema revision, whether it is a demo) of a copied backup, or a refusal."""
    with closing(sqlite3.connect(str(copy_path), isolation_level=None)) as copy:
        problem = _integrity_problem(copy)
        if problem is not None:
            raise BackupError(
                f"{backup_path} is damaged: the integrity check says {problem!r}; nothing was "
                "changed. Use another backup"
            )
        revision = _revision(copy)
        demo = _is_demo(copy)
    if revision is None:
        raise BackupError(
            f"{backup_path} is not a divert database (it has no schema version); nothing was changed"
        )
    known, _ = shipped_revisions()
    unknown = set(revision.split(",")) - known
    if unknown:
        raise BackupError(
            f"{backup_path} has a schema ({', '.join(sorted(unknown))}) this version of divert "
            "does not know: it was made by a newer divert. Install that version to restore it; "
            "nothing was changed"
        )
    return revision, demo


def _kept_name(target: Path, now: datetime) -> Path:
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    kept = target.with_name(f"{target.name}.replaced-{stamp}")
    number = 2
    while kept.exists():
        kept = target.with_name(f"{target.name}.replaced-{stamp}-{number}")
        number += 1
    return kept


def _settle_for_keeping(target: Path) -> None:
    """Fold the -wal into the database file so the kept copy stands on its own."""
    try:
        with closing(sqlite3.connect(str(target), timeout=0.2, isolation_level=None)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.DatabaseError as exc:
        log.warning("the replaced database could not be checkpointed (%s)", type(exc).__name__)


def restore(
    db_url: str, backup_path: Path, *, actor: Actor | None = None, now: datetime | None = None
) -> RestoreResult:
    """Replace the SQLite database with a checked backup; keep what it replaces."""
    actor = actor or Actor.system("db-restore")
    _require(db_url, actor)
    target = _file_of(db_url)
    backup_path = backup_path.expanduser()
    _check_backup_file(backup_path)
    if target.exists() and backup_path.resolve() == target.resolve():
        raise BackupError("the backup file is the database itself; nothing was changed")
    if not target.parent.is_dir():
        raise BackupError(f"the folder {target.parent} for the database does not exist")
    partial = _partial_name(target)
    _remove_quietly(partial)
    try:
        try:
            with closing(_connect(backup_path)) as source:
                _private_new_file(partial)
                with closing(sqlite3.connect(str(partial), isolation_level=None)) as copy:
                    source.backup(copy)
                    copy.execute("PRAGMA journal_mode=DELETE")
        except sqlite3.DatabaseError as exc:
            raise BackupError(
                f"{backup_path} cannot be read as a database ({exc}); nothing was changed"
            ) from None
        revision, backup_is_demo = _checked_revision(partial, backup_path)
        if target.exists():
            with closing(_connect(target)) as current:
                live_is_demo = _is_demo(current)
            if backup_is_demo and not live_is_demo:
                raise BackupError(
                    f"{backup_path} is a demo database (synthetic people, opened without "
                    "passwords) and would replace a live one; nothing was changed"
                )
        if _in_use(target):
            raise BackupError(
                f"{target} is in use: close divert everywhere it is open (every window and "
                "terminal), then run divert db restore again; nothing was changed"
            )
        _fsync(partial)
        kept = _swap(target, partial, now or datetime.now(UTC))
    finally:
        _remove_quietly(partial)
    _sync_folder(target.parent)
    _upgrade_and_record(db_url, actor, backup_path, kept)
    return RestoreResult(target, kept, revision)


def _swap(target: Path, partial: Path, now: datetime) -> Path | None:
    """Move the current database (and companions) aside, then put the copy in its place."""
    kept: Path | None = None
    if target.exists():
        _settle_for_keeping(target)
        kept = _kept_name(target, now)
        os.rename(target, kept)
        for end in SQLITE_COMPANIONS:
            companion = target.with_name(target.name + end)
            if companion.exists():
                os.rename(companion, kept.with_name(kept.name + end))
    os.rename(partial, target)
    os.chmod(target, PRIVATE_FILE_MODE)
    return kept


def _upgrade_and_record(db_url: str, actor: Actor, backup_path: Path, kept: Path | None) -> None:
    from divert_tui.core.database import upgrade

    db = Database(db_url)
    try:
        upgrade(db)
    finally:
        db.dispose()
    detail = f"from={backup_path.name}" + (f" kept={kept.name}" if kept else "")
    _record(db_url, actor, "db.restore", detail)
