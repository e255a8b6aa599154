"""Facts the database keeps about itself, and the force list kept in step with the schemes."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlmodel import func, select

from divert_tui.core.database import Database
from divert_tui.core.models import Force, Referral, Setting
from divert_tui.core.schemes import Scheme
from divert_tui.core.services.base import ServiceError

DATASET_KEY = "dataset"
DEMO = "demo"


def is_demo_database(db: Database) -> bool:
    try:
        with db.read() as session:
            row = session.get(Setting, DATASET_KEY)
            return row is not None and row.value == DEMO
    except (OperationalError, ProgrammingError):
        return False


class DemoDataOnly(ServiceError):
    """A demo database holds synthetic people only: real referrals never go into one."""


def refuse_feed_into_demo(db: Database) -> None:
    """A demo database opens without passwords, so a real feed must never land in it."""
    if is_demo_database(db):
        raise DemoDataOnly(
            f"{db.display_url} is a demo database (synthetic people, opened without "
            "passwords): a referral feed is never imported into it. Import into the live "
            "database instead (drop --demo, or give its --db)."
        )


def mark_demo(db: Database) -> None:
    with db.write() as session:
        session.merge(Setting(key=DATASET_KEY, value=DEMO))


def holds_live_data(db: Database) -> bool:
    """Any referral in a database not marked as demo counts as real people's data."""
    if is_demo_database(db):
        return False
    with db.read() as session:
        return session.exec(select(func.count()).select_from(Referral)).one() > 0


def sync_forces(db: Database, schemes: Mapping[str, Scheme]) -> None:
    """Make sure every force with a scheme file has its row (names follow the files)."""
    with db.write() as session:
        existing = {f.code: f for f in session.exec(select(Force)).all()}
        for code, scheme in schemes.items():
            force = existing.get(code)
            if force is None:
                session.add(Force(code=code, name=scheme.name))
            elif force.name != scheme.name:
                force.name = scheme.name
                session.add(force)
