"""Migration 0004: stored officer-observed codes that the Home Office list does not have
(IC7, IC8) become IC9, unknown; every other code is left as it was."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from divert_tui.core import database
from divert_tui.core.database import Database, upgrade
from divert_tui.core.vocab import OFFICER_OBSERVED_ETHNICITY

PG_URL = os.environ.get("DIVERT_TEST_DATABASE_URL", "")


@pytest.fixture
def empty_url(tmp_path: Path) -> Iterator[str]:
    """An empty database on the backend under test (its own PostgreSQL database)."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    base = make_url(PG_URL)
    name = f"divert_0004_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def test_retired_ic_codes_become_unknown(empty_url: str) -> None:
    db = Database(empty_url)
    try:
        command.upgrade(database._alembic_config(db.engine), "0003")
        with db.engine.begin() as connection:
            for n, code in enumerate(("IC7", "IC8", "IC3", None), start=1):
                connection.execute(
                    text(
                        "INSERT INTO person (id, first_name, last_name, first_name_key, "
                        "last_name_key, date_of_birth, sex, officer_observed_ethnicity, "
                        "needs_interpreter, created_at, version) VALUES (:id, 'A', 'B', 'a', "
                        "'b', :born, 'male', :code, false, '2026-01-01 00:00:00', 1)"
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
