"""The guided tour's strip: docked above the footer, so it takes its room from the screen
rather than covering what it explains, and the footer's key hints stay in view."""

from __future__ import annotations

from rich.text import Text
from textual.screen import ModalScreen

from divert_tui.tour.progress import Progress
from divert_tui.tour.steps import SCREEN_WORDS
from divert_tui.widgets.plain import Static

TOUR_KEYS = "F12 leave · Ctrl+G back"


def panel_text(progress: Progress, on_screen: str, under: tuple[str, ...] = ()) -> Text:
    """Step n of N and its title, what the screen is for, the key to press next.

    ``under``: the screens below a dialog; a dialog over the step's own screen is part of
    it (a confirmation), so the learner is not sent away from it."""
    step = progress.step
    text = Text()
    text.append(progress.heading(), style="bold")
    text.append("\n" + step.text)
    if on_screen != step.screen:
        if step.screen in under:
            text.append("\nAnswer this box first.", style="bold")
        else:
            where = SCREEN_WORDS.get(step.screen, step.screen)
            text.append(f"\nThis step is on {where}.", style="bold")
    text.append("\nNext: ")
    text.append(f" {step.key} ", style="bold reverse")
    text.append(f" {step.does}")
    text.append(f"   ({TOUR_KEYS})", style="dim")
    return text


class TourPanel(Static):
    """Mounted on each screen the learner reaches while the tour is on."""

    SCOPED_CSS = False  # the screen's messages rise above the panel rather than cover it
    DEFAULT_CSS = """
    Screen.-touring ToastRack { margin-bottom: 7; }
    TourPanel {
        dock: bottom;
        height: auto;
        max-height: 7;
        margin-bottom: 1;  # docked edges overlap: the footer (one line) stays in view
        padding: 0 1;
        border-top: heavy $accent;
        background: $panel;
        color: $text;
    }
    """

    def __init__(self, progress: Progress) -> None:
        super().__init__("", id="tour-panel", markup=False)
        self._progress = progress
        self._shown: Text | None = None

    def on_mount(self) -> None:
        self.show(self._progress)

    def show(self, progress: Progress) -> None:
        """The step as it is now; drawn again only when what it says has changed."""
        self._progress = progress
        screen = self.screen
        under: tuple[str, ...] = ()
        if isinstance(screen, ModalScreen):
            stack = self.app.screen_stack
            below = stack[: stack.index(screen)] if screen in stack else []
            under = tuple(type(s).__name__ for s in below)
        text = panel_text(progress, type(screen).__name__, under)
        if self._shown is None or text.plain != self._shown.plain:
            self._shown = text
            self.update(text)
