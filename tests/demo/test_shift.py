"""A kept demo is dated up to today when it opens (shifted, not regenerated); --reset and --seed."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import select

from divert_tui.cli import main
from divert_tui.core.models import AuditEvent, Setting
from divert_tui.demo.cohort import DemoRefused, fill_demo
from divert_tui.demo.session import open_demo, remove_demo_file
from divert_tui.demo.shift import DATED_TO_KEY, LAST_SHIFT_KEY, date_up_to
from tests.demo.helpers import dicts

DAY = date(2026, 11, 2)


def _setting(db, key: str) -> str | None:
    with db.read() as session:
        row = session.get(Setting, key)
        return row.value if row else None


def test_dates_move_by_whole_days_and_the_people_stay(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kept.db'}"
    first = open_demo(url, referrals=80, today=DAY)
    before = {name: dicts(first.db, name) for name in ("person", "referral", "contact_attempt")}
    with first.db.read() as session:
        audit_before = [e.at for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert _setting(first.db, DATED_TO_KEY) == DAY.isoformat()
    first.db.dispose()

    again = open_demo(url, referrals=80, today=DAY + timedelta(days=9))
    try:
        after = {name: dicts(again.db, name) for name in before}
        assert len(after["referral"]) == 80
        for old, new in zip(before["person"], after["person"], strict=True):
            assert (new["first_name"], new["last_name"]) == (old["first_name"], old["last_name"])
            assert new["date_of_birth"] == old["date_of_birth"] + timedelta(days=9)
        for old, new in zip(before["referral"], after["referral"], strict=True):
            assert new["referred_at"] == old["referred_at"] + timedelta(days=9)
            assert new["offence_date"] == old["offence_date"] + timedelta(days=9)
            if old["closed_at"] is None:
                assert new["closed_at"] is None
            else:
                assert new["closed_at"] == old["closed_at"] + timedelta(days=9)
        for old, new in zip(before["contact_attempt"], after["contact_attempt"], strict=True):
            assert new["attempted_at"] == old["attempted_at"] + timedelta(days=9)
        assert _setting(again.db, DATED_TO_KEY) == (DAY + timedelta(days=9)).isoformat()
        assert _setting(again.db, LAST_SHIFT_KEY) == "9"
        with again.db.read() as session:
            audit_after = [e.at for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]
        assert audit_after[: len(audit_before)] == audit_before  # the audit trail is real time
    finally:
        again.db.dispose()


def test_opening_on_the_same_day_or_earlier_moves_nothing(db) -> None:
    fill_demo(db, 40, today=DAY)
    before = dicts(db, "referral")
    assert date_up_to(db, DAY).days == 0
    assert date_up_to(db, DAY - timedelta(days=3)).days == 0
    assert dicts(db, "referral") == before


def test_a_demo_without_a_recorded_day_is_dated_from_its_latest_referral(db) -> None:
    fill_demo(db, 40, today=DAY)
    with db.write() as session:
        session.delete(session.get(Setting, DATED_TO_KEY))
    assert date_up_to(db, DAY + timedelta(days=2)).days == 2


def test_reset_starts_a_kept_demo_afresh(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kept.db'}"
    first = open_demo(url, referrals=40, seed=1, today=DAY)
    people = [p["first_name"] for p in dicts(first.db, "person")]
    first.db.dispose()
    again = open_demo(url, referrals=40, seed=2, today=DAY, reset=True)
    try:
        assert [p["first_name"] for p in dicts(again.db, "person")] != people
    finally:
        again.db.dispose()


def test_reset_never_deletes_a_file_that_is_not_a_demo(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    other.write_bytes(b"not a demo database, but somebody's file")
    with pytest.raises(DemoRefused):
        remove_demo_file(f"sqlite:///{other}")
    assert other.exists()


def test_same_seed_same_people_from_the_command_line_options(tmp_path: Path) -> None:
    names = []
    for run in ("a", "b"):
        opened = open_demo(f"sqlite:///{tmp_path / run}.db", referrals=60, seed=77, today=DAY)
        names.append([(p["first_name"], p["phone"]) for p in dicts(opened.db, "person")])
        opened.db.dispose()
    assert names[0] == names[1]


@pytest.mark.parametrize("args", [["--reset"], ["--seed", "4"]])
def test_reset_and_seed_need_demo(args: list[str]) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "go with --demo" in result.output
