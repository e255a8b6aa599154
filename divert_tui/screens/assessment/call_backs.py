"""The call-backs due today (and any missed), at the top of the worker's list."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.text import Text
from textual import on
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from divert_tui.core.rules.call_back import UK
from divert_tui.core.services import assessment_record as record_svc
from divert_tui.core.services.base import Permission


class CallBacksDue(OptionList):
    """Hidden while nothing is due; Enter on one opens its referral (and from there, `a`)."""

    DEFAULT_CSS = """
    CallBacksDue { height: auto; max-height: 7; border: round $warning; display: none; }
    CallBacksDue.-due { display: block; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.border_title = "Call-backs due"

    def load(self) -> None:
        app: Any = self.app
        actor = app.actor
        if actor is None or not actor.can(Permission.WORK_REFERRALS):
            return
        today = app.today()
        now = datetime.now(UK)
        if now.date() != today:
            now = datetime.combine(today, now.time(), UK)

        def job() -> None:
            due = record_svc.call_backs_due(app.db, actor, now=now)
            app.call_from_thread(self._show, due)

        app.run_worker(job, thread=True, exit_on_error=True, group="service")

    def _show(self, due: list[record_svc.CallBackDue]) -> None:
        self.clear_options()
        for item in due:
            style = "bold red" if item.overdue else "bold"
            self.add_option(Option(Text(item.words, style=style), id=str(item.referral_id)))
        self.border_title = f"Call-backs due ({len(due)}) · b: go to them, Enter: open"
        self.set_class(bool(due), "-due")
        self.screen.refresh_bindings()

    @on(OptionList.OptionSelected)
    def _open(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_id:
            app: Any = self.app
            app.open_referral(int(event.option_id))
