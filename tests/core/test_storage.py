"""Storage (DESIGN section 7, issue 2 items 3 and 4, "Bad input"): migrations on both
backends, the schema against the models, SQLite's pragmas and write locking, and a plain
StorageError for every way a database can be unusable."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import CheckConstraint, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from divert_tui.core import database
from divert_tui.core.bootstrap import open_database
from divert_tui.core.database import (
    Database,
    StorageError,
    code_heads,
    database_revisions,
    table_names,
    upgrade,
)
from divert_tui.core.models import (
    ContactAttempt,
    Force,
    Person,
    Referral,
    Setting,
    Staff,
    metadata,
)

PG_URL = os.environ.get("DIVERT_TEST_DATABASE_URL", "")
BACKEND = "postgresql" if PG_URL else "sqlite"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
SHIPPED_FORCES = {"west_midlands", "west_mercia", "warwickshire", "staffordshire"}


# --- helpers ------------------------------------------------------------------------------


@pytest.fixture
def empty_url(tmp_path: Path) -> Iterator[str]:
    """A brand-new, empty database on the backend under test (its own PostgreSQL database)."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    base = make_url(PG_URL)
    name = f"divert_empty_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A migrated SQLite file, whatever the backend under test (for SQLite-only behaviour)."""
    url = f"sqlite:///{tmp_path / 'divert.db'}"
    db = Database(url)
    upgrade(db)
    db.dispose()
    return url


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def person(**overrides) -> Person:
    values = {"first_name": "Sam", "last_name": "Taylor", "date_of_birth": date(1990, 5, 17)}
    return Person(**(values | overrides))


def referral(person_id: int, reference: str = "20/1234/26", force: str = "west_midlands"):
    return Referral(
        force_code=force,
        police_reference=reference,
        person_id=person_id,
        referred_at=datetime(2026, 3, 2, 14, 30, tzinfo=UTC),
        offence_date=date(2026, 3, 2),
        substances="cannabis",
        main_substance="cannabis",
    )


def add_person(db: Database) -> int:
    with db.write() as session:
        row = person()
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id


def count(db: Database, model) -> int:
    with db.read() as session:
        return session.exec(select(func.count()).select_from(model)).one()


# --- migrations ----------------------------------------------------------------------------


def test_upgrade_builds_every_table_in_an_empty_database(empty_url: str) -> None:
    db = Database(empty_url)
    try:
        assert table_names(db) == set()
        applied = upgrade(db)
        heads = code_heads(db.engine)
        assert heads, "the migration scripts have no head"
        assert applied == sorted(heads)
        assert table_names(db) == set(metadata.tables) | {"alembic_version"}
        assert database_revisions(db.engine) == heads
        assert upgrade(db) == [], "a second upgrade must find nothing to do"
    finally:
        db.dispose()


def test_open_database_migrates_and_adds_the_shipped_forces(empty_url: str) -> None:
    opened = open_database(empty_url)
    try:
        assert opened.migrated == sorted(code_heads(opened.db.engine))
        assert set(opened.schemes) == SHIPPED_FORCES
        with opened.db.read() as session:
            forces = {f.code: f.name for f in session.exec(select(Force)).all()}
        assert forces["west_midlands"] == "West Midlands Police"
        assert set(forces) == SHIPPED_FORCES
    finally:
        opened.db.dispose()
    again = open_database(empty_url)
    try:
        assert again.migrated == []
        assert count(again.db, Force) == 4
    finally:
        again.db.dispose()


def test_migrated_schema_matches_the_models(empty_url: str) -> None:
    db = Database(empty_url)
    try:
        upgrade(db)
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "compare_server_default": True}
            )
            differences = compare_metadata(context, metadata)
        assert differences == []
    finally:
        db.dispose()


def test_migrated_check_constraints_match_the_models(empty_url: str) -> None:
    """Autogenerate does not compare CHECK constraints, so compare their names here."""
    db = Database(empty_url)
    try:
        upgrade(db)
        inspector = inspect(db.engine)
        compared = 0
        for table in metadata.sorted_tables:
            expected = _checks(table)
            found = {c["name"] for c in inspector.get_check_constraints(table.name)}
            assert found == expected, f"{table.name}: checks differ"
            compared += len(expected)
        assert compared >= 10
        assert "ck_referral_status_valid" in {
            c["name"] for c in inspector.get_check_constraints("referral")
        }
    finally:
        db.dispose()


