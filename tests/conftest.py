"""Shared fixtures: a migrated database per test, on SQLite or on the PostgreSQL named by
DIVERT_TEST_DATABASE_URL, plus actors of each role."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from divert_tui.core.database import Database, upgrade
from divert_tui.core.models import metadata
from divert_tui.core.schemes import Scheme, load_schemes
from divert_tui.core.services.base import Actor, forget_waiting_check
from divert_tui.core.services.settings import sync_forces
from divert_tui.core.vocab import Role


def _worker_database(url: str) -> str:
    """Under pytest-xdist each worker gets a PostgreSQL database of its own (the tests
    truncate and reset the schema); it is created on first use and named after the worker.
    The environment is updated too, so modules and subprocesses that read it agree."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not url or not worker:
        return url
    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.exec_driver_sql(
            "SELECT 1 FROM pg_database WHERE datname = %(name)s", {"name": name}
        ).first()
        if exists is None:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    worker_url = base.set(database=name).render_as_string(hide_password=False)
    os.environ["DIVERT_TEST_DATABASE_URL"] = worker_url
    return worker_url


PG_URL = _worker_database(os.environ.get("DIVERT_TEST_DATABASE_URL", ""))


@pytest.fixture(autouse=True)
def _isolated_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Keep every test away from the user's real config, data and logs."""
    home = tmp_path_factory.mktemp("home")
    (home / "config.toml").write_text("", encoding="utf-8")
    monkeypatch.setenv("DIVERT_CONFIG", str(home / "config.toml"))
    monkeypatch.setenv("DIVERT_DATA_DIR", str(home / "data"))
    monkeypatch.delenv("DIVERT_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))


@pytest.fixture(autouse=True)
def _no_waiting_actor_check() -> Iterator[None]:
    """A check left waiting by one test (a refusal before any query) must not reach the next."""
    forget_waiting_check()
    yield
    forget_waiting_check()


@pytest.fixture(scope="session")
def schemes() -> dict[str, Scheme]:
    return load_schemes()


def _reset_postgres(url: str) -> None:
    db = Database(url)
    with db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    db.dispose()


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory, schemes) -> str:
    """Migrate once per run: a SQLite file to copy, or the PostgreSQL schema to truncate."""
    if PG_URL:
        _reset_postgres(PG_URL)
        db = Database(PG_URL)
        upgrade(db)
        db.dispose()
        return PG_URL
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return str(path)


@pytest.fixture
def db_url(_template: str, tmp_path: Path) -> str:
    """A URL to an empty, migrated database that belongs to this test alone."""
    if PG_URL:
        db = Database(PG_URL)
        tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
        with db.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.dispose()
        return PG_URL
    path = tmp_path / "divert.db"
    shutil.copyfile(_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def db(db_url: str, schemes) -> Iterator[Database]:
    database = Database(db_url)
    sync_forces(database, schemes)
    yield database
    database.dispose()


@pytest.fixture
def admin() -> Actor:
    return Actor.system("tests")


def make_actor(
    role: Role,
    forces: tuple[str, ...] = ("west_midlands",),
    staff_id: int | None = 1,
    demo: bool = False,
) -> Actor:
    return Actor(
        staff_id, f"test-{role.value}", role, frozenset(forces), f"Test {role.value}", demo
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark by folder so the slow parts can be run apart: ``-m ui``, ``-m "not ui"``,
    ``-m faults``."""
    for item in items:
        parts = Path(str(item.fspath)).parts
        if "ui" in parts:
            item.add_marker(pytest.mark.ui)
        if "faults" in parts:
            item.add_marker(pytest.mark.faults)
