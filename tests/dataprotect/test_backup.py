"""Issue 13 item 5: an online backup while someone writes, and a restore that checks
before it replaces anything and keeps what it replaced."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import threading
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import col, select

from divert_tui.cli import main
from divert_tui.core.database import Database, sqlite_path
from divert_tui.core.models import AuditEvent
from divert_tui.core.services import backup
from divert_tui.core.services.backup import BackupError

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DIVERT_TEST_DATABASE_URL")), reason="SQLite backups"
)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _integrity(path: Path) -> str:
    with closing(sqlite3.connect(str(path))) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def _actions(db_url: str) -> list[str]:
    db = Database(db_url)
    try:
        with db.read() as session:
            return list(session.exec(select(AuditEvent.action).order_by(col(AuditEvent.id))).all())
    finally:
        db.dispose()


def _fill(path: Path, megabytes: int) -> None:
    with closing(sqlite3.connect(str(path), isolation_level=None)) as conn:
        conn.execute("CREATE TABLE ballast (n INTEGER PRIMARY KEY, payload BLOB)")
        conn.execute("CREATE TABLE written (n INTEGER PRIMARY KEY)")
        conn.execute("BEGIN")
        for n in range(megabytes * 16):
            conn.execute("INSERT INTO ballast VALUES (?, ?)", (n, os.urandom(65536)))
        conn.execute("COMMIT")


def test_backup_while_a_writer_commits(db_url: str, db: Database, tmp_path: Path) -> None:
    source = sqlite_path(db_url)
    assert source is not None
    _fill(source, 40)
    committed = 0
    stop = threading.Event()
    started = threading.Event()

    def writer() -> None:
        nonlocal committed
        with closing(sqlite3.connect(str(source), timeout=10, isolation_level=None)) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            while not stop.is_set():
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("INSERT INTO written VALUES (?)", (committed,))
                conn.execute("COMMIT")
                committed += 1
                if committed == 20:
                    started.set()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert started.wait(10)
        before = committed
        made = backup.backup(db_url, tmp_path / "copy.db")
        during = committed
    finally:
        stop.set()
        thread.join()
    assert during > before, "the writer kept writing while the backup ran"
    assert _mode(made.path) == 0o600
    assert _integrity(made.path) == "ok"
    with closing(sqlite3.connect(str(made.path))) as conn:
        rows = [r[0] for r in conn.execute("SELECT n FROM written ORDER BY n")]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    # every row committed before the backup began, and a whole moment: no gaps
    assert len(rows) >= before
    assert rows == list(range(len(rows)))
    assert not list(tmp_path.glob(".copy.db.partial*"))
    assert _actions(db_url)[-1] == "db.backup"


def test_backup_refuses_to_overwrite_unless_forced(
    db_url: str, db: Database, tmp_path: Path
) -> None:
    target = tmp_path / "copy.db"
    target.write_text("keep me", encoding="utf-8")
    with pytest.raises(BackupError, match="already exists"):
        backup.backup(db_url, target)
    assert target.read_text(encoding="utf-8") == "keep me"
    backup.backup(db_url, target, force=True)
    assert _integrity(target) == "ok"
    runner = CliRunner()
    refused = runner.invoke(main, ["db", "backup", str(target), "--db", db_url])
    assert refused.exit_code == 1 and "--force" in refused.stderr


def test_postgres_is_pointed_to_pg_dump() -> None:
    runner = CliRunner()
    for args in (["db", "backup", "x.db"], ["db", "restore", "x.db"]):
        result = runner.invoke(main, [*args, "--db", "postgresql+psycopg://u@127.0.0.1:1/divert"])
        assert result.exit_code == 1
        assert "pg_dump" in result.stderr and "README" in result.stderr


def _count_staff(db_url: str) -> int:
    with closing(sqlite3.connect(str(sqlite_path(db_url)))) as conn:
        return conn.execute("SELECT count(*) FROM staff").fetchone()[0]


def test_restore_keeps_the_replaced_database(db_url: str, db: Database, tmp_path: Path) -> None:
    from divert_tui.core.services import staff
    from divert_tui.core.services.base import Actor

    saved = backup.backup(db_url, tmp_path / "saved.db").path
    staff.add_staff(db, Actor.system("tests"), "later", "admin", "a-long-password")
    db.dispose()
    target = sqlite_path(db_url)
    assert target is not None
    result = CliRunner().invoke(main, ["db", "restore", str(saved), "--db", db_url])
    assert result.exit_code == 0, result.output
    kept = list(target.parent.glob(target.name + ".replaced-*"))
    assert len(kept) == 1 and "kept as" in result.stdout
    assert _mode(target) == 0o600 and _integrity(target) == "ok"
    with closing(sqlite3.connect(str(kept[0]))) as conn:
        assert conn.execute("SELECT count(*) FROM staff").fetchone()[0] == 1  # "later" kept
    assert _count_staff(db_url) == 0  # the backup's state: before "later"
    assert _actions(db_url)[-1] == "db.restore"


def test_restore_refuses_a_damaged_file(db_url: str, db: Database, tmp_path: Path) -> None:
    saved = backup.backup(db_url, tmp_path / "saved.db").path
    data = bytearray(saved.read_bytes())
    page = 4096
    for offset in range(2 * page, min(len(data), 6 * page)):
        data[offset] = 0x5A  # scribble over a few pages after the schema page
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(bytes(data))
    target = sqlite_path(db_url)
    before = target.read_bytes()
    with pytest.raises(BackupError, match="damaged|cannot be read"):
        backup.restore(db_url, damaged)
    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_text("hello", encoding="utf-8")
    with pytest.raises(BackupError, match="not a SQLite database"):
        backup.restore(db_url, not_sqlite)
    assert target.read_bytes() == before
    assert not list(target.parent.glob("*.replaced-*"))


def test_restore_refuses_an_unknown_schema(db_url: str, db: Database, tmp_path: Path) -> None:
    saved = backup.backup(db_url, tmp_path / "saved.db").path
    with closing(sqlite3.connect(str(saved), isolation_level=None)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(BackupError, match="newer divert"):
        backup.restore(db_url, saved)
    with closing(sqlite3.connect(str(saved), isolation_level=None)) as conn:
        conn.execute("DROP TABLE alembic_version")
    with pytest.raises(BackupError, match="not a divert database"):
        backup.restore(db_url, saved)
    target = sqlite_path(db_url)
    assert not list(target.parent.glob("*.replaced-*"))


def test_restore_refuses_while_the_database_is_open(
    db_url: str, db: Database, tmp_path: Path
) -> None:
    saved = backup.backup(db_url, tmp_path / "saved.db").path
    db.dispose()
    target = sqlite_path(db_url)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            f"c = sqlite3.connect({str(target)!r}); c.execute('select 1 from staff').fetchall()\n"
            "print('open', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(BackupError, match="in use"):
            backup.restore(db_url, saved)
    finally:
        holder.kill()
        holder.wait()
    assert not list(target.parent.glob("*.replaced-*"))
    backup.restore(db_url, saved)  # once it is closed
    assert len(list(target.parent.glob("*.replaced-*"))) == 1


def test_restore_onto_a_new_machine_keeps_nothing_and_upgrades(
    db_url: str, db: Database, tmp_path: Path
) -> None:
    saved = backup.backup(db_url, tmp_path / "saved.db").path
    fresh = tmp_path / "new" / "divert.db"
    fresh.parent.mkdir()
    done = backup.restore(f"sqlite:///{fresh}", saved)
    assert done.kept is None and _integrity(fresh) == "ok" and _mode(fresh) == 0o600
    assert _actions(f"sqlite:///{fresh}")[-1] == "db.restore"
