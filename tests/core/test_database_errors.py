"""Database errors in words (issue 9 item 5): a full disk or a held lock inside a service is
a StorageError a person understands, on the command line too; a locked BEGIN is waited for."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from click.testing import CliRunner
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from divert_tui.cli import main
from divert_tui.core import database
from divert_tui.core.database import Database, StorageError, trouble_in_words
from divert_tui.core.services import audit
from divert_tui.core.services.base import Actor
from divert_tui.core.services.staff import add_staff


def cap_pages(db: Database) -> None:
    """Make every new connection see a disk with no room beyond the pages in use."""

    @event.listens_for(db.engine, "connect")
    def _full(dbapi_connection, _record) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")


def test_a_full_disk_inside_a_service_is_a_storage_error_in_words(db_url: str) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("a full disk is simulated with SQLite's page limit")
    db = Database(db_url)
    cap_pages(db)
    try:
        with pytest.raises(StorageError):  # fill what room the last pages have left
            for number in range(10_000):
                with db.write() as session:
                    audit.record(session, Actor.system("tests"), "fill", detail=f"{number:040d}")
        with pytest.raises(StorageError) as caught:
            for number in range(20):
                add_staff(db, Actor.system("tests"), f"user{number}", "admin", "a-long-password")
        assert caught.value.kind == "full" and caught.value.retryable
        assert "is full; free some space and try again" in str(caught.value)
        assert "OperationalError" not in str(caught.value)
    finally:
        db.dispose()


def test_a_full_disk_on_the_command_line_is_words_not_unexpected_error(
    db_url: str, monkeypatch
) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("a full disk is simulated with SQLite's page limit")
    original = database.make_engine

    def full_engine(url: str, **kwargs):
        engine = original(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _full(dbapi_connection, _record) -> None:
            dbapi_connection.execute("PRAGMA max_page_count=1")

        return engine

    monkeypatch.setattr(database, "make_engine", full_engine)
    result = CliRunner().invoke(
        main,
        ["--db", db_url, "staff", "add", "ann", "--role", "admin", "--password-stdin"],
        input="a-long-enough-password\n",
        catch_exceptions=False,
    )
    assert result.exit_code == 1
    assert "full; free some space" in result.output
    assert "unexpected error" not in result.output


def test_a_raw_driver_error_gets_the_same_words() -> None:
    locked = OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))
    assert "locked by another program" in (trouble_in_words(locked) or "")
    other = OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: x"))
    assert trouble_in_words(other) is None


def test_a_lock_held_past_the_busy_timeout_is_waited_for(db_url: str, monkeypatch) -> None:
    """Another writer holds the lock three busy timeouts long: the write waits, then runs."""
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock")
    monkeypatch.setattr(database, "SQLITE_BUSY_TIMEOUT_MS", 100)
    db = Database(db_url)
    holder = sqlite3.connect(
        make_url(db_url).database, isolation_level=None, timeout=5, check_same_thread=False
    )
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.35, holder.execute, args=("COMMIT",))
    release.start()
    try:
        started = time.monotonic()
        with db.write() as session:
            session.execute(text("INSERT INTO setting (key, value) VALUES ('waited', 'yes')"))
        assert time.monotonic() - started >= 0.3
    finally:
        release.join()
        holder.close()
        db.dispose()


def test_four_writers_never_see_database_is_locked(db_url: str, monkeypatch) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock")
    # Short busy timeouts make the unfair queue for SQLite's lock show within a test run;
    # the retry budget is the same hundredfold wait as 5 s x 6 is in the app.
    monkeypatch.setattr(database, "SQLITE_BUSY_TIMEOUT_MS", 60)
    monkeypatch.setattr(database, "LOCK_RETRY_TIMEOUTS", 100)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        db = Database(db_url)
        try:
            for turn in range(8):
                with db.write() as session:
                    session.execute(
                        text("INSERT INTO setting (key, value) VALUES (:k, 'x')"),
                        {"k": f"w{number}-{turn}"},
                    )
                    time.sleep(0.04)  # a unit of work that holds the lock a while
        except BaseException as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)
        finally:
            db.dispose()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
