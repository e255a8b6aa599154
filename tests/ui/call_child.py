"""Runs a call in the real app (headless) and reports each committed answer on stdout, so
a test can SIGKILL it mid-call and check that everything reported is in the database.

    python -m tests.ui.call_child DB_URL REFERRAL_ID STAFF_ID
"""

from __future__ import annotations

import asyncio
import sys

from divert_tui.app import DivertApp
from divert_tui.config import load_settings
from divert_tui.core.bootstrap import open_database
from divert_tui.core.services.base import Actor
from divert_tui.core.vocab import Role
from divert_tui.screens.assessment import AssessmentScreen
from tests.ui import assessment_driver as d


class ReportingCall(AssessmentScreen):
    def _saved(self, view) -> None:  # type: ignore[no-untyped-def]
        super()._saved(view)
        answered = sorted(
            f"{key[0]}/{key[1]}/{item}"
            for key, stored in view.facts.responses.items()
            for item in stored.answers
        )
        print("COMMITTED " + " ".join(answered), flush=True)


async def main(url: str, referral_id: int, staff_id: int) -> None:
    opened = open_database(url)
    app = DivertApp(opened, load_settings(url))
    async with app.run_test(size=(140, 45)) as pilot:
        app.actor = Actor(staff_id, "alice", Role.WORKER, frozenset({"west_midlands"}), "Alice")
        await app.push_screen(ReportingCall(referral_id))
        await d.settle(pilot)
        print("READY", flush=True)
        keys = d.IDENTITY + d.substance_use("9", 2) + d.SDS_SIX + d.AUDIT_C_POSITIVE
        for key in keys:  # a worker's pace, so the kill lands in the middle of the call
            await pilot.press(key)
            await asyncio.sleep(0.05)
        print("FINISHED", flush=True)
        await asyncio.sleep(600)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
