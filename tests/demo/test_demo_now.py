"""A demo opened before late afternoon: nothing of the cohort, the scripted people included,
is dated after the real time, and `demo-data` dates its cohort up to today like `--demo`."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from divert_tui.core.database import Database
from divert_tui.demo.cohort import fill_demo
from divert_tui.demo.scenarios import SCENARIOS
from tests.demo.helpers import dicts

LONDON = ZoneInfo("Europe/London")
DAY = date(2026, 11, 27)  # a Friday


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def test_nothing_is_later_than_now_when_the_demo_opens_early(db: Database) -> None:
    now_minute = 8 * 60 + 5  # 08:05, before the scripted people's usual times
    fill_demo(db, 200, today=DAY, now_minute=now_minute)
    now = datetime(DAY.year, DAY.month, DAY.day, 8, 5, tzinfo=LONDON)
    checks = {
        "referral": ("referred_at", "created_at"),
        "status_change": ("at",),
        "contact_attempt": ("attempted_at",),
        "note": ("created_at",),
    }
    for table, columns in checks.items():
        for row in dicts(db, table):
            for column in columns:
                assert aware(row[column]) <= now, (table, column, row[column])
    scripted = {(s.first_name, s.last_name) for s in SCENARIOS}
    people = {p["id"]: (p["first_name"], p["last_name"]) for p in dicts(db, "person")}
    theirs = [r for r in dicts(db, "referral") if people[r["person_id"]] in scripted]
    assert len(theirs) == len(SCENARIOS)
    times = sorted(aware(r["referred_at"]) for r in theirs)
    assert all(now - timedelta(hours=1) <= t < now for t in times)
    assert all(t.astimezone(LONDON).date() == DAY for t in times)  # still referred "today"


def test_demo_data_defaults_to_today(monkeypatch) -> None:
    from divert_tui.commands import demo

    day, minute = demo.demo_day(None)
    assert day == datetime.now(LONDON).date()
    assert minute is not None
    assert demo.demo_day(datetime(2026, 1, 5)) == (date(2026, 1, 5), None)