def _checks(table) -> set[str]:
    return {c.name for c in table.constraints if isinstance(c, CheckConstraint)}


def test_every_enumerated_column_has_a_check() -> None:
    checked = [
        (table.name, column.name)
        for table in metadata.sorted_tables
        for column in table.columns
        if column.info.get("choices") is not None
    ]
    assert ("referral", "status") in checked and ("staff", "role") in checked
    names = {name for table in metadata.sorted_tables for name in _checks(table)}
    for table, column in checked:
        assert f"ck_{table}_{column}_valid" in names


@pytest.mark.parametrize("how", ["update", "insert"])
def test_a_database_newer_than_the_code_is_refused(empty_url: str, how: str) -> None:
    db = Database(empty_url)
    upgrade(db)
    with db.engine.begin() as conn:
        if how == "update":
            conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
        else:
            conn.execute(text("INSERT INTO alembic_version (version_num) VALUES ('9999_future')"))
    db.dispose()

    db = Database(empty_url)
    try:
        with pytest.raises(StorageError, match="newer version") as caught:
            upgrade(db)
        assert "9999_future" in str(caught.value)
        assert "9999_future" in database_revisions(db.engine), "the refusal changed the database"
    finally:
        db.dispose()
    with pytest.raises(StorageError, match="newer version"):
        open_database(empty_url)


# --- SQLite: pragmas and write locking ------------------------------------------------------


def _pragmas(conn) -> dict[str, object]:
    return {
        name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
        for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
    }


def test_sqlite_pragmas_are_in_force_on_every_connection(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    try:
        with db.engine.connect() as conn:
            pragmas = _pragmas(conn)
        assert pragmas["journal_mode"] == "wal"
        assert pragmas["synchronous"] == 2  # FULL
        assert pragmas["foreign_keys"] == 1
        assert pragmas["busy_timeout"] >= 1000
        for unit in (db.write, db.read):
            with unit() as session:
                assert _pragmas(session.connection()) == pragmas
        assert Path(make_url(sqlite_url).database + "-wal").exists()
    finally:
        db.dispose()


def test_sqlite_write_takes_the_write_lock_at_begin(sqlite_url: str) -> None:
    """BEGIN IMMEDIATE: even a write unit that has only read holds the lock, so another
    writer is refused (timeout 0) until it ends; a read unit does not hold it."""
    db = Database(sqlite_url)
    path = make_url(sqlite_url).database
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with db.write() as session:
            session.exec(select(func.count()).select_from(Force)).one()
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")

        with db.read() as session:
            session.exec(select(func.count()).select_from(Force)).one()
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
    finally:
        other.close()
        db.dispose()


def test_sqlite_two_writers_queue_instead_of_failing(sqlite_url: str) -> None:
    """Two read-modify-write units from two threads: the second waits for the first and
    sees its result (with a deferred BEGIN it would read the old value and then fail)."""
    db = Database(sqlite_url)
    with db.write() as session:
        session.add(Setting(key="counter", value="0"))
    first_has_read = threading.Event()
    errors: list[BaseException] = []
    seen: dict[str, str] = {}

    def first() -> None:
        try:
            with db.write() as session:
                row = session.get(Setting, "counter")
                seen["first"] = row.value
                first_has_read.set()
                time.sleep(0.4)
                row.value = str(int(row.value) + 1)
                session.add(row)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
            first_has_read.set()

    def second() -> None:
        first_has_read.wait(5)
        try:
            with db.write() as session:
                row = session.get(Setting, "counter")
                seen["second"] = row.value
                row.value = str(int(row.value) + 1)
                session.add(row)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    try:
        assert errors == []
        assert seen == {"first": "0", "second": "1"}
        with db.read() as session:
            assert session.get(Setting, "counter").value == "2"
    finally:
        db.dispose()


# --- bad input: every way a database can be unusable ----------------------------------------


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("not a database url", "not a database URL"),
        ("", "not a database URL"),
        ("mysql://user@localhost/divert", "unsupported database 'mysql'"),
        ("oracle://user@localhost/divert", "unsupported database 'oracle'"),
    ],
)
def test_a_wrong_url_is_a_storage_error(url: str, words: str) -> None:
    with pytest.raises(StorageError, match=words):
        Database(url)
    with pytest.raises(StorageError, match=words):
        open_database(url)


