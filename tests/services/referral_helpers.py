"""Shared pieces of the intake and referral service tests: staff and small feeds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from divert_tui.core.database import Database
from divert_tui.core.feed import FEED_FIELDS
from divert_tui.core.services.base import Actor
from divert_tui.core.services.staff import add_staff
from divert_tui.core.vocab import Role

TODAY = date(2026, 11, 29)


def staff(db: Database, admin: Actor, name: str, role: Role, forces=("west_midlands",)) -> Actor:
    made = add_staff(db, admin, name, role, "a-long-password", forces=forces)
    return Actor(made.id, made.username, role, frozenset(forces), made.display_name)


def row(**values: str) -> dict[str, str]:
    base = {
        "police_reference": "WM/2026/0001",
        "force": "west_midlands",
        "referred_at": "2026-03-02T09:00",
        "offence_date": "2026-03-02",
        "first_name": "Jo",
        "last_name": "Bloggs",
        "date_of_birth": "1999-02-01",
        "sex": "female",
        "self_defined_ethnicity": "W1",
        "officer_observed_ethnicity": "IC1",
        "phone": "07700 900123",
        "postcode": "B15 2TT",
        "substances": "cannabis",
        "officer": "PC 1",
        "location": "Broad Street",
        "notes": "",
    }
    base.update(values)
    return base


def write_feed(path: Path, rows: list[dict[str, str]]) -> Path:
    import csv

    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=FEED_FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    return path
