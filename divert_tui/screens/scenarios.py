"""Scenarios (demo only): the trainer's list of scripted cases, loaded or reset with one key.

The list is the scenario files themselves (ten of them, so no paging); the side panel shows
what the learner should see and do and what the trainer, playing the person, says. Loading
puts the case back to its start in one transaction (``demo.scenario_loader``), then offers to
open the person's referral and says whose queue it waits in.
"""

from __future__ import annotations

import textwrap
from datetime import datetime
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from divert_tui.core.services.base import ServiceError
from divert_tui.demo.scenario_book import Scenario, ScenarioFileError, all_scenarios
from divert_tui.screens.base import DivertScreen
from divert_tui.screens.dialogs import ConfirmDialog
from divert_tui.screens.format import UK
from divert_tui.widgets.app_header import AppHeader
from divert_tui.widgets.fit_footer import FitFooter
from divert_tui.widgets.plain import Static

LIST_WIDTH = 30


class ScenarioList(OptionList):
    """One click selects a row; a double click (or Enter) loads it."""

    async def _on_click(self, event: events.Click) -> None:
        event.prevent_default()
        clicked: int | None = event.style.meta.get("option")
        if clicked is None:
            return
        self.highlighted = clicked
        if event.chain >= 2:
            self.action_select()


def scenario_text(case: Scenario) -> Text:
    """The side panel: what it is, where it leads, what to look for and what to say."""
    text = Text()
    text.append(f"{case.title}\n", style="bold")
    text.append(f"{case.summary}\n")
    text.append("Outcome: ", style="bold")
    text.append(f"{case.outcome}\n")
    for heading, lines in (
        ("The learner sees", case.learner_sees),
        ("The learner does", case.learner_does),
        (f"You, playing {case.first_name}, say", case.script),
    ):
        if not lines:
            continue
        text.append(f"\n{heading}\n", style="bold underline")
        for line in lines:
            text.append(f"• {line}\n")
    return text


def where_it_waits(loaded: Any, actor: Any) -> str:
    """Whose My work (F2) the referral is in, and the role to switch to when it is not yours."""
    if loaded.worker_id is None:
        return "It waits unallocated: a team lead can assign it from the Caseload (F3)."
    if actor is not None and actor.staff_id == loaded.worker_id:
        return "It is at the top of your My work (F2)."
    return (
        f"It waits in {loaded.worker_name}'s My work (F2): press F9 and pick drug worker"
        " to take the call as them."
    )


