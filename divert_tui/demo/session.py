"""``divert --demo``: a throwaway SQLite database, filled with the synthetic cohort.

Trainers must be physically unable to open real data from the demo, so the demo makes
its own database in a fresh temporary folder. A ``--db`` is accepted only when it names a
SQLite file that is already a demo database, or a new file in the temporary folder;
anything else (PostgreSQL, the configured database, a file with other data) is refused
before anything connects to it. An existing file is inspected read-only, so a refused
live file is never touched (not even switched to WAL).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from divert_tui.config import ConfigError, load_settings
from divert_tui.core.bootstrap import Opened, open_database
from divert_tui.core.database import sqlite_path
from divert_tui.core.models import Referral
from divert_tui.core.services.settings import DATASET_KEY, DEMO, is_demo_database
from divert_tui.demo.cohort import DEFAULT_REFERRALS, DEFAULT_SEED, DemoRefused, fill_demo
from divert_tui.demo.shift import date_up_to

PREFIX = "divert-demo-"
REFUSAL = "the demo only runs on its own throwaway database; drop --db"


OWNER_FILE = "owner.pid"
UNOWNED_STALE_AFTER = 24 * 60 * 60  # seconds: a folder from before owner files is old by then


def demo_database_path() -> Path:
    """A new file in a new private temporary folder (the folder is created, the file not).

    The folder names the process that made it, so that a later demo can tell it is stale."""
    folder = Path(tempfile.mkdtemp(prefix=PREFIX))
    (folder / OWNER_FILE).write_text(f"{os.getpid()}\n", encoding="ascii")
    return folder / "demo.db"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process with that id: leave the folder alone
    return True


def remove_stale_demo_folders(temp_dir: Path | None = None) -> list[Path]:
    """Delete the throwaway folders of demos whose process died (kill -9, a dropped session).

    Only this user's folders named like a demo's are considered; a folder whose process is
    alive, or whose owner cannot be read, is kept. Returns the folders removed."""
    base = (temp_dir or Path(tempfile.gettempdir())).resolve()
    removed: list[Path] = []
    for folder in base.glob(f"{PREFIX}*"):
        try:
            if not folder.is_dir() or folder.is_symlink() or folder.stat().st_uid != os.getuid():
                continue
            owner = folder / OWNER_FILE
            if owner.exists():
                if _process_alive(int(owner.read_text(encoding="ascii").strip())):
                    continue
            elif time.time() - folder.stat().st_mtime < UNOWNED_STALE_AFTER:
                continue
        except (OSError, ValueError):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def open_demo(
    url: str | None = None,
    *,
    referrals: int = DEFAULT_REFERRALS,
    seed: int = DEFAULT_SEED,
    today: date | None = None,
    schemes_dir: Path | None = None,
    now_minute: int | None = None,
    reset: bool = False,
) -> Opened:
    """Create, migrate and fill the demo database (or reopen a demo one given by ``url``).

    ``now_minute`` is the real UK time on ``today``, so that nothing is dated after it.
    A kept demo is dated up to ``today`` (its dates shifted, its people unchanged);
    ``reset`` throws a kept demo file away first and fills a fresh one."""
    if url is None:
        remove_stale_demo_folders()
        url = f"sqlite:///{demo_database_path()}"
    else:
        check_demo_url(url)
        if reset:
            remove_demo_file(url)
    opened = open_database(url, schemes_dir)
    try:
        if not is_demo_database(opened.db) or not _has_referrals(opened):
            fill_demo(
                opened.db, referrals, seed, today, schemes=opened.schemes, now_minute=now_minute
            )
        elif today is not None:
            date_up_to(opened.db, today)
    except BaseException:
        opened.db.dispose()
        raise
    return opened


def remove_demo_file(url: str) -> None:
    """Delete a kept demo database (and its journal files), after ``check_demo_url`` passed.

    Checked again here: only a file that says it is a demo is ever deleted."""
    path = sqlite_path(make_url(url))
    if path is None or not path.exists():
        return
    if path.stat().st_size > 0 and not _is_demo_file(path):
        raise DemoRefused(f"{REFUSAL} (that file is not a demo database)")
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def discard_demo(opened: Opened) -> None:
    """Close the demo database and delete its folder, when ``open_demo`` made that folder."""
    opened.db.dispose()
    path = sqlite_path(opened.db.url)
    if path is None:
        return
    folder = path.resolve().parent
    if folder.name.startswith(PREFIX) and folder.parent == Path(tempfile.gettempdir()).resolve():
        shutil.rmtree(folder, ignore_errors=True)


def _has_referrals(opened: Opened) -> bool:
    with opened.db.read() as session:
        return bool(session.execute(select(func.count()).select_from(Referral)).scalar_one())


def check_demo_url(url: str) -> None:
    """Refuse (DemoRefused) any database the demo may not open; say why after the rule."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DemoRefused(f"{REFUSAL} (it is not a database URL)") from None
    if parsed.get_backend_name() != "sqlite":
        raise DemoRefused(f"{REFUSAL} (the demo never uses a {parsed.get_backend_name()} server)")
    path = sqlite_path(parsed)
    if path is None:
        raise DemoRefused(f"{REFUSAL} (an in-memory database cannot be shared by the app)")
    path = path.resolve()
    if path == _configured_path():
        raise DemoRefused(f"{REFUSAL} (that is the configured database)")
    if path.exists() and path.stat().st_size > 0:
        if not _is_demo_file(path):
            raise DemoRefused(f"{REFUSAL} (that file is not a demo database)")
        return
    if not path.is_relative_to(Path(tempfile.gettempdir()).resolve()):
        raise DemoRefused(f"{REFUSAL} (a new demo database must be in the temporary folder)")


def _configured_path() -> Path | None:
    try:
        configured = load_settings(None).database_url
        path = sqlite_path(configured)
    except (ConfigError, ArgumentError):
        return None
    return path.resolve() if path is not None else None


def _is_demo_file(path: Path) -> bool:
    """Whether a SQLite file says it holds the demo cohort, read without changing the file."""
    try:
        connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        row = connection.execute(
            "SELECT value FROM setting WHERE key = ?", (DATASET_KEY,)
        ).fetchone()
    except sqlite3.Error:
        return False
    finally:
        connection.close()
    return row is not None and row[0] == DEMO
