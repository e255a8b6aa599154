"""A writer process for the fault tests: real service calls in a loop, each acknowledged on
stdout only after the service returned (so after its transaction committed).

    python -m tests.faults.writer DB_URL REFERRAL_ID ASSESSMENT_ID TAG [SECONDS]
    python -m tests.faults.writer fork DB_URL REFERRAL_ID ASSESSMENT_ID

The second form imports once and then, for each ``go TAG`` line on stdin, forks a writer
that runs until it is killed, says ``PID n``, waits for it and says ``EXIT status``: a
kill loop of twenty writers then costs twenty forks, not twenty interpreter starts.

Lines: ``TRY kind key value`` before a call, ``ACK kind key value`` after it returned,
``ERROR kind words`` for a refusal (the parent fails on any). With SECONDS the loop stops
after that long and prints ``DONE``; without, it runs until it is killed.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date

from divert_tui.core.database import Database, StorageError
from divert_tui.core.schemes import load_schemes
from divert_tui.core.services import assessment, referral_view, referrals
from divert_tui.core.services.base import Actor, ServiceError
from divert_tui.core.vocab import Role

TODAY = date(2026, 11, 27)
ITEMS = ("q1", "q2", "q3", "q4", "q5")


def say(*words: object) -> None:
    """One whole line in one write, so a kill never leaves half a line for the forker's
    next words to join (the writers and the forker share one pipe)."""
    os.write(sys.stdout.fileno(), (" ".join(map(str, words)) + "\n").encode())


def one_write(
    db: Database, actor: Actor, schemes, referral_id: int, assessment_id: int, tag: str, turn: int
) -> None:
    """One service call of three kinds in turn: a note, a contact attempt, an answer."""
    kind = ("note", "attempt", "answer")[turn % 3]
    if kind == "note":
        text = f"{tag}-{turn}"
        say("TRY note", text, "-")
        note_id = referral_view.add_note(db, actor, referral_id, text)
        say("ACK note", text, note_id)
    elif kind == "attempt":
        text = f"{tag}-{turn}"
        say("TRY attempt", text, "-")
        logged = referrals.log_contact_attempt(
            db, actor, referral_id, "no_answer", schemes, note=text
        )
        say("ACK attempt", text, logged.attempt_id)
    else:
        item = ITEMS[(turn // 3) % len(ITEMS)]
        value = "yes" if (turn // 15) % 2 == 0 else "no"
        say("TRY answer", item, value)
        assessment.save_answer(
            db, actor, assessment_id, "identity_check", "", item, value, today=TODAY
        )
        say("ACK answer", item, value)


def main(url: str, referral_id: int, assessment_id: int, tag: str, seconds: float | None) -> None:
    db = Database(url)
    schemes = load_schemes()
    actor = Actor(None, f"writer-{tag}", Role.WORKER, frozenset({"west_midlands"}), tag)
    say("READY")
    started = time.monotonic()
    turn = 0
    try:
        while seconds is None or time.monotonic() - started < seconds:
            try:
                one_write(db, actor, schemes, referral_id, assessment_id, tag, turn)
            except (StorageError, ServiceError) as error:
                say("ERROR", type(error).__name__, str(error).replace("\n", " "))
            turn += 1
    finally:
        db.dispose()
    say("DONE", turn)


def fork_writers(url: str, referral_id: int, assessment_id: int) -> None:
    """Fork one writer per ``go TAG`` line; nothing here holds a connection across a fork."""
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] != "go":
            continue
        pid = os.fork()
        if pid == 0:
            try:
                main(url, referral_id, assessment_id, words[1], None)
            finally:
                os._exit(0)
        say("PID", pid)
        _, status = os.waitpid(pid, 0)
        say("EXIT", -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status))


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[0] == "fork":
        fork_writers(args[1], int(args[2]), int(args[3]))
        sys.exit(0)
    main(args[0], int(args[1]), int(args[2]), args[3], float(args[4]) if len(args) > 4 else None)
