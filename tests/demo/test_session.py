"""``divert --demo`` opens only its own throwaway database, and ``demo-data`` from the CLI."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from divert_tui.commands.demo import demo_data
from divert_tui.core.bootstrap import open_database
from divert_tui.core.database import Database, sqlite_path
from divert_tui.core.services.settings import is_demo_database
from divert_tui.core.services.staff import add_staff, demo_actor
from divert_tui.core.vocab import Role
from divert_tui.demo.cohort import DemoRefused
from divert_tui.demo.session import demo_database_path, discard_demo, open_demo
from tests.conftest import PG_URL
from tests.demo.helpers import dicts


def live_file(path: Path, admin) -> str:
    url = f"sqlite:///{path}"
    opened = open_database(url)
    add_staff(opened.db, admin, "real.admin", Role.ADMIN, "a long enough password")
    opened.db.dispose()
    return url


def test_default_demo_is_a_fresh_filled_file_in_temp() -> None:
    opened = open_demo(referrals=120)
    try:
        path = sqlite_path(opened.db.url)
        assert path is not None and path.parent.name.startswith("divert-demo-")
        assert path.resolve().is_relative_to(Path(tempfile.gettempdir()).resolve())
        assert is_demo_database(opened.db)
        assert len(dicts(opened.db, "referral")) == 120
        actor = demo_actor(opened.db, Role.WORKER)
        assert actor.demo and actor.forces == frozenset({"west_midlands"})
    finally:
        discard_demo(opened)
    assert not path.parent.exists()


def test_paths_are_fresh_each_time() -> None:
    first, second = demo_database_path(), demo_database_path()
    assert first != second and not first.exists()
    shutil.rmtree(first.parent)
    shutil.rmtree(second.parent)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://divert@localhost/divert",
        "postgresql://divert@localhost/divert",
        "sqlite://",
        "not a url",
        "sqlite:////var/lib/divert-nowhere/demo.db",
    ],
)
def test_refuses_anything_but_a_throwaway_sqlite_file(url: str) -> None:
    with pytest.raises(DemoRefused, match="the demo only runs on its own throwaway database"):
        open_demo(url)
    assert not Path("/var/lib/divert-nowhere").exists()


def test_refuses_a_file_with_live_data(tmp_path: Path, admin) -> None:
    url = live_file(tmp_path / "live.db", admin)
    mode = _journal_mode(tmp_path / "live.db")
    with pytest.raises(DemoRefused, match="drop --db"):
        open_demo(url)
    assert _journal_mode(tmp_path / "live.db") == mode
    assert not is_demo_database(Database(url))


def _journal_mode(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        return connection.execute("PRAGMA journal_mode").fetchone()[0]


def test_refuses_the_configured_database(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "configured.db"
    monkeypatch.setenv("DIVERT_DATABASE_URL", f"sqlite:///{target}")
    with pytest.raises(DemoRefused, match="configured database"):
        open_demo(f"sqlite:///{target}")
    assert not target.exists()


def test_reopens_a_demo_file_without_filling_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'mine.db'}"
    first = open_demo(url, referrals=60)
    first.db.dispose()
    again = open_demo(url, referrals=60)
    try:
        assert len(dicts(again.db, "referral")) == 60
    finally:
        again.db.dispose()


# --- the command line ---------------------------------------------------------------------


def test_cli_fills_and_then_refuses(db_url: str) -> None:
    runner = CliRunner()
    result = runner.invoke(demo_data, ["--referrals", "200", "--seed", "3", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "200 referrals (seed 3" in result.output
    assert "referrals by status:" in result.output and "completed" in result.output
    again = runner.invoke(demo_data, ["--referrals", "200", "--db", db_url])
    assert again.exit_code == 1
    assert "already filled" in again.output
    assert "Traceback" not in again.output


def test_cli_refuses_live_data(db: Database, db_url: str, admin) -> None:
    add_staff(db, admin, "real.admin", Role.ADMIN, "a long enough password")
    result = CliRunner().invoke(demo_data, ["--referrals", "20", "--db", db_url])
    assert result.exit_code == 1
    assert "holds real data" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_cli_bad_storage_and_usage(tmp_path: Path) -> None:
    runner = CliRunner()
    bad = runner.invoke(demo_data, ["--db", "mysql://x@y/z"])
    assert bad.exit_code == 1 and "unsupported database" in bad.output
    usage = runner.invoke(demo_data, ["--referrals", "0", "--db", f"sqlite:///{tmp_path}/x.db"])
    assert usage.exit_code == 2


@pytest.mark.skipif(bool(PG_URL), reason="uses its own SQLite file")
def test_cli_uses_the_configured_database(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DIVERT_DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    result = CliRunner().invoke(demo_data, ["--referrals", "30"])
    assert result.exit_code == 0, result.output
    assert "env.db" in result.output
