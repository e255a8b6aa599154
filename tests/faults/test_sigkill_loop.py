"""A writer killed with SIGKILL at random points, again and again, loses no acknowledged
write and leaves the database whole (issue 13 item 7; DESIGN section 10).

The writer makes real service calls (notes, contact attempts, answers), each acknowledged
on stdout only after the call returned. After every kill the acknowledged writes are all
there, each note and attempt has the audit event of its transaction, the audit chain
verifies, and on SQLite ``PRAGMA integrity_check`` says ok. Runs on both databases.
"""

from __future__ import annotations

import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time

import pytest

from tests.faults import helpers as h

KILLS = 30  # the issue asks for at least 20


class Lines:
    """A child's stdout read by a thread, so every wait has a timeout and cannot hang CI."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.queue: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        assert process.stdout is not None
        stream = process.stdout
        threading.Thread(target=lambda: [self.queue.put(x) for x in stream], daemon=True).start()

    def next(self, timeout: float = 30) -> str:
        try:
            line = self.queue.get(timeout=timeout)
        except queue.Empty:
            last = [x.rstrip() for x in self.seen[-8:]]
            raise AssertionError(f"the writer said nothing for too long after {last}") from None
        self.seen.append(line)
        return line

    def until(self, word: str, timeout: float = 30) -> list[str]:
        """Every line up to and including the first that starts with ``word``."""
        lines = []
        deadline = time.monotonic() + timeout
        while not lines or not lines[-1].startswith(word):
            lines.append(self.next(max(0.1, deadline - time.monotonic())))
        return lines


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and fork")
def test_writers_killed_at_random_lose_no_acknowledged_write(
    db, db_url, schemes, tmp_path
) -> None:
    referral_id, assessment_id = h.call_under_way(db, schemes)
    # Thirty writers' warnings would fill a stderr pipe nobody reads and stall the forker:
    # they go to a file, shown when the test fails.
    errors = (tmp_path / "writers.err").open("w", encoding="utf-8")
    forker = subprocess.Popen(
        [sys.executable, "-m", "tests.faults.writer", "fork", db_url, str(referral_id),
         str(assessment_id)],
        cwd=h.ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors,
        text=True, env=h.child_env(),
    )  # fmt: skip
    lines = Lines(forker)
    rng = random.Random(13)
    acks = h.Acks()
    killed_mid_call = 0
    try:
        assert forker.stdin is not None
        for run in range(KILLS):
            forker.stdin.write(f"go k{run}\n")
            forker.stdin.flush()
            pid = int(lines.until("PID", timeout=90)[-1].split()[1])
            said = lines.until("READY", timeout=90)
            # A random point: after a few acknowledged writes (so each writer gets going
            # however loaded the machine is), then a random moment of the next calls.
            for _ in range(rng.randint(0, 3)):
                said += lines.until("ACK", timeout=90)
            said += lines.until("TRY", timeout=90)  # a call has begun: kill inside it
            time.sleep(rng.choice((0.0, 0.002, 0.005, 0.01, 0.02, 0.05)) * rng.random())
            os.kill(pid, signal.SIGKILL)
            said += lines.until("EXIT", timeout=90)
            assert said[-1].split() == ["EXIT", str(-signal.SIGKILL)], said[-3:]
            acks.read(said)
            assert acks.errors == []
            killed_mid_call += acks.killed()
            h.check_acknowledged(db, acks, referral_id, assessment_id)
            h.check_whole(db, referral_id)
            h.integrity_ok(db)
    except AssertionError as failure:
        errors.flush()
        told = (tmp_path / "writers.err").read_text(encoding="utf-8")[-2000:]
        raise AssertionError(f"{failure}; the writers' stderr ends: {told!r}") from None
    finally:
        forker.kill()
        forker.wait(10)
        errors.close()
    assert acks.acked >= KILLS  # the writers got going between the kills
    assert killed_mid_call >= KILLS // 2, killed_mid_call  # most kills landed inside a call
