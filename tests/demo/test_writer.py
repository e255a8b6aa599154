"""The quick SQLite insert path stores exactly what SQLAlchemy's Core insert would."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Date
from sqlalchemy.dialects import sqlite

from divert_tui.core.bootstrap import open_database
from divert_tui.core.models import Referral
from divert_tui.demo import writer
from divert_tui.demo.cohort import fill_demo
from divert_tui.demo.writer import TABLES, sqlite_date_text, sqlite_utc_text
from tests.conftest import PG_URL


def test_formatters_match_sqlalchemy() -> None:
    dialect = sqlite.dialect()
    stamp = Referral.__table__.c.referred_at.type.dialect_impl(dialect).bind_processor(dialect)
    day = Date().dialect_impl(dialect).bind_processor(dialect)
    start = datetime(2024, 1, 1, 0, 0, 0, 123, tzinfo=UTC)
    for hours in range(0, 24 * 800, 37):
        moment = start + timedelta(hours=hours, seconds=hours % 61, microseconds=hours)
        assert sqlite_utc_text(moment) == stamp(moment)
        assert sqlite_date_text(moment.date()) == day(moment.date())
    plus_one = datetime(2026, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=1)))
    assert sqlite_utc_text(plus_one) == stamp(plus_one)
    assert sqlite_date_text(date(2026, 2, 28)) == day(date(2026, 2, 28))


def raw_dump(path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as connection:
        return {
            name: connection.execute(f'SELECT * FROM "{name}" ORDER BY 1, 2').fetchall()
            for name in TABLES
        }


def test_fast_path_stores_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dumps = []
    for fast in (True, False):
        monkeypatch.setattr(writer, "FAST_SQLITE", fast)
        path = tmp_path / f"{fast}.db"
        opened = open_database(f"sqlite:///{path}")
        fill_demo(opened.db, 150, seed=11)
        opened.db.dispose()
        dumps.append(raw_dump(path))
    assert dumps[0] == dumps[1]
    assert dumps[0]["referral"]


def _dump(db) -> dict[str, list[tuple]]:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    with db.engine.connect() as connection:
        return {
            name: [tuple(r) for r in connection.execute(text(f'SELECT * FROM "{name}" ORDER BY 1'))]
            for name in TABLES
        }


@pytest.mark.skipif(not PG_URL, reason="COPY is the PostgreSQL path")
def test_postgres_copy_stores_what_core_inserts_would(monkeypatch: pytest.MonkeyPatch) -> None:
    from divert_tui.core.database import Database, upgrade
    from tests.conftest import _reset_postgres

    dumps = []
    for fast in (True, False):
        monkeypatch.setattr(writer, "FAST_POSTGRES", fast)
        _reset_postgres(PG_URL)
        db = Database(PG_URL)
        upgrade(db)
        db.dispose()
        opened = open_database(PG_URL)
        fill_demo(opened.db, 150, seed=11)
        dumps.append(_dump(opened.db))
        opened.db.dispose()
    # Leave the shared test database migrated and empty, as the other tests expect it.
    _reset_postgres(PG_URL)
    db = Database(PG_URL)
    upgrade(db)
    db.dispose()
    assert dumps[0]["referral"]
    assert dumps[0] == dumps[1]
