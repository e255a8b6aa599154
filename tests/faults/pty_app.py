"""The real app on a real terminal, for the SIGHUP test: ``DivertApp.run()`` with Textual's
own driver on the pseudo-terminal the test gives it, logged in by keys typed on that
terminal. Only the way to the call is shortened: once logged in, the referral's assessment
screen opens (as choosing the referral and starting the call would).

    python -m tests.faults.pty_app DB_URL REFERRAL_ID
"""

from __future__ import annotations

import sys
from functools import partial

from divert_tui.app import DivertApp
from divert_tui.config import load_settings
from divert_tui.core.bootstrap import open_database
from divert_tui.core.services.base import Actor
from divert_tui.screens.assessment import AssessmentScreen


class StraightToTheCall(DivertApp):
    referral_id = 0

    def logged_in(self, actor: Actor) -> None:
        super().logged_in(actor)
        self.push_screen(AssessmentScreen(self.referral_id))


def main(url: str, referral_id: int) -> None:
    app = StraightToTheCall(partial(open_database, url), load_settings(url))
    app.referral_id = referral_id
    try:
        app.run()
    finally:
        if app.opened is not None:
            app.opened.db.dispose()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
