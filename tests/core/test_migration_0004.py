"""Migration 0004: stored officer-observed codes that the Home Office list does not have
(IC7, IC8) become IC9, unknown; every other code is left as it was."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from alembic import command
from sqlalchemy import text

from divert_tui.core import database
from divert_tui.core.database import Database, upgrade
from divert_tui.core.vocab import OFFICER_OBSERVED_ETHNICITY


def test_retired_ic_codes_become_unknown(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        command.upgrade(database._alembic_config(db.engine), "0003")
        with db.engine.begin() as connection:
            for n, code in enumerate(("IC7", "IC8", "IC3", None), start=1):
                connection.execute(
                    text(
                        "INSERT INTO person (id, first_name, last_name, first_name_key, "
                        "last_name_key, date_of_birth, sex, officer_observed_ethnicity, "
                        "needs_interpreter, created_at, version) VALUES (:id, 'A', 'B', 'a', "
                        "'b', :born, 'male', :code, 0, '2026-01-01 00:00:00', 1)"
                    ),
                    {"id": n, "born": date(2000, 1, 1), "code": code},
                )
        upgrade(db)
        with db.engine.connect() as connection:
            stored = dict(
                connection.execute(text("SELECT id, officer_observed_ethnicity FROM person")).all()
            )
        assert stored == {1: "IC9", 2: "IC9", 3: "IC3", 4: None}
    finally:
        db.dispose()


def test_the_vocabulary_is_the_home_office_list() -> None:
    assert list(OFFICER_OBSERVED_ETHNICITY) == ["IC1", "IC2", "IC3", "IC4", "IC5", "IC6", "IC9"]
    assert OFFICER_OBSERVED_ETHNICITY["IC9"] == "Unknown"
