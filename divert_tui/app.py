"""DivertApp: the areas of the service as modes, the global keys, and the one error handler."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from time import monotonic
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen, Screen
from textual.worker import WorkerFailed

from divert_tui.config import Settings
from divert_tui.core.services.base import (
    ROLE_LABELS,
    AccountInactive,
    Actor,
    Permission,
    ServiceError,
)
from divert_tui.core.vocab import Role
from divert_tui.logs import describe_exception
from divert_tui.palette import PeopleProvider
from divert_tui.screens.base import add_demo_marker
from divert_tui.screens.format import UK
from divert_tui.screens.help import HelpScreen, describe_binding
from divert_tui.screens.lock import LockScreen
from divert_tui.screens.login import DemoLoginScreen, LoginScreen
from divert_tui.themes import HIGH_CONTRAST

if TYPE_CHECKING:
    from divert_tui.core.bootstrap import Opened
    from divert_tui.core.database import Database
    from divert_tui.core.schemes import Scheme
    from divert_tui.screens.tour import TourGuide

log = logging.getLogger(__name__)


class NotLoggedIn(ServiceError):
    """A screen's work that needs someone logged in, after a log-out or a role switch."""


AREA_PERMISSIONS: dict[str, Permission] = {
    "my_work": Permission.VIEW_REFERRALS,
    "caseload": Permission.VIEW_CASELOADS,
    "courses": Permission.VIEW_REFERRALS,
    "reports": Permission.VIEW_REPORTS,
    "admin": Permission.MANAGE_STAFF,
}
AREA_NAMES = {
    "my_work": "My work",
    "caseload": "Caseload",
    "courses": "Courses",
    "reports": "Reports",
    "admin": "Admin",
}
AREA_KEYS = {"my_work": "F2", "caseload": "F3", "courses": "F4", "reports": "F5", "admin": "F6"}
AREA_OWNERS = {
    "caseload": "team leads",
    "reports": "team leads",
    "admin": "admins",
}


def home_area(role: Role) -> str:
    """Where a person lands after logging in: an admin manages staff, others work referrals."""
    return "admin" if role is Role.ADMIN else "my_work"


def area_refusal(actor: Actor, mode: str) -> str:
    """Why this person cannot open an area, and which areas they can use, in words."""
    mine = ", ".join(
        f"{AREA_NAMES[area]} ({AREA_KEYS[area]})"
        for area, permission in AREA_PERMISSIONS.items()
        if actor.can(permission)
    )
    return (
        f"{AREA_NAMES[mode]} is the area of {AREA_OWNERS.get(mode, 'other roles')}; "
        f"as a {ROLE_LABELS[actor.role]} you can use {mine or 'no area'}."
    )


DEMO_TITLE = "DEMO · divert"
DEMO_SUB_TITLE = "synthetic people only"

IDLE_CHECK_SECONDS = 5.0
ACTIVE_CHECK_SECONDS = 30.0
LOGGED_OUT = "logged_out"


def deactivated_message(username: str) -> str:
    return (
        f"You were logged out: the account {username} has been deactivated by an admin. "
        "Anything not yet saved was not stored. Ask an admin if this is a mistake."
    )


# The areas' screens (and the database layer under them) are imported when first opened, so
# that the login screen is up as fast as a bare Textual app's first screen.
def _my_work() -> Screen[Any]:
    from divert_tui.screens.my_work import MyWorkScreen

    return MyWorkScreen()


def _caseload() -> Screen[Any]:
    from divert_tui.screens.caseload import CaseloadScreen

    return CaseloadScreen()


def _courses() -> Screen[Any]:
    from divert_tui.screens.courses import CoursesScreen

    return CoursesScreen()


def _reports() -> Screen[Any]:
    from divert_tui.screens.reports import ReportsScreen

    return ReportsScreen()


def _admin() -> Screen[Any]:
    from divert_tui.screens.admin import AdminScreen

    return AdminScreen()


class StartupFailed(Exception):
    """Opening the database failed before anyone logged in; the app exits with this message."""


