"""Import of 10,000 feed rows with validation, against csv reading plus raw executemany.

Budget (DESIGN section 11): at most 5x. Both sides run in the same process on fresh,
migrated SQLite databases of their own, writing the same rows into the same tables
(person and referral); the baseline does no validation, matching or eligibility.

    .venv/bin/python benchmarks/bench_import.py [--rows N] [--repeat R]
"""

from __future__ import annotations

import argparse
import csv
import random
import sqlite3
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from faker import Faker

from divert_tui.core.database import Database, upgrade
from divert_tui.core.feed import FEED_FIELDS
from divert_tui.core.schemes import load_schemes
from divert_tui.core.services.base import Actor
from divert_tui.core.services.intake import import_feed
from divert_tui.core.services.settings import sync_forces

BUDGET = 5.0
SUBSTANCES = ["cannabis", "weed", "cocaine", "nos", "crack", "ketamine", "cannabis;cocaine"]
ETHNICITIES = ["W1", "W2", "B1", "B2", "A1", "A2", "M1", "O9", "NS"]


def make_feed(path: Path, rows: int, seed: int = 7) -> None:
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    forces = ["west_midlands", "west_mercia", "warwickshire", "staffordshire"]
    today = date.today()
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(FEED_FIELDS)
        for n in range(rows):
            referred = today - timedelta(days=rng.randrange(1, 700))
            born = referred - timedelta(days=rng.randrange(18 * 366, 60 * 365))
            day_first = rng.random() < 0.5
            writer.writerow(
                {
                    "police_reference": f"BENCH/{n:06d}",
                    "force": rng.choice(forces),
                    "referred_at": f"{referred.isoformat()}T{rng.randrange(24):02d}:15",
                    "offence_date": referred.strftime("%d/%m/%Y") if day_first else referred,
                    "first_name": fake.first_name(),
                    "last_name": fake.last_name(),
                    "date_of_birth": born.strftime("%d/%m/%Y") if day_first else born,
                    "phone": f"07700 900{rng.randrange(1000):03d}",
                    "substances": rng.choice(SUBSTANCES),
                    "sex": rng.choice(["male", "female", "M", "F"]),
                    "self_defined_ethnicity": rng.choice(ETHNICITIES),
                    "officer_observed_ethnicity": f"IC{rng.randrange(1, 7)}",
                    "postcode": rng.choice(["b15 2tt", "CV1 5FB", "WR1 2HP", "ST4 2DE"]),
                    "officer": f"PC {rng.randrange(9999)}",
                    "location": fake.street_name(),
                    "notes": "",
                }.get(name, "")
                for name in FEED_FIELDS
            )


def fresh_db(folder: Path, name: str, schemes: dict) -> Database:
    db = Database(f"sqlite:///{folder / name}")
    upgrade(db)
    sync_forces(db, schemes)
    return db


def baseline(feed: Path, db_path: Path) -> float:
    """csv reading + raw executemany of the same rows into person and referral."""
    start = time.perf_counter()
    with feed.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    now = datetime.now(UTC).isoformat(sep=" ")
    connection = sqlite3.connect(db_path, isolation_level=None)
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("BEGIN IMMEDIATE")
    first_id = (connection.execute("SELECT coalesce(max(id), 0) FROM person").fetchone()[0]) + 1
    connection.executemany(
        "INSERT INTO person (first_name, last_name, first_name_key, last_name_key, date_of_birth,"
        " sex, self_defined_ethnicity, officer_observed_ethnicity, phone, postcode,"
        " needs_interpreter, created_at, version) VALUES (?,?,?,?,?,?,?,?,?,?,0,?,1)",
        [
            (r["first_name"], r["last_name"], r["first_name"].lower(), r["last_name"].lower(),
             r["date_of_birth"], "not_stated", r["self_defined_ethnicity"],
             r["officer_observed_ethnicity"], r["phone"], r["postcode"], now)
            for r in rows
        ],
    )  # fmt: skip
    connection.executemany(
        "INSERT INTO referral (force_code, police_reference, person_id, referred_at,"
        " offence_date, substances, main_substance, officer, location, source, status,"
        " created_at, updated_at, version) VALUES (?,?,?,?,?,?,?,?,?,'officer_app','received',?,?,1)",
        [
            (r["force"], r["police_reference"], first_id + i, r["referred_at"], r["offence_date"],
             r["substances"], "cannabis", r["officer"], r["location"], now, now)
            for i, r in enumerate(rows)
        ],
    )  # fmt: skip
    connection.execute("COMMIT")
    connection.close()
    return time.perf_counter() - start


def measured(feed: Path, db: Database, schemes: dict) -> float:
    start = time.perf_counter()
    summary = import_feed(db, Actor.system("bench"), feed, schemes)
    elapsed = time.perf_counter() - start
    assert summary.imported + summary.already_present == summary.rows_read, summary
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    schemes = load_schemes()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        feed = folder / "feed.csv"
        make_feed(feed, args.rows)
        base_times, import_times = [], []
        for n in range(args.repeat):
            base_db = fresh_db(folder, f"base{n}.db", schemes)
            base_db.dispose()
            base_times.append(baseline(feed, folder / f"base{n}.db"))
            db = fresh_db(folder, f"import{n}.db", schemes)
            import_times.append(measured(feed, db, schemes))
            db.dispose()
    base, imp = min(base_times), min(import_times)
    ratio = imp / base
    print(f"rows: {args.rows}")
    print(f"baseline (csv + raw executemany): {base * 1000:.0f} ms")
    print(f"import with validation:           {imp * 1000:.0f} ms")
    print(
        f"ratio: {ratio:.2f}x (budget {BUDGET:.0f}x) {'OK' if ratio <= BUDGET else 'OVER BUDGET'}"
    )


if __name__ == "__main__":
    main()
