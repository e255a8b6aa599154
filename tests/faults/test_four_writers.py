"""Four processes writing at once for 20 seconds (issue 13 item 7) never see "database is
locked" and every write they acknowledged lands: SQLite with WAL, the busy timeout and the
BEGIN retry exactly as the house sets them (nothing shortened for the test)."""

from __future__ import annotations

import pytest

from tests.faults import helpers as h

SECONDS = 20
WRITERS = 4


def test_four_processes_writing_for_twenty_seconds_never_see_a_locked_database(
    db, db_url, schemes
) -> None:
    if not db.is_sqlite:
        pytest.skip("SQLite's single write lock; PostgreSQL writers are in test_postgres")
    calls = [h.call_under_way(db, schemes, n=n + 1) for n in range(WRITERS)]
    writers = [
        h.start_writer(db_url, referral_id, assessment_id, f"w{n}", seconds=SECONDS)
        for n, (referral_id, assessment_id) in enumerate(calls)
    ]
    outputs: list[tuple[str, str]] = []
    try:
        for writer in writers:
            outputs.append(writer.communicate(timeout=SECONDS + 90))
    finally:
        for writer in writers:
            writer.kill()
            writer.wait(10)
    for writer, (out, err), (referral_id, assessment_id) in zip(
        writers, outputs, calls, strict=True
    ):
        assert writer.returncode == 0, err[-2000:]
        locked = [line for line in (out + err).splitlines() if "locked" in line.lower()]
        assert locked == [], locked[:3]
        acks = h.Acks()
        acks.read(out.splitlines())
        assert acks.errors == [], acks.errors[:5]
        assert out.splitlines()[-1].startswith("DONE")
        assert acks.acked >= 20, acks.acked  # each writer really wrote throughout, not once
        h.check_acknowledged(db, acks, referral_id, assessment_id)
        h.check_whole(db, referral_id)
    h.integrity_ok(db)
