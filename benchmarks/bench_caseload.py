"""The team lead's caseload over a large cohort: open, filter, sort, search and page, against
the raw SQL for the same page plus drawing one page of a plain DataTable.

Budget (DESIGN section 11): at most 1.5x. Both sides run in the same process on the same
database (a demo cohort, 100,000 referrals by default, filled once and reused with
``--db``) and draw their rows into the same kind of DataTable; the caseload side goes
through the service (permission check, filters, the counts by status above the table, the
page) and the screen's row formatting, the baseline through sqlite3 with one SELECT.

    .venv/bin/python benchmarks/bench_caseload.py [--referrals N] [--db FILE] [--repeat R]
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from divert_tui.core.bootstrap import open_database
from divert_tui.core.services.base import Actor
from divert_tui.core.services.caseload import CaseloadFilter, SortKey, caseload_page
from divert_tui.core.vocab import Role
from divert_tui.demo.cohort import fill_demo
from divert_tui.screens import format as fmt

BUDGET = 1.5
PAGE = 50
FORCE = "west_midlands"

RAW = """
SELECT r.id, r.police_reference, r.force_code, p.first_name, p.last_name, r.referred_at,
       r.main_substance, r.status, s.display_name, r.first_contact_due
FROM referral r JOIN person p ON p.id = r.person_id
LEFT JOIN staff s ON s.id = r.assigned_worker_id
WHERE r.force_code = ? {where}
ORDER BY {order}, r.id {direction}
LIMIT {limit} OFFSET {offset}
"""

# (label, filter, raw WHERE clause and parameters, raw ORDER BY, page)
CASES: list[tuple[str, CaseloadFilter, str, tuple, str, int]] = [
    ("open the caseload", CaseloadFilter(), "", (), "r.referred_at", 0),
    (
        "filter: completed cannabis",
        CaseloadFilter(status="completed", substance="cannabis"),
        "AND r.status = ? AND r.main_substance = ?",
        ("completed", "cannabis"),
        "r.referred_at",
        0,
    ),
    (
        "sort by name",
        CaseloadFilter(sort=SortKey.NAME, descending=False),
        "",
        (),
        "lower(p.last_name)",
        0,
    ),
    ("page 300", CaseloadFilter(), "", (), "r.referred_at", 300),
    (
        "search a surname",
        CaseloadFilter(search="smith"),
        "AND (p.last_name_key LIKE ? OR p.first_name_key LIKE ?)",
        ("%smith%",) * 2,
        "r.referred_at",
        0,
    ),
]


class Table(App[None]):
    def compose(self) -> ComposeResult:
        table: DataTable[str] = DataTable()
        table.add_columns(
            "1st", "Referred", "Police ref", "Name", "Force", "Substance", "Status", "Worker"
        )
        yield table


async def draw(app: Table, pilot, rows: list[tuple]) -> None:  # type: ignore[no-untyped-def]
    table = app.query_one(DataTable)
    table.clear()
    table.add_rows(rows)
    await pilot.pause()


def timed(function: Callable[[], object], repeat: int) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), result


async def measure(db_file: Path, repeat: int) -> list[tuple[str, float, float]]:
    opened = open_database(f"sqlite:///{db_file}")
    actor = Actor(None, "bench", Role.TEAM_LEAD, frozenset({FORCE}), "bench")
    today = date.today()
    raw = sqlite3.connect(db_file)
    app = Table()
    results = []
    async with app.run_test(size=(130, 60)) as pilot:
        for label, chosen, where, params, order, page in CASES:
            chosen = replace(chosen, force=FORCE)
            direction = "DESC" if chosen.descending else "ASC"
            sql = RAW.format(
                where=where,
                order=f"{order} {direction}",
                direction=direction,
                limit=PAGE,
                offset=page * PAGE,
            )

            ours_samples, base_samples = [], []
            for _ in range(repeat):
                start = time.perf_counter()
                result = caseload_page(
                    opened.db, actor, chosen, today=today, page=page, page_size=PAGE
                )
                rows = [
                    (
                        fmt.contact_flag(r.contact_flag(today)).plain,
                        fmt.uk_time(r.referred_at),
                        r.police_reference,
                        r.person_name,
                        r.force_code,
                        fmt.substance(r.main_substance),
                        fmt.label(r.status),
                        r.worker or "unassigned",
                    )
                    for r in result.rows
                ]
                await draw(app, pilot, rows)
                ours_samples.append(time.perf_counter() - start)

                start = time.perf_counter()
                fetched = raw.execute(sql, (FORCE, *params)).fetchall()
                plain = [
                    ("", str(f[5]), f[1], f"{f[3]} {f[4]}", f[2], f[6], f[7], f[8] or "")
                    for f in fetched
                ]
                await draw(app, pilot, plain)
                base_samples.append(time.perf_counter() - start)
            assert len(plain) == len(rows), f"{label}: {len(plain)} raw rows, {len(rows)} ours"
            results.append(
                (label, statistics.median(ours_samples), statistics.median(base_samples))
            )
    raw.close()
    opened.db.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="reuse (or create) this demo SQLite file")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    db_file = args.db or Path(tempfile.mkdtemp(prefix="divert-bench-caseload-")) / "demo.db"
    if not db_file.exists():
        print(f"filling {db_file} with {args.referrals:,} demo referrals ...", flush=True)
        opened = open_database(f"sqlite:///{db_file}")
        fill_demo(opened.db, args.referrals, 2026)
        opened.db.dispose()
    results = asyncio.run(measure(db_file, args.repeat))
    worst = 0.0
    for label, ours, base in results:
        ratio = ours / base
        if not label.startswith("search"):
            worst = max(worst, ratio)
        print(
            f"{label:28s} caseload {ours * 1000:7.1f} ms   raw SQL + draw {base * 1000:7.1f} ms"
            f"   {ratio:4.2f}x"
        )
    verdict = "within" if worst <= BUDGET else "OVER"
    print(f"worst of open, filter, sort and page: {worst:.2f}x; {verdict} the {BUDGET}x budget")
    print(
        "(search is shown apart: DESIGN's budget names open, filter, sort and page; a search "
        "also counts every match, which the raw page, stopping at 50 rows, does not)"
    )


if __name__ == "__main__":
    main()
