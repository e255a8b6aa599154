"""Issue 9 item 3: the demo never touches live data and live data never opens as a demo.

Both directions: a demo database refuses a real feed, ``--demo`` with a subcommand works on
a demo database only, and a live database neither opens as a demo nor without a password.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import func, select

from divert_tui.cli import _open_live, main
from divert_tui.config import load_settings
from divert_tui.core.bootstrap import open_database
from divert_tui.core.database import Database
from divert_tui.core.models import Referral
from divert_tui.core.services.base import Actor, ServiceError
from divert_tui.core.services.intake import import_feed
from divert_tui.core.services.settings import DemoDataOnly
from divert_tui.core.services.staff import LoginError, add_staff, demo_actor
from divert_tui.core.vocab import Role
from divert_tui.demo.session import open_demo
from tests.services.referral_helpers import row, write_feed

PASSWORD = "a long enough password"


def _referrals(url: str) -> int:
    db = Database(url)
    try:
        with db.read() as session:
            return session.exec(select(func.count()).select_from(Referral)).one()
    finally:
        db.dispose()


@pytest.fixture
def demo_url(tmp_path: Path) -> str:
    opened = open_demo(f"sqlite:///{tmp_path / 'demo.db'}", referrals=30)
    opened.db.dispose()
    return opened.db.url


@pytest.fixture
def live_url() -> str:
    """The configured (default) database, with a real admin in it."""
    settings = load_settings(None)
    url = settings.database_url
    opened = open_database(url, create_folder=settings.uses_default_database)
    add_staff(opened.db, Actor.system("tests"), "real.admin", Role.ADMIN, PASSWORD)
    opened.db.dispose()
    return url


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    return write_feed(tmp_path / "real.csv", [row()])


def _divert(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args))


# --- the demo database refuses real data --------------------------------------------------


def test_a_demo_database_refuses_a_feed(demo_url: str, feed: Path, schemes) -> None:
    db = Database(demo_url)
    try:
        with pytest.raises(DemoDataOnly, match="is a demo database"):
            import_feed(db, Actor.system("import"), feed, schemes)
    finally:
        db.dispose()
    result = _divert("import", str(feed), "--db", demo_url)
    assert result.exit_code == 1
    assert "a referral feed is never imported into it" in result.output
    assert _referrals(demo_url) == 30


def test_demo_with_import_never_reaches_the_live_database(live_url: str, feed: Path) -> None:
    result = _divert("--demo", "import", str(feed))
    assert result.exit_code == 1
    assert "--demo with a subcommand works on a demo database only" in result.output
    assert _referrals(live_url) == 0


@pytest.mark.parametrize("where", ["default", "named"])
def test_demo_with_staff_list_never_lists_live_accounts(live_url: str, where: str) -> None:
    args = ["--demo", "staff", "list"] + (["--db", live_url] if where == "named" else [])
    result = _divert(*args)
    assert result.exit_code == 1
    assert "real.admin" not in result.output
    assert "demo" in result.output


def test_demo_with_a_subcommand_works_on_a_demo_database(demo_url: str) -> None:
    result = _divert("--demo", "staff", "list", "--db", demo_url)
    assert result.exit_code == 0, result.output
    roles = {line.split("\t")[1] for line in result.output.splitlines()}
    assert {"worker", "team_lead", "trainer"} <= roles


def test_demo_data_with_demo_makes_a_new_demo_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh' / 'new.db'}"
    (tmp_path / "fresh").mkdir()
    result = _divert("--demo", "demo-data", "--referrals", "20", "--db", url)
    assert result.exit_code == 0, result.output
    assert _referrals(url) == 20


# --- the live database never opens as a demo --------------------------------------------


def test_a_live_database_never_opens_as_a_demo(live_url: str) -> None:
    db = Database(live_url)
    try:
        with pytest.raises(LoginError, match="only possible in the demo"):
            demo_actor(db, Role.ADMIN)
    finally:
        db.dispose()
    with pytest.raises(ServiceError, match="the demo only runs on its own throwaway database"):
        open_demo(live_url)


def test_a_demo_database_does_not_open_as_the_live_app(demo_url: str) -> None:
    with pytest.raises(ServiceError, match="is a demo database .* divert --demo --db"):
        _open_live(load_settings(demo_url))
