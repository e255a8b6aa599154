"""Shared pieces of the fault tests: a referral with a call under way, child processes run
with the venv's python and a timeout, and the checks that nothing acknowledged is lost."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text

from divert_tui.core.database import Database
from divert_tui.core.schemes import Scheme
from divert_tui.core.services import assessment
from divert_tui.core.services.base import Actor
from divert_tui.core.vocab import Role
from tests.assessment.helpers import seed_referral  # noqa: F401 - used by the tests

ROOT = Path(__file__).resolve().parents[2]
CALL_START_NOTE = "assessment call"  # the answered attempt logged when the call starts
WORKER = Actor(None, "writer", Role.WORKER, frozenset({"west_midlands"}), "Writer")


def call_under_way(db: Database, schemes: dict[str, Scheme], n: int = 1) -> tuple[int, int]:
    """(referral id, assessment id) of a referral whose assessment call has started."""
    referral_id = seed_referral(db, "cannabis", n=n)
    view = assessment.start_or_resume(db, WORKER, referral_id, schemes)
    return referral_id, view.id


def child_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}


def start_writer(
    url: str, referral_id: int, assessment_id: int, tag: str, seconds: float | None = None
) -> subprocess.Popen[str]:
    args = [
        sys.executable,
        "-m",
        "tests.faults.writer",
        url,
        str(referral_id),
        str(assessment_id),
        tag,
    ]
    if seconds is not None:
        args.append(str(seconds))
    return subprocess.Popen(
        args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=child_env(),
    )  # fmt: skip


@dataclass
class Acks:
    """What writers said: the writes they acknowledged, and the ones they were making when
    they were killed (those may or may not have committed; both are right)."""

    notes: set[str] = field(default_factory=set)
    attempts: set[str] = field(default_factory=set)
    answers: dict[str, set[str | None]] = field(default_factory=dict)
    maybe: set[str] = field(default_factory=set)
    in_flight: tuple[str, str, str] | None = None
    errors: list[str] = field(default_factory=list)
    acked: int = 0

    def read(self, lines: Iterable[str]) -> None:
        for line in lines:
            words = line.split()
            if not words:
                continue
            if words[0] == "ERROR":
                self.errors.append(line.strip())
            elif words[0] == "TRY":
                self.in_flight = (words[1], words[2], words[3])
            elif words[0] == "ACK":
                kind, key, value = words[1], words[2], words[3]
                if kind == "note":
                    self.notes.add(key)
                elif kind == "attempt":
                    self.attempts.add(key)
                else:
                    self.answers[key] = {value}
                self.acked += 1
                self.in_flight = None

    def killed(self) -> bool:
        """The writer died: its unacknowledged write may be stored or not. True when the
        kill landed inside a service call."""
        flying, self.in_flight = self.in_flight, None
        if flying is None:
            return False
        kind, key, value = flying
        if kind == "answer":
            self.answers.setdefault(key, {None}).add(value)  # None: never answered before
        else:
            self.maybe.add(key)
        return True


def stored_texts(db: Database, table: str, referral_id: int) -> list[str]:
    column = "text" if table == "note" else "note"
    with db.read() as session:
        rows = session.execute(
            text(f"SELECT {column} FROM {table} WHERE referral_id = :r"), {"r": referral_id}
        )
        return [row[0] for row in rows]


def stored_answers(db: Database, assessment_id: int) -> dict[str, str]:
    with db.read() as session:
        row = session.execute(
            text(
                "SELECT answers FROM instrument_response WHERE assessment_id = :a "
                "AND instrument_id = 'identity_check'"
            ),
            {"a": assessment_id},
        ).first()
    if row is None:
        return {}
    answers = row[0]
    if isinstance(answers, str):
        import json

        answers = json.loads(answers)
    return dict(answers)


def check_acknowledged(db: Database, acks: Acks, referral_id: int, assessment_id: int) -> None:
    """Every acknowledged write is stored; an answer holds its last acknowledged value, or
    the value the writer was saving when it died."""
    notes = stored_texts(db, "note", referral_id)
    attempts = stored_texts(db, "contact_attempt", referral_id)
    assert acks.notes <= set(notes), sorted(acks.notes - set(notes))
    assert acks.attempts <= set(attempts), sorted(acks.attempts - set(attempts))
    assert len(notes) == len(set(notes)) and len(attempts) == len(set(attempts))
    unacked = (set(notes) - acks.notes) | (set(attempts) - acks.attempts)
    unacked.discard(CALL_START_NOTE)
    assert unacked <= acks.maybe, f"stored but never tried: {sorted(unacked - acks.maybe)}"
    answers = stored_answers(db, assessment_id)
    for item, allowed in acks.answers.items():
        assert answers.get(item) in allowed, (item, answers.get(item), allowed)


def check_whole(db: Database, referral_id: int) -> None:
    """No half-written use case: each note and contact attempt came with its audit event in
    the same transaction, and the audit chain still verifies."""
    from divert_tui.core.services import audit

    with db.read() as session:

        def count(sql: str) -> int:
            return session.execute(text(sql), {"r": referral_id}).scalar_one()

        notes = count("SELECT count(*) FROM note WHERE referral_id = :r")
        note_events = count(
            "SELECT count(*) FROM audit_event WHERE action = 'referral.note' "
            "AND entity_id = CAST(:r AS VARCHAR)"
        )
        attempts = count("SELECT count(*) FROM contact_attempt WHERE referral_id = :r")
        attempt_events = count(
            "SELECT count(*) FROM audit_event WHERE action = 'referral.contact_attempt' "
            "AND entity_id = CAST(:r AS VARCHAR)"
        )
    assert notes == note_events
    assert attempts == attempt_events + 1  # the answered call logged when the call started
    report = audit.verify(db, Actor.system("tests"))
    assert report.intact, report


def integrity_ok(db: Database) -> None:
    if db.is_sqlite:
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