class ScenariosScreen(DivertScreen):
    """Pick a scenario; Enter or l loads it (again: back to its start); o opens the referral."""

    AREA = "Scenarios (demo)"

    DEFAULT_CSS = """
    ScenariosScreen #scenario-list { width: 30; border: round $primary; }
    ScenariosScreen #scenario-side { width: 1fr; }
    ScenariosScreen #scenario-detail { padding: 0 1; height: auto; }
    ScenariosScreen #scenario-status {
        height: auto; max-height: 4; padding: 0 1; background: $boost; color: $text;
    }
    ScenariosScreen #scenario-status.-error { color: $error; text-style: bold; }
    """

    BINDINGS = [
        Binding("l", "load", "Load / reset", id="scenarios.load"),
        Binding("o", "open", "Open referral", id="scenarios.open"),
        Binding("t", "tour", "Guided tour", id="scenarios.tour"),
        Binding("escape", "back", "Back", id="scenarios.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.cases: tuple[Scenario, ...] = all_scenarios()
        self.loaded: dict[str, int] = {}  # key -> referral id, of what is in the demo now
        self.busy = False

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with Horizontal():
            yield ScenarioList(*self._options(), id="scenario-list")
            with VerticalScroll(id="scenario-side"):
                yield Static(id="scenario-detail")
        yield Static(
            "Enter or l loads it (again: reset) · o opens its referral · ● in the demo",
            id="scenario-status",
        )
        yield FitFooter()

    def _label(self, n: int, case: Scenario) -> Text:
        mark = "●" if case.key in self.loaded else " "
        lines = textwrap.wrap(case.title, LIST_WIDTH - 10) or [""]
        return Text(f"{mark}{n:>2} " + "\n    ".join(lines))

    def _options(self) -> list[Option]:
        return [Option(self._label(n, c), id=c.key) for n, c in enumerate(self.cases, start=1)]

    def on_mount(self) -> None:
        listing = self.query_one(ScenarioList)
        listing.highlighted = 0
        listing.focus()
        self._show(self.cases[0])
        self._refresh_loaded()

    def help_notes(self) -> list[tuple[str, str]]:
        """For the help screen (F1): how a trainer uses the list."""
        return [
            (
                "Scenarios",
                "each is a scripted person: load it, open their referral, and play the person"
                " on the phone from the script in the side panel.",
            ),
            ("Reset", "loading again puts the scenario back to its start, as often as you like."),
        ]

    # --- what is shown -----------------------------------------------------------------

    @property
    def current(self) -> Scenario:
        index = self.query_one(ScenarioList).highlighted or 0
        return self.cases[index]

    def _show(self, case: Scenario) -> None:
        self.query_one("#scenario-detail", Static).update(scenario_text(case))
        self.query_one("#scenario-side", VerticalScroll).scroll_home(animate=False)

    def _status(self, message: str, *, error: bool = False) -> None:
        status = self.query_one("#scenario-status", Static)
        status.update(Text(message))
        status.set_class(error, "-error")

    @on(OptionList.OptionHighlighted, "#scenario-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show(self.cases[event.option_index])

    @on(OptionList.OptionSelected, "#scenario-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.action_load()

    def _refresh_loaded(self) -> None:
        from divert_tui.demo.scenario_loader import scenario_referrals

        self.call_service(scenario_referrals, self.app.db, self.app.today(), then=self._loaded_are)

    def _loaded_are(self, found: dict[str, int]) -> None:
        self.loaded = dict(found)
        listing = self.query_one(ScenarioList)
        for n, case in enumerate(self.cases, start=1):
            listing.replace_option_prompt(case.key, self._label(n, case))
        self.refresh_bindings()

    # --- loading -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "tour":
            return hasattr(self.app, "action_start_tour")
        if action == "open":
            return True if self.current.key in self.loaded else None
        return True

    def action_load(self) -> None:
        """Load the highlighted scenario, or put it back to its start (in a thread)."""
        if self.busy:
            return
        from divert_tui.demo.scenario_loader import load_scenario

        case = self.current
        app = self.app
        actor = app.require_actor()
        today = app.today()
        now = datetime.now(UK)
        now_minute = now.hour * 60 + now.minute if now.date() == today else None
        db, schemes = app.db, app.schemes
        self.busy = True
        self._status(f"Loading {case.title}…")

        def job() -> None:
            try:
                loaded = load_scenario(
                    db, actor, case.key, schemes, today=today, now_minute=now_minute
                )
            except (ServiceError, ScenarioFileError, KeyError, ValueError) as error:
                app.call_from_thread(self._failed, case, error)
                return
            except BaseException:
                app.call_from_thread(setattr, self, "busy", False)
                raise
            app.call_from_thread(self._done, loaded)

        app.run_worker(job, thread=True, exit_on_error=True, group="service")

    def _failed(self, case: Scenario, error: BaseException) -> None:
        self.busy = False
        reason = error.args[0] if isinstance(error, KeyError) and error.args else error
        message = f"{case.title} was not loaded: {reason}. Nothing in the demo was changed."
        self._status(message, error=True)
        self.app.notify(message, title="Scenario not loaded", severity="error", timeout=10)

    def _done(self, loaded: Any) -> None:
        self.busy = False
        self.loaded[loaded.key] = loaded.referral_id
        again = "reset to its start" if loaded.removed_referrals else "loaded"
        waits = where_it_waits(loaded, self.app.actor)
        self._status(f"{loaded.title}: {loaded.person_name} {again}. {waits} o: open it.")
        self._loaded_are(self.loaded)

        def answer(yes: bool | None) -> None:
            if yes:
                self.app.open_referral(loaded.referral_id)

        self.app.push_screen(
            ConfirmDialog(
                f"{loaded.person_name}: {again}",
                f"{waits}\n\nOpen {loaded.person_name}'s referral now?",
                yes="Enter: open it",
                no="Esc: stay on the list",
            ),
            answer,
        )

    def action_open(self) -> None:
        referral_id = self.loaded.get(self.current.key)
        if referral_id is None:
            self._status(f"{self.current.title} is not in the demo yet: press l to load it.")
            return
        self.app.open_referral(referral_id)

    async def action_tour(self) -> None:
        if hasattr(self.app, "action_start_tour"):
            await self.app.run_action("start_tour")

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