@pytest.mark.parametrize(
    "url", ["sqlite+nosuchdriver:///divert.db", "postgresql+nosuchdriver://u@localhost/divert"]
)
def test_an_unknown_driver_is_a_storage_error(url: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StorageError):
        open_database(url)


def test_unreachable_postgresql_is_a_storage_error_without_the_password() -> None:
    url = f"postgresql+psycopg://divert:s3cret-pw@127.0.0.1:{unused_port()}/divert"
    db = Database(url)  # building it must not connect
    db.dispose()
    started = time.monotonic()
    with pytest.raises(StorageError) as caught:
        open_database(url)
    message = str(caught.value)
    assert "cannot reach PostgreSQL" in message
    assert "127.0.0.1" in message
    assert "s3cret-pw" not in message
    assert time.monotonic() - started < 30


def test_a_folder_instead_of_a_file_is_a_storage_error(tmp_path: Path) -> None:
    folder = tmp_path / "divert.db"
    folder.mkdir()
    with pytest.raises(StorageError, match="cannot open the database"):
        open_database(f"sqlite:///{folder}")
    assert list(folder.iterdir()) == []


def test_a_path_below_a_file_is_a_storage_error(tmp_path: Path) -> None:
    """A typo such as --db sqlite:///notes.txt/divert.db: the folder cannot be made."""
    (tmp_path / "notes.txt").write_text("not a folder", encoding="utf-8")
    with pytest.raises(StorageError, match="notes.txt"):
        open_database(f"sqlite:///{tmp_path / 'notes.txt' / 'divert.db'}")
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "not a folder"


def test_a_file_that_is_not_sqlite_is_a_storage_error_and_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "divert.db"
    junk = os.urandom(8192)
    path.write_bytes(junk)
    with pytest.raises(StorageError, match="not a usable SQLite database"):
        open_database(f"sqlite:///{path}")
    assert path.read_bytes() == junk


def test_an_empty_read_only_database_is_a_storage_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "readonly.db"
    sqlite3.connect(path).close()  # an empty SQLite file, never migrated
    url = f"sqlite:///file:{path}?mode=ro&uri=true"
    with pytest.raises(StorageError, match="read-only"):
        open_database(url)
    assert path.stat().st_size == 0


def test_a_migrated_read_only_database_is_refused_at_start(
    sqlite_url: str, tmp_path: Path, monkeypatch
) -> None:
    """Opening must fail with a message, not let the user work until the first save fails."""
    monkeypatch.chdir(tmp_path)  # make_engine mistakes "file:..." for a folder to create
    path = make_url(sqlite_url).database
    url = f"sqlite:///file:{path}?mode=ro&uri=true"
    with pytest.raises(StorageError, match="read-only"):
        opened = open_database(url)
        opened.db.dispose()


def test_a_sqlite_uri_makes_no_stray_folders(sqlite_url: str, tmp_path: Path, monkeypatch) -> None:
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    path = make_url(sqlite_url).database
    db = Database(f"sqlite:///file:{path}?mode=ro&uri=true")
    db.dispose()
    assert list(cwd.iterdir()) == []


@pytest.mark.skipif(IS_ROOT, reason="root ignores file permissions; covered by mode=ro above")
def test_a_read_only_file_is_a_storage_error(tmp_path: Path) -> None:  # pragma: no cover
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "divert.db"
    sqlite3.connect(path).close()
    path.chmod(0o444)
    folder.chmod(0o555)
    try:
        with pytest.raises(StorageError, match="read-only|cannot open"):
            open_database(f"sqlite:///{path}")
    finally:
        folder.chmod(0o755)
        path.chmod(0o644)


