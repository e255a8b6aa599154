"""Opening the service's database: schemes checked, schema migrated, forces in step."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from divert_tui.core.database import Database, check_writable, upgrade
from divert_tui.core.schemes import Scheme, load_schemes
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
        migrated = upgrade(db)
        check_writable(db)
        sync_forces(db, schemes)
        sync_services(db)
    except Exception:
        db.dispose()
        raise
    return Opened(db, schemes, migrated)
