"""Reading a filled demo database back as plain rows, portable across SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from divert_tui.core.database import Database
from divert_tui.core.models import AuditEvent, Force, Setting
from divert_tui.demo.writer import TABLES


def rows(db: Database, table: str) -> list[tuple[Any, ...]]:
    """Every row of a demo table, in a stable order."""
    t = TABLES[table]
    order = list(t.primary_key.columns)
    with db.read() as session:
        return [tuple(r) for r in session.execute(select(t).order_by(*order))]


def dicts(db: Database, table: str) -> list[dict[str, Any]]:
    t = TABLES[table]
    with db.read() as session:
        return [dict(r._mapping) for r in session.execute(select(t).order_by(t.c.id))]


def dump(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    return {name: rows(db, name) for name in TABLES}


def empty(db: Database) -> None:
    """Delete what a fill wrote, children first, so the same database can be filled again."""
    with db.write() as session:
        for table in reversed(list(TABLES.values())):
            session.execute(delete(table))
        session.execute(delete(Setting))
        session.execute(delete(AuditEvent))
        assert session.execute(select(Force.code)).first() is not None