def test_a_locked_database_is_a_storage_error(sqlite_url: str, monkeypatch) -> None:
    monkeypatch.setattr(database, "SQLITE_BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(make_url(sqlite_url).database, isolation_level=None)
    try:
        holder.execute("PRAGMA locking_mode=EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("INSERT INTO setting (key, value) VALUES ('held', 'yes')")
        with pytest.raises(StorageError, match="locked by another program"):
            open_database(sqlite_url)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_full_disk_is_a_storage_error_and_nothing_is_half_written(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'full.db'}")

    @event.listens_for(db.engine, "connect")
    def _tiny(dbapi_connection, _record) -> None:
        dbapi_connection.execute("PRAGMA max_page_count=12")

    try:
        with pytest.raises(StorageError, match="full"):
            upgrade(db)
        assert table_names(db) == set()
    finally:
        db.dispose()


def test_nothing_connects_at_import_time(tmp_path: Path) -> None:
    code = (
        "import divert_tui.config, divert_tui.core.database, divert_tui.core.models, "
        "divert_tui.core.bootstrap, divert_tui.core.services.staff, "
        "divert_tui.core.services.audit, divert_tui.core.services.settings\n"
        "import sys; print('imported', 'psycopg' in sys.modules)"
    )
    env = os.environ | {
        "DIVERT_DATABASE_URL": f"postgresql+psycopg://nobody:x@127.0.0.1:{unused_port()}/none",
        "DIVERT_CONFIG": str(tmp_path / "config.toml"),
        "DIVERT_DATA_DIR": str(tmp_path / "no-such-dir" / "data"),
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("imported")
    assert not (tmp_path / "no-such-dir").exists(), "importing created the data folder"


# --- constraints, on the backend under test -------------------------------------------------


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(IntegrityError), db.write() as session:
        session.add(referral(person_id=987654))
    person_id = add_person(db)
    with pytest.raises(IntegrityError), db.write() as session:
        session.add(referral(person_id, force="atlantis"))
    assert count(db, Referral) == 0


def test_police_reference_is_unique_per_force(db: Database) -> None:
    person_id = add_person(db)
    with db.write() as session:
        session.add(referral(person_id, "20/1234/26", "west_midlands"))
    with db.write() as session:
        session.add(referral(person_id, "20/1234/26", "west_mercia"))
    with pytest.raises(IntegrityError), db.write() as session:
        session.add(referral(person_id, "20/9999/26", "west_midlands"))
        session.add(referral(person_id, "20/1234/26", "west_midlands"))
    with db.read() as session:
        rows = session.exec(select(Referral.force_code, Referral.police_reference)).all()
    assert sorted(rows) == [("west_mercia", "20/1234/26"), ("west_midlands", "20/1234/26")]


@pytest.mark.parametrize(
    ("column", "value"),
    [("status", "lost"), ("status", "RECEIVED"), ("source", "carrier pigeon")],
)
def test_a_bad_referral_choice_is_refused(db: Database, column: str, value: str) -> None:
    person_id = add_person(db)
    row = referral(person_id)
    setattr(row, column, value)
    with pytest.raises(IntegrityError), db.write() as session:
        session.add(row)
    assert count(db, Referral) == 0


def test_a_bad_role_and_a_bad_contact_outcome_are_refused(db: Database) -> None:
    with pytest.raises(IntegrityError), db.write() as session:
        session.add(Staff(username="eve", display_name="Eve", role="superuser"))
    person_id = add_person(db)
    with db.write() as session:
        row = referral(person_id)
        session.add(row)
        session.flush()
        referral_id = row.id
    with pytest.raises(IntegrityError), db.write() as session:
        session.add(ContactAttempt(referral_id=referral_id, outcome="hung up"))
    with db.write() as session:
        session.add(ContactAttempt(referral_id=referral_id, outcome="no_answer"))
    assert count(db, ContactAttempt) == 1
    assert count(db, Staff) == 0


def test_the_backend_under_test_is_the_one_asked_for(db: Database) -> None:
    assert db.engine.dialect.name == BACKEND
