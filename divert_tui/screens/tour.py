"""The guided tour in the app: the chooser, and the guide that follows the learner around.

The steps are data (tour/steps.py). The guide mounts the tour panel on every screen the
learner reaches, hears the actions the app runs and the screens it shows, and moves the
tour on when the learner does what the step asks, in the real app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from divert_tui.core.services.base import ROLE_LABELS
from divert_tui.screens.base import DivertModal, DivertScreen
from divert_tui.screens.dialogs import DIALOG_CSS
from divert_tui.tour.progress import Progress
from divert_tui.tour.steps import TOURS
from divert_tui.widgets.plain import Static
from divert_tui.widgets.tour_panel import TourPanel

if TYPE_CHECKING:
    from divert_tui.app import DivertApp

RESUME = "resume"
# Screens that never carry the panel: the lock hides everything, help and the chooser are
# about the tour itself.
NO_PANEL = {"LockScreen", "HelpScreen", "TourChooser"}
SETTLE_SECONDS = 0.1  # a dialog that opens the next dialog: count only where it settles
STATE_CHECK_SECONDS = 0.3


def read(screen: Screen[Any], path: str) -> object:
    """A screen's attribute by a dotted path (``view.referral_status``); None if not there."""
    value: object = screen
    for name in path.split("."):
        value = getattr(value, name, None)
    return value


class TourChooser(DivertModal):
    """Which day to walk through, or carry on where the learner left off."""

    DEFAULT_CSS = DIALOG_CSS.format(name="TourChooser")
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, resume: Progress | None) -> None:
        super().__init__()
        self._resume = resume

    def compose(self) -> ComposeResult:
        options = []
        if self._resume is not None:
            p = self._resume
            options.append(Option(f"Resume: {p.tour.name}, step {p.number} of {p.total}", RESUME))
        for tour in TOURS.values():
            as_role = ROLE_LABELS[tour.role]
            options.append(
                Option(f"{tour.name} (as a {as_role}, {len(tour.steps)} steps)", tour.id)
            )
        with Vertical():
            yield Static("Guided tour: choose a day", classes="title")
            yield OptionList(*options)
            yield Static(
                "↑↓ and Enter · Esc: cancel. The tour follows what you press in the real app; "
                "F12 leaves it and comes back, Ctrl+G goes a step back.",
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option_id)


class TourGuide:
    """The tour of this session: progress is kept when the learner leaves, to resume."""

    def __init__(self, app: DivertApp) -> None:
        self.app = app
        self.progress: Progress | None = None
        self.visible = False
        self._seen: Screen[Any] | None = None
        app.screen_change_signal.subscribe(app, self._screen_changed)
        app.set_interval(STATE_CHECK_SECONDS, self._check_state)

    # --- starting, leaving, resuming --------------------------------------------------

    def choose(self) -> None:
        if not isinstance(self.app.screen, TourChooser):  # F12 again while choosing
            self.app.push_screen(TourChooser(self.progress), self._chosen)

    def _chosen(self, choice: str | None) -> None:
        if choice is None:
            return
        if choice == RESUME and self.progress is not None:
            self.begin(self.progress)
        elif choice in TOURS:
            self.begin(Progress.start(choice))

    def begin(self, progress: Progress) -> None:
        """Show the tour, as the role it needs, from its first screen when it starts."""
        self.progress = progress
        self.visible = True
        app = self.app
        role = progress.tour.role
        if app.actor is None or app.actor.role is not role:
            app.log_in_as(role)  # lands on the role's home area, where both tours start
        elif progress.index == 0:
            app.action_area("my_work")
        self._seen = None
        self._refresh()

    def leave(self) -> None:
        """Hide the tour; the step is kept for Resume."""
        self.visible = False
        for screen in self.app.screen_stack:
            screen.remove_class("-touring")
            for panel in screen.query(TourPanel):
                panel.remove()

    def back(self) -> None:
        if self.visible and self.progress is not None and self.progress.back():
            self._refresh()

    # --- what the learner does -------------------------------------------------------

    def saw_action(self, namespace: DOMNode, action: str) -> None:
        """An action of the real app ran (a key, a click, the palette)."""
        if not self.visible or self.progress is None:
            return
        screen = namespace if isinstance(namespace, Screen) else None
        if screen is None and isinstance(namespace, Widget):
            screen = namespace.screen
        if screen is not None and self.progress.saw_action(type(screen).__name__, action):
            self._refresh()

    def _screen_changed(self, _: Screen[Any]) -> None:
        if self.visible:
            self.app.set_timer(SETTLE_SECONDS, self._settled)

    def _settled(self) -> None:
        """The screen shown now, once a dialog that leads to another has led to it."""
        if not self.visible or self.progress is None:
            return
        screen = self.app.screen
        if screen is not self._seen:
            self._seen = screen
            self.progress.saw_screen(type(screen).__name__, lambda path: read(screen, path))
        self._refresh()

    def _check_state(self) -> None:
        """A step done by a state of the screen (the call reaching its summary); and the
        panel of the screen showing kept up to date, whatever way the learner reached it."""
        if not self.visible or self.progress is None:
            return
        if self.progress.step.done.state is not None:
            screen = self.app.screen
            self.progress.saw_screen(type(screen).__name__, lambda path: read(screen, path))
        self._refresh()

    # --- the panel -------------------------------------------------------------------

    def _refresh(self) -> None:
        """The panel on the screen showing, with the step as it is now."""
        if not self.visible or self.progress is None:
            return
        screen = self.app.screen
        if type(screen).__name__ in NO_PANEL or not isinstance(screen, DivertScreen | DivertModal):
            return
        found = screen.query(TourPanel)
        if found:
            found.first().show(self.progress)
            return
        screen.add_class("-touring")
        screen.mount(TourPanel(self.progress))
