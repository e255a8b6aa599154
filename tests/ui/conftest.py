"""Building the real app on a test database, with people and referrals put in directly."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from divert_tui.app import DivertApp
from divert_tui.config import load_settings
from divert_tui.core.bootstrap import open_database
from divert_tui.core.database import Database
from divert_tui.core.models import Person, Referral
from divert_tui.core.services import staff
from divert_tui.core.services.base import Actor

TODAY = date(2026, 11, 27)
PASSWORD = "correct horse battery"


def add_referrals(
    db: Database, count: int, *, worker_id: int | None = None, force: str = "west_midlands"
) -> None:
    with db.write() as session:
        for n in range(count):
            person = Person(
                first_name=f"Test{n:03d}",
                last_name="Person",
                first_name_key=f"test{n:03d}",
                last_name_key="person",
                date_of_birth=date(1990, 1, 1) + timedelta(days=n),
            )
            session.add(person)
            session.flush()
            session.add(
                Referral(
                    force_code=force,
                    police_reference=f"REF{n:05d}",
                    person_id=person.id,
                    referred_at=datetime(2026, 11, 1, 9, 0, tzinfo=UTC) + timedelta(hours=n),
                    offence_date=date(2026, 11, 1),
                    substances="cannabis",
                    main_substance="cannabis",
                    assigned_worker_id=worker_id,
                    first_contact_due=TODAY - timedelta(days=1) if n % 2 else TODAY,
                )
            )


@pytest.fixture
def worker(db: Database) -> staff.StaffSummary:
    return staff.add_staff(
        db,
        Actor.system("tests"),
        "alice",
        "worker",
        PASSWORD,
        display_name="Alice Smith",
        forces=["west_midlands"],
    )


@pytest.fixture
def make_app(db_url: str):
    apps: list[DivertApp] = []

    def build(*, demo: bool = False) -> DivertApp:
        opened = open_database(db_url)
        app = DivertApp(opened, load_settings(db_url), demo=demo, today=TODAY)
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.db.dispose()


async def log_in(pilot, username: str = "alice", password: str = PASSWORD) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*username)
    await pilot.press("enter")
    await pilot.press(*password)
    await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    """Let workers (database calls) finish and the screen catch up."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