class DivertApp(App[None]):
    TITLE = "divert"
    CSS_PATH = Path(__file__).with_name("app.tcss")
    COMMANDS = App.COMMANDS | {PeopleProvider}
    MODES: ClassVar[dict[str, Any]] = {
        "my_work": _my_work,
        "caseload": _caseload,
        "courses": _courses,
        "reports": _reports,
        "admin": _admin,
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help", priority=True),
        Binding("f2", "area('my_work')", "Go to My work", show=False),
        Binding("f3", "area('caseload')", "Go to Caseload", show=False),
        Binding("f4", "area('courses')", "Go to Courses", show=False),
        Binding("f5", "area('reports')", "Go to Reports", show=False),
        Binding("f6", "area('admin')", "Go to Admin", show=False),
        Binding("f7", "practice", "Practise the instruments", show=False),
        Binding("f8", "scenarios", "Scenarios (demo)", show=False),
        Binding("ctrl+l", "lock", "Lock screen", show=False),
        Binding("f9", "switch_role", "Switch role (demo)", show=False),
        Binding("f12", "tour", "Guided tour: leave / come back (demo)", show=False, priority=True),
        Binding("ctrl+g", "tour_back", "Guided tour: a step back", show=False, priority=True),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(
        self,
        opened: Opened | Callable[[], Opened],
        settings: Settings,
        *,
        demo: bool = False,
        log_path: Path | None = None,
        today: date | None = None,
    ) -> None:
        """``opened`` is an open database, or a function that opens it (run in a thread
        once the first screen is up, so that a person can start typing straight away)."""
        super().__init__()
        self.opened: Opened | None = None
        self._opener: Callable[[], Opened] | None = None
        self._waiting: list[Callable[[], None]] = []
        self._opened_in_background: Opened | None = None
        self._opening_done: threading.Event | None = None
        self.exit_message = ""
        if callable(opened):
            self._opener = opened
        else:
            self._use(opened)
        self.settings = settings
        self.demo = demo
        self.log_path = log_path
        self.actor: Actor | None = None
        self._today = today
        self._last_input = monotonic()
        self._last_active_check = monotonic()
        self._locked = False
        self.tour_guide: TourGuide | None = None
        self.animation_level = "none"
        self.register_theme(HIGH_CONTRAST)
        self.theme = settings.theme if settings.theme in self.available_themes else "textual-dark"
        if demo:
            self.title = DEMO_TITLE
            self.sub_title = DEMO_SUB_TITLE

    # --- the terminal's window title ----------------------------------------------------

    def window_title(self) -> str:
        """What the terminal's title bar (or the browser tab) shows: DEMO first in the demo."""
        words = f"{self.title} · {self.sub_title}" if self.sub_title else self.title
        return "".join(ch for ch in words if ch.isprintable())

    def _send_window_title(self) -> None:
        driver = self._driver
        if driver is None or self.is_headless:
            return
        driver.write(f"\x1b]2;{self.window_title()}\x07")

    def watch_title(self) -> None:
        self._send_window_title()

    def watch_sub_title(self) -> None:
        self._send_window_title()

    # --- who and when -----------------------------------------------------------------

    def require_actor(self) -> Actor:
        if self.actor is None:
            raise NotLoggedIn("log in first")
        return self.actor

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Messages carry names and notes people typed: always shown as text, never read as
        markup (a name such as "[/]" would otherwise stop the app)."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def today(self) -> date:
        return self._today or datetime.now(UK).date()

    def on_mount(self) -> None:
        from divert_tui import hangup

        hangup.install(self)
        self._send_window_title()
        self.push_screen(DemoLoginScreen() if self.demo else LoginScreen())
        self.set_interval(IDLE_CHECK_SECONDS, self._check_idle)
        if self.demo:
            from divert_tui.screens.tour import TourGuide

            self.tour_guide = TourGuide(self)
        if self._opener is not None:
            self.call_after_refresh(self._open_in_background)

    # --- the database ---------------------------------------------------------------------

    @property
    def db(self) -> Database:
        if self.opened is None:
            raise ServiceError("the database is still opening; try again in a moment")
        return self.opened.db

    @property
    def schemes(self) -> dict[str, Scheme]:
        if self.opened is None:
            raise ServiceError("the database is still opening; try again in a moment")
        return self.opened.schemes

    def _use(self, opened: Opened) -> None:
        self.opened = opened
        waiting, self._waiting = self._waiting, []
        for callback in waiting:
            callback()

    def when_open(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once the database is open (at once if it already is)."""
        if self.opened is not None:
            callback()
        else:
            self._waiting.append(callback)

    def _open_in_background(self) -> None:
        opener = self._opener
        assert opener is not None
        done = self._opening_done = threading.Event()

        def job() -> None:
            from divert_tui.commands.common import expected_errors

            try:
                opened = opener()
            except Exception as error:  # noqa: BLE001 - reported in words, details to the log
                if isinstance(error, expected_errors()):
                    self.call_from_thread(self._startup_failed, str(error))
                    return
                log.error("opening the database failed\n%s", describe_exception(error))
                self.call_from_thread(
                    self._startup_failed,
                    f"cannot open the database ({type(error).__name__}); details are in the log",
                )
                return
            # Kept here too: quit while it was opening, the caller still closes (and a demo
            # deletes) what was opened.
            self._opened_in_background = opened
            self.call_from_thread(self._use, opened)

        def guarded() -> None:
            try:
                job()
            except RuntimeError:
                pass  # the app quit before the database was open: opened_at_exit has it
            finally:
                done.set()

        self.run_worker(guarded, thread=True, exit_on_error=False, group="open-database")

    def opened_at_exit(self, timeout: float = 120) -> Opened | None:
        """After ``run``: the database to close, waiting for an opening still under way."""
        if self.opened is None and self._opening_done is not None:
            self._opening_done.wait(timeout)
        return self.opened or self._opened_in_background

    def _startup_failed(self, message: str) -> None:
        self.exit_message = message
        self.exit(return_code=1)

    def logged_in(self, actor: Actor) -> None:
        self.actor = actor
        log.info("logged in: staff %s, %s", actor.staff_id, actor.role.value)
        if self.demo:
            self.sub_title = f"{ROLE_LABELS[actor.role]} · {DEMO_SUB_TITLE}"
        self._last_input = monotonic()
        self._last_active_check = monotonic()
        self.switch_mode(home_area(actor.role))

    def log_out(self, message: str = "") -> None:
        """Back to the login screen with nothing of the last person's work left open."""
        self.actor = None
        self._locked = False
        login = DemoLoginScreen if self.demo else LoginScreen
        if self.current_mode == LOGGED_OUT:
            self.screen.logged_out(message)  # type: ignore[attr-defined]
            return
        if LOGGED_OUT in self._modes:
            self.remove_mode(LOGGED_OUT)
        self.add_mode(LOGGED_OUT, lambda: login(notice=message))
        self.switch_mode(LOGGED_OUT)
        for mode, make_screen in self.MODES.items():
            self.remove_mode(mode)
            self.add_mode(mode, make_screen)

    def _check_still_active(self) -> None:
        """Every so often, even with no action taken: a deactivated account is logged out."""
        actor = self.actor
        if actor is None or actor.staff_id is None or self.opened is None:
            return
        from divert_tui.core.services import staff

        db = self.opened.db

        def job() -> None:
            if not staff.still_active(db, actor):
                self.call_from_thread(self._deactivated, actor)

        self.run_worker(job, thread=True, exit_on_error=False, group="active-check")

    def _deactivated(self, actor: Actor) -> None:
        if self.actor is not None and self.actor.staff_id == actor.staff_id:
            self.log_out(deactivated_message(actor.username))

    # --- areas and global actions -------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "scenarios":
            return self.demo and self.actor is not None and not self._locked
        if action == "switch_role":
            return self.demo and self.actor is not None and not self._locked
        if action in ("tour", "tour_back"):
            return self.tour_guide is not None and not self._locked
        if action in ("area", "practice", "lock"):
            if self.actor is None or self._locked:
                return False
            # Not from a dialog (the self-harm protocol, a confirmation): answer it first.
            # An area the person may not use still answers, to say whose area it is.
            if action == "area" and isinstance(self.screen, ModalScreen):
                return False
        return True

    def action_area(self, mode: str) -> None:
        """Go to an area's own list, whatever was open on top of it there or here."""
        actor = self.require_actor()
        if not actor.can(AREA_PERMISSIONS[mode]):
            self.notify(area_refusal(actor, mode), title="Not your area", severity="warning")
            return
        if self.current_mode != mode:
            self.switch_mode(mode)
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette's own commands, a one-step high-contrast theme for a projector, and
        in the demo the role switch."""
        yield from super().get_system_commands(screen)
        if self.theme == HIGH_CONTRAST.name:
            yield SystemCommand(
                "Standard theme", "Back to the standard dark colours", self.action_standard_theme
            )
        else:
            yield SystemCommand(
                "High contrast theme",
                "Black, white and strong colours: for a projector or low vision",
                self.action_high_contrast,
            )
        if self.check_action("scenarios", ()):
            yield SystemCommand(
                "Scenarios",
                "Demo: load or reset a trainer's scripted case (F8)",
                self.action_scenarios,
            )
        if self.check_action("switch_role", ()):
            yield SystemCommand(
                "Switch role",
                "Demo: back to the role picker to see the cases as another role (F9)",
                self.action_switch_role,
            )
        if self.tour_guide is not None:
            yield SystemCommand(
                "Guided tour",
                "Demo: the worker's or the team lead's day, step by step (F12)",
                self.action_start_tour,
            )

    def action_high_contrast(self) -> None:
        self.theme = HIGH_CONTRAST.name

    def action_standard_theme(self) -> None:
        self.theme = "textual-dark"

    def action_switch_role(self) -> None:
        """The demo: back to the role picker, to see the same cases from another side."""
        if self.demo:
            self.sub_title = DEMO_SUB_TITLE
            self.log_out("Choose the role to see the demo as next.")

    def action_scenarios(self) -> None:
        """The demo: the trainer's scenario list, over whatever is open."""
        from divert_tui.screens.scenarios import ScenariosScreen

        if self.demo and not isinstance(self.screen, ScenariosScreen | ModalScreen):
            self.push_screen(ScenariosScreen())

    def log_in_as(self, role: Role) -> None:
        """The demo: log in as ``role`` (from the role picker or from another role)."""
        from divert_tui.core.services import staff

        def go() -> None:
            self.run_worker(
                lambda: self.call_from_thread(self.logged_in, staff.demo_actor(self.db, role)),
                thread=True,
                exit_on_error=True,
                group="service",
            )

        if self.actor is not None:
            self.sub_title = DEMO_SUB_TITLE
            self.log_out()
        self.when_open(go)

    # --- the guided tour (demo) -----------------------------------------------------------

    def action_start_tour(self) -> None:
        """Choose a tour, or resume the one left (the scenario list and F1 call this too)."""
        if self.tour_guide is None:
            self.notify("The guided tour is for trainers: start the demo with divert --demo.")
            return
        if not self._locked:
            self.tour_guide.choose()

    def action_tour(self) -> None:
        """F12: leave the tour (kept for later), or come back to it or choose one."""
        guide = self.tour_guide
        if guide is None:
            return
        if guide.visible:
            guide.leave()
            self.notify("Tour left: F12 comes back to the same step.", timeout=4)
        else:
            self.action_start_tour()

    def action_tour_back(self) -> None:
        if self.tour_guide is not None:
            self.tour_guide.back()

    def action_practice(self) -> None:
        from divert_tui.screens.instruments import InstrumentsScreen

        self.push_screen(InstrumentsScreen())

    def push_screen(self, screen: Any, *args: Any, **kwargs: Any) -> Any:
        """Every screen shown in the demo carries DEMO, Textual's own (the command palette)
        as well as ours (which mark themselves on mount; marking is done once)."""
        result = super().push_screen(screen, *args, **kwargs)
        if self.demo and isinstance(screen, Screen):
            self.call_after_refresh(add_demo_marker, screen)
        return result

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        title = getattr(self.screen, "AREA", "") or "this screen"
        ranked = []
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.description or key.startswith("super+"):
                continue  # super+c repeats ctrl+c, for a Mac keyboard
            if not self._area_allowed(binding.action):
                continue  # another role's area: the key only says whose it is
            shown = binding.key_display or self.get_key_display(binding)
            row = describe_binding(shown or key, binding, active.node is self, title)
            ranked.append((self._help_rank(active.node, binding), row))
        ranked.sort(key=lambda item: (item[0], item[1][0]))
        notes = getattr(self.screen, "help_notes", None)
        rows = [row for _, row in ranked]
        self.push_screen(HelpScreen(title, rows, notes() if notes else (), tour=self.demo))

    def _area_allowed(self, action: str) -> bool:
        if not action.startswith("area("):
            return True
        mode = action.removeprefix("area(").strip("')\"")
        return self.actor is not None and self.actor.can(AREA_PERMISSIONS[mode])

    def _help_rank(self, node: object, binding: Binding) -> int:
        """The screen's own keys first, then its lists', then Textual's own, then the app's."""
        if node is self:
            return 3
        actions = {b.action for b in getattr(type(node), "BINDINGS", ()) if isinstance(b, Binding)}
        own = binding.action in actions and type(node).__module__.startswith("divert_tui")
        if node is self.screen:
            return 0 if own else 2
        return 1 if own else 2

    def open_referral(self, referral_id: int) -> None:
        from divert_tui.screens.referral import ReferralScreen

        self.push_screen(ReferralScreen(referral_id))

    # --- the idle lock ------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown | events.Paste):
            self._last_input = monotonic()
        await super().on_event(event)

    def _check_idle(self) -> None:
        if self.actor and monotonic() - self._last_active_check >= ACTIVE_CHECK_SECONDS:
            self._last_active_check = monotonic()
            self._check_still_active()
        idle_for = monotonic() - self._last_input
        if self.actor and not self._locked and idle_for >= self.settings.idle_lock_minutes * 60:
            self.action_lock()

    def action_lock(self) -> None:
        if self.actor is None or self._locked:
            return
        self._locked = True

        def unlocked(_: object) -> None:
            self._locked = False
            self._last_input = monotonic()

        self.push_screen(LockScreen(), unlocked)

    # --- the one error handler ----------------------------------------------------------

    def report_error(self, error: BaseException) -> None:
        """Turn any failure into a message on screen; the app keeps running."""
        if isinstance(error, WorkerFailed):
            error = error.error
        if isinstance(error, AccountInactive):
            if self.actor is not None:
                self.log_out(deactivated_message(self.actor.username))
            return
        if isinstance(error, NotLoggedIn) and self.actor is None:
            # Work of a screen just closed by a log-out or a role switch, finishing late:
            # the login screen is showing, so there is nobody to tell.
            log.debug("late work of a closed screen after log-out: %s", type(error).__name__)
            return
        if isinstance(error, ServiceError):
            self.notify(str(error), title="Not done", severity="warning", timeout=8)
            return
        from divert_tui.core.database import StorageError

        if isinstance(error, StorageError):
            self.notify(
                f"{error}.",
                title="Database problem: nothing was changed",
                severity="error",
                timeout=15,
            )
            return
        from divert_tui.core.database import trouble_in_words

        words = trouble_in_words(error)
        if words is not None:
            self.notify(
                f"{words}.",
                title="Database problem: nothing was changed",
                severity="error",
                timeout=15,
            )
            return
        log.error("unexpected error\n%s", describe_exception(error))
        where = f" Details are in {self.log_path}." if self.log_path else ""
        self.notify(
            f"Something went wrong ({type(error).__name__}). What was saved is safe; "
            f"try again.{where}",
            title="Unexpected error",
            severity="error",
            timeout=15,
        )

    async def _dispatch_action(self, namespace: Any, action_name: str, params: Any) -> bool:
        try:
            handled = await super()._dispatch_action(namespace, action_name, params)
        except Exception as error:  # noqa: BLE001 - the one place that catches everything
            self.report_error(error)
            return True
        if handled and self.tour_guide is not None:
            self.tour_guide.saw_action(namespace, action_name)
        return handled

    def _handle_exception(self, error: Exception) -> None:
        if isinstance(error, WorkerFailed):
            self.report_error(error)
            return
        log.critical("fatal error\n%s", describe_exception(error))
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        # Never print a traceback with local values (personal data) to the terminal.
        self.bell()
        where = f" Details (no personal data) are in {self.log_path}." if self.log_path else ""
        self._exit_renderables.append(
            f"divert stopped after an unexpected error. Answers already saved are kept.{where}"
        )
        self._close_messages_no_wait()
