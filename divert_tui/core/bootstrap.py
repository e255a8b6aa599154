"""Opening the service's database: schemes checked, schema migrated, forces in step."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.exc import DBAPIError

from divert_tui.core.database import Database, check_writable, upgrade
from divert_tui.core.schemes import Scheme, load_schemes
from divert_tui.core.services.audit import anchor_existing_trail
from divert_tui.core.services.directory import sync_services
from divert_tui.core.services.settings import sync_forces


@dataclass
class Opened:
    db: Database
    schemes: dict[str, Scheme]
    migrated: list[str]


def open_database(
    url: str, schemes_dir: Path | None = None, *, create_folder: bool = False
) -> Opened:
    """Everything the app and the commands do before their first unit of work.

    ``create_folder`` is for the default data folder only: any other database's folder
    must exist. Raises SchemeError or StorageError with a message for a person; nothing
    is half-done.
    """
    schemes = load_schemes(schemes_dir)
    db = Database(url, create_folder=create_folder)
    try:
        had_checkpoints = _has_checkpoint_table(db)
        migrated = upgrade(db)
        check_writable(db)
        if migrated and not had_checkpoints:
            # A trail written before checkpoints existed is signed once, as it stands now.
            anchor_existing_trail(db)
        sync_forces(db, schemes)
        sync_services(db)
    except Exception:
        db.dispose()
        raise
    return Opened(db, schemes, migrated)


def _has_checkpoint_table(db: Database) -> bool:
    """Whether the audit checkpoints' table is there before migrating (true when unknown:
    an unreachable database is then reported by the migration itself)."""
    try:
        with db.engine.connect() as connection:
            return inspect(connection).has_table("audit_anchor")
    except DBAPIError:
        return True
