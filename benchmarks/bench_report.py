"""A year's commissioner report over a large cohort, against the raw SQL aggregates of the
same numbers.

Budget (DESIGN section 11): at most 2x, with the totals asserted equal. The report side is
the service the reports screen and ``divert report`` call (permission, one snapshot, every
breakdown, relative rates, suppression, the audit event); the baseline is hand-written
SQL through sqlite3 counting, per force, the referrals of the period and how many reached
each stage, the allocations, onward referrals and concerns, and fetching the first-contact
times. Both read the same database (a demo cohort, 100,000 referrals by default).

    .venv/bin/python benchmarks/bench_report.py [--referrals N] [--db FILE] [--repeat R]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, date
from pathlib import Path

from divert_tui.core.bootstrap import open_database
from divert_tui.core.rules.metrics import last_complete_months
from divert_tui.core.services import reports
from divert_tui.core.services.base import Actor
from divert_tui.demo.cohort import fill_demo

BUDGET = 2.0

PER_FORCE = """
SELECT r.force_code,
       count(*),
       sum(EXISTS (SELECT 1 FROM contact_attempt a WHERE a.referral_id = r.id
                   AND a.outcome IN ('answered', 'declined'))),
       sum(EXISTS (SELECT 1 FROM assessment s WHERE s.referral_id = r.id
                   AND s.completed_at IS NOT NULL)),
       sum(r.status = 'completed'),
       sum(r.status = 'non_compliant'),
       sum(EXISTS (SELECT 1 FROM intelligence_log l WHERE l.referral_id = r.id)),
       sum(r.status = 'ineligible'),
       sum(EXISTS (SELECT 1 FROM referral e WHERE e.person_id = r.person_id
                   AND (e.referred_at < r.referred_at
                        OR (e.referred_at = r.referred_at AND e.id < r.id)))),
       sum(r.first_contact_at IS NOT NULL),
       sum(EXISTS (SELECT 1 FROM booking b WHERE b.referral_id = r.id
                   AND b.status != 'cancelled')),
       sum(r.status = 'completed' OR EXISTS (SELECT 1 FROM booking b WHERE b.referral_id = r.id
                   AND b.status IN ('attended', 'completed')))
FROM referral r JOIN person p ON p.id = r.person_id
WHERE r.referred_at >= ? AND r.referred_at < ?
GROUP BY r.force_code
"""
PERIOD = "WHERE r.referred_at >= ? AND r.referred_at < ?"
BY_PART = [
    "SELECT r.force_code, p.sex, (CAST(strftime('%Y%m%d', r.referred_at) AS INTEGER) "
    "- CAST(strftime('%Y%m%d', p.date_of_birth) AS INTEGER)) / 10000, count(*) "
    f"FROM referral r JOIN person p ON p.id = r.person_id {PERIOD} GROUP BY 1, 2, 3",
    f"SELECT r.force_code, r.main_substance, count(*) FROM referral r {PERIOD} GROUP BY 1, 2",
    "SELECT r.force_code, p.self_defined_ethnicity, r.status, count(*) FROM referral r "
    f"JOIN person p ON p.id = r.person_id {PERIOD} GROUP BY 1, 2, 3",
    "SELECT r.force_code, p.officer_observed_ethnicity, r.status, count(*) FROM referral r "
    f"JOIN person p ON p.id = r.person_id {PERIOD} GROUP BY 1, 2, 3",
    "SELECT r.force_code, a.chosen, count(DISTINCT r.id) FROM referral r "
    f"JOIN allocation a ON a.referral_id = r.id {PERIOD} GROUP BY 1, 2",
    "SELECT r.force_code, n.domain, count(DISTINCT r.id) FROM referral r "
    "JOIN assessment s ON s.referral_id = r.id JOIN need n ON n.assessment_id = s.id "
    f"{PERIOD} AND n.action = 'referred' GROUP BY 1, 2",
    "SELECT r.force_code, c.type, count(*) FROM referral r "
    f"JOIN safeguarding_concern c ON c.referral_id = r.id {PERIOD} GROUP BY 1, 2",
    "SELECT r.force_code, r.referred_at, r.first_contact_at FROM referral r "
    f"{PERIOD} AND r.first_contact_at IS NOT NULL",
]
COMPARED = (
    "contacted",
    "assessed",
    "completed",
    "non_compliant",
    "barred",
    "ineligible",
    "repeat_referrals",
    "first_contact_attempted",
    "booked",
    "attended",
)


def stored(moment) -> str:  # type: ignore[no-untyped-def]
    """A bound as SQLite holds timestamps: UTC text with microseconds."""
    return moment.astimezone(UTC).isoformat(" ", "microseconds")[:26]


def raw_report(connection: sqlite3.Connection, low: str, high: str) -> dict[str, tuple]:
    totals = {row[0]: row[1:] for row in connection.execute(PER_FORCE, (low, high))}
    for sql in BY_PART:
        connection.execute(sql, (low, high)).fetchall()
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="reuse (or create) this demo SQLite file")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    db_file = args.db or Path(tempfile.mkdtemp(prefix="divert-bench-report-")) / "demo.db"
    if not db_file.exists():
        print(f"filling {db_file} with {args.referrals:,} demo referrals ...", flush=True)
        opened = open_database(f"sqlite:///{db_file}")
        fill_demo(opened.db, args.referrals, 2026)
        opened.db.dispose()
    opened = open_database(f"sqlite:///{db_file}")
    actor = Actor.system("bench", demo=True)
    period = last_complete_months(date.today())
    low, high = (stored(b) for b in period.bounds())
    raw = sqlite3.connect(db_file)

    ours, base = [], []
    published = totals = None
    for _ in range(args.repeat):
        start = time.perf_counter()
        published = reports.commissioner_report(opened.db, actor, opened.schemes, period)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        totals = raw_report(raw, low, high)
        base.append(time.perf_counter() - start)
    assert published is not None and totals is not None
    checked = 0
    for figures in published.figures:
        if figures.force == "all":
            continue
        row = totals.get(figures.force, (0,) * (len(COMPARED) + 1))
        assert figures.referrals == row[0], (figures.force, figures.referrals, row[0])
        for name, value in zip(COMPARED, row[1:], strict=True):
            assert figures.counts[name] == value, (figures.force, name, figures.counts[name], value)
            checked += 1
    raw.close()
    opened.db.dispose()
    ratio = statistics.median(ours) / statistics.median(base)
    verdict = "within" if ratio <= BUDGET else "OVER"
    print(
        f"period {period}: {sum(f.referrals for f in published.figures[:-1]):,} referrals; "
        f"{checked} totals equal to the raw SQL"
    )
    print(
        f"report {statistics.median(ours) * 1000:.0f} ms   raw SQL aggregates "
        f"{statistics.median(base) * 1000:.0f} ms   {ratio:.2f}x; {verdict} the {BUDGET}x budget"
    )


if __name__ == "__main__":
    main()
