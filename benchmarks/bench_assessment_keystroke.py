"""A keystroke in the assessment with autosave against the same form without saving.

Both run in the real app, headless, driven by Textual's Pilot on a SQLite file (WAL,
synchronous=FULL), on the call screen at the PGSI step: the baseline is that very screen
with its answer saving switched off; the measured case commits every answer (its own
transaction, audit event included). The timed span runs from the first key to the last
answer being on disk. Budget (DESIGN 11): median at most 1.3x the baseline.

    python benchmarks/bench_assessment_keystroke.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

BUDGET = 1.3
KEYS = ["1", "enter"] * 9  # nine PGSI answers, 18 keystrokes


def seed(db, n: int) -> int:  # type: ignore[no-untyped-def]
    from divert_tui.core.models import Person, Referral

    with db.write() as session:
        person = Person(first_name="Bench", last_name=f"Person{n}", date_of_birth=date(1990, 1, 1))
        session.add(person)
        session.flush()
        referral = Referral(
            force_code="west_midlands",
            police_reference=f"BENCH/{n}",
            person_id=person.id or 0,
            referred_at=datetime(2026, 11, 1, tzinfo=UTC),
            offence_date=date(2026, 11, 1),
            substances="cannabis",
            main_substance="cannabis",
        )
        session.add(referral)
        session.flush()
        return referral.id or 0


async def run(rounds: int, folder: Path) -> tuple[list[float], list[float]]:
    from divert_tui.app import DivertApp
    from divert_tui.config import load_settings
    from divert_tui.core.bootstrap import open_database
    from divert_tui.core.services import assessment as svc
    from divert_tui.core.services import staff
    from divert_tui.core.services.base import Actor
    from divert_tui.core.vocab import Role
    from divert_tui.screens.assessment import AssessmentScreen

    class NoSaving(AssessmentScreen):
        """The same call screen, with answers and skips not saved (the baseline)."""

        def _call(self, service, *args, then=None, **kwargs):  # type: ignore[no-untyped-def]
            if service in (svc.save_answer, svc.mark_item):
                return
            super()._call(service, *args, then=then, **kwargs)

    url = f"sqlite:///{folder / 'bench.db'}"
    opened = open_database(url)
    made = staff.add_staff(
        opened.db,
        Actor.system("bench"),
        "bench",
        "worker",
        "bench-password-1",
        forces=["west_midlands"],
    )
    actor = Actor(made.id, "bench", Role.WORKER, frozenset({"west_midlands"}), "Bench")
    app = DivertApp(opened, load_settings(url))
    plain: list[float] = []
    saving: list[float] = []
    async with app.run_test(size=(140, 45)) as pilot:
        app.actor = actor
        for n in range(rounds + 1):  # the first round warms up and is not counted
            for kind, screen_class in (("plain", NoSaving), ("saving", AssessmentScreen)):
                rid = seed(opened.db, n * 2 + (kind == "saving"))
                view = svc.start_or_resume(opened.db, actor, rid, opened.schemes)
                svc.go_to_step(opened.db, actor, view.id, "gambling")
                call = screen_class(rid)
                await app.push_screen(call)
                while call.ref is None or call.ref.instrument != "pgsi" or call.autosaver.pending:
                    await pilot.pause(0.01)
                before = call.autosaver.saved
                started = time.perf_counter()
                await pilot.press(*KEYS)
                if kind == "saving":
                    while call.autosaver.saved < before + 9:  # the ninth answer is committed
                        await pilot.pause(0.001)
                else:
                    await pilot.pause()
                if n:
                    (plain if kind == "plain" else saving).append(time.perf_counter() - started)
                stored = svc.load(opened.db, actor, view.id).stored("pgsi")
                if kind == "saving":
                    assert stored is not None and len(stored.answers) == 9 and stored.completed
                else:
                    assert stored is None
                while call.autosaver.pending:
                    await pilot.pause(0.01)
                app.pop_screen()
                await pilot.pause()
    opened.db.dispose()
    return plain, saving


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        plain, saving = asyncio.run(run(args.rounds, Path(tmp)))
    per_key_plain = statistics.median(plain) / len(KEYS)
    per_key_saving = statistics.median(saving) / len(KEYS)
    ratio = per_key_saving / per_key_plain
    print(f"keystroke, form without saving: {per_key_plain * 1000:.1f} ms (median of {len(plain)})")
    print(f"keystroke, assessment with autosave: {per_key_saving * 1000:.1f} ms")
    print(f"ratio: {ratio:.2f}x (budget {BUDGET}x): {'OK' if ratio <= BUDGET else 'OVER BUDGET'}")
    return 0 if ratio <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
