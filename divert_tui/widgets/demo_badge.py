"""The DEMO marker for screens and dialogs without the app header: a trainer's projector
shows it on every view, so nobody can mistake synthetic people for real ones."""

from __future__ import annotations

from divert_tui.widgets.plain import Static

DEMO_WORDS = " DEMO · synthetic people "


class DemoBadge(Static):
    """Top-left of its screen, over whatever is there, taking no room in the layout."""

    DEFAULT_CSS = """
    DemoBadge {
        position: absolute;
        offset: 0 0;
        width: auto;
        height: 1;
        background: ansi_bright_yellow;
        color: ansi_black;
        text-style: bold;
    }
    """

    def __init__(self) -> None:
        super().__init__(DEMO_WORDS, id="demo-badge", markup=False)
