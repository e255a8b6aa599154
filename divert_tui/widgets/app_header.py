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
    # Shorter ways of saying who, tried in turn when the line is too narrow for ``who``.
    shorter: reactive[tuple[str, ...]] = reactive(())

    def watch_demo(self, demo: bool) -> None:
        self.set_class(demo, "demo")

    def on_mount(self) -> None:
        """Fill in from the app: the area of the screen holding it and who is logged in."""
        app: Any = self.app
        self.area = getattr(self.screen, "AREA", "")
        self.demo = bool(getattr(app, "demo", False))
        actor = getattr(app, "actor", None)
        if actor is not None:
            schemes = app.schemes
            names = [
                schemes[code].name if code in schemes else code for code in sorted(actor.forces)
            ]
            self.who, self.shorter = who_lines(actor.display_name, ROLE_LABELS[actor.role], names)

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        if self.demo:
            text.append(" DEMO ", style="bold black on bright_yellow")
            text.append(" ")
        text.append(" divert ", style="bold")
        if self.area:
            text.append(f"· {self.area} ", style="bold")
        width = self.size.width
        right = Text(self.who + " ", style="italic")
        for shorter in self.shorter:
            if text.cell_len + right.cell_len < width:
                break
            right = Text(shorter + " ", style="italic")
        gap = max(1, width - text.cell_len - right.cell_len)
        text.append(" " * gap)
        text.append_text(right)
        return text


def who_lines(name: str, role: str, forces: list[str]) -> tuple[str, tuple[str, ...]]:
    """Who is logged in, in full and then shorter: a trainer covering four forces must still
    fit an 80-column projector, so the forces become a count, then go, then the name does."""
    listed = ", ".join(forces) or "all forces"
    counted = forces[0] if len(forces) == 1 else f"{len(forces)} forces" if forces else listed
    return f"{name} · {role} · {listed}", (
        f"{name} · {role} · {counted}",
        f"{name} · {role}",
        role,
    )
