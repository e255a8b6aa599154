"""Migration 0006 on a database that already holds two open assessments of one referral
(made before the fix): the later one is closed as a duplicate, then the index holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from divert_tui.core.database import Database, _alembic_config, upgrade
from tests.conftest import PG_URL


def _migrate_to(db: Database, revision: str) -> None:
    with db.engine.begin() as connection:
        config = _alembic_config(db.engine)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


@pytest.mark.skipif(bool(PG_URL), reason="builds its own SQLite file at an old revision")
def test_duplicate_open_assessments_are_closed_before_the_index(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        _migrate_to(db, "0005")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO force (code, name) VALUES ('west_midlands', 'WM')"))
            conn.execute(
                text(
                    "INSERT INTO person (id, first_name, last_name, first_name_key, "
                    "last_name_key, date_of_birth, sex, needs_interpreter, created_at, version) "
                    "VALUES (1, 'A', 'B', 'a', 'b', '1990-01-01', 'not_stated', 0, "
                    "'2026-01-01 00:00:00', 1)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO referral (id, force_code, police_reference, person_id, "
                    "referred_at, offence_date, substances, main_substance, status, source, "
                    "created_at, updated_at, version) VALUES (1, 'west_midlands', 'R1', 1, "
                    "'2026-01-01 00:00:00', '2026-01-01', 'cannabis', 'cannabis', 'contacting', "
                    "'officer_app', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)"
                )
            )
            for assessment_id in (1, 2):
                conn.execute(
                    text(
                        "INSERT INTO assessment (id, referral_id, started_at, current_step, "
                        "steps, updated_at, version) VALUES (:id, 1, '2026-01-01 00:00:00', "
                        "'identity', '{}', '2026-01-01 00:00:00', 1)"
                    ),
                    {"id": assessment_id},
                )
        upgrade(db)
        with db.engine.connect() as conn:
            rows = conn.execute(
                text("SELECT id, completed_at IS NULL, ended_early_reason FROM assessment")
            ).all()
        assert rows[0] == (1, 1, None)
        assert rows[1][:2] == (2, 0) and "second assessment" in rows[1][2]
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO assessment (referral_id, started_at, current_step, steps, "
                    "updated_at, version) VALUES (1, '2026-01-02 00:00:00', 'identity', '{}', "
                    "'2026-01-02 00:00:00', 1)"
                )
            )
    finally:
        db.dispose()


@pytest.mark.skipif(bool(PG_URL), reason="builds its own SQLite file")
def test_0006_downgrades_and_upgrades_again(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'round.db'}")
    try:
        upgrade(db)
        with db.engine.begin() as connection:
            config = _alembic_config(db.engine)
            config.attributes["connection"] = connection
            command.downgrade(config, "0005")
        with db.engine.connect() as conn:
            tables = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master")).all()}
        assert "person_change" not in tables and "login_throttle" not in tables
        assert "uq_assessment_open_per_referral" not in tables
        upgrade(db)
    finally:
        db.dispose()
