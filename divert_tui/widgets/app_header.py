"""The top line: where you are, who you are, and a DEMO marker nobody can miss."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from divert_tui.core.services.base import ROLE_LABELS


class AppHeader(Widget):
    DEFAULT_CSS = """
    AppHeader { dock: top; height: 1; background: $primary-background; color: $text; }
    AppHeader.demo { background: $warning 40%; }
    """

    area: reactive[str] = reactive("")
    who: reactive[str] = reactive("")
    demo: reactive[bool] = reactive(False)

    def watch_demo(self, demo: bool) -> None:
        self.set_class(demo, "demo")

    def on_mount(self) -> None:
        """Fill in from the app: the area of the screen holding it and who is logged in."""
        app: Any = self.app
        self.area = getattr(self.screen, "AREA", "")
        self.demo = bool(getattr(app, "demo", False))
        actor = getattr(app, "actor", None)
        if actor is not None:
            forces = (
                ", ".join(
                    app.schemes[code].name if code in app.schemes else code
                    for code in sorted(actor.forces)
                )
                or "all forces"
            )
            self.who = f"{actor.display_name} · {ROLE_LABELS[actor.role]} · {forces}"

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        if self.demo:
            text.append(" DEMO ", style="bold black on bright_yellow")
            text.append(" ")
        text.append(" divert ", style="bold")
        if self.area:
            text.append(f"· {self.area} ", style="bold")
        right = Text(self.who + " ", style="italic")
        width = self.size.width
        gap = max(1, width - text.cell_len - right.cell_len)
        text.append(" " * gap)
        text.append_text(right)
        return text
