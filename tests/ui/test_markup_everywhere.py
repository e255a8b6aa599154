"""Stored text is shown as written: a name such as "[/]" or "[@click=app.quit]x[/]" never
stops the app or becomes an action link, on any screen."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.markup import MarkupError
from textual.widgets import Static as TextualStatic

import divert_tui
from divert_tui.widgets.plain import Label, Static

HOSTILE = "[@click=app.quit]Jo[/] [/]"
ROOT = Path(divert_tui.__file__).parent
ALLOWED = {"help.py", "plain.py"}  # help escapes what it shows; plain is the wrapper


def test_textual_static_reads_markup_and_ours_does_not() -> None:
    with pytest.raises(MarkupError):
        TextualStatic(HOSTILE).visual  # noqa: B018 - building the visual parses the markup
    assert str(Static(HOSTILE).visual) == HOSTILE
    assert str(Label(HOSTILE).visual) == HOSTILE


async def test_update_with_stored_text_keeps_it_as_written() -> None:
    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("", id="shown")

    app = Host()
    async with app.run_test() as pilot:
        app.query_one("#shown", Static).update(HOSTILE)
        app.notify(HOSTILE)
        await pilot.pause()
        assert str(app.query_one("#shown", Static).render()) == HOSTILE
        assert app.is_running


def test_no_screen_or_widget_uses_textuals_markup_reading_static() -> None:
    offenders = []
    for path in [*(ROOT / "screens").rglob("*.py"), *(ROOT / "widgets").rglob("*.py")]:
        if path.name in ALLOWED:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "textual.widgets":
                names = {alias.name for alias in node.names} & {"Static", "Label"}
                if names:
                    offenders.append(f"{path.relative_to(ROOT)}: {sorted(names)}")
    assert offenders == [], "use divert_tui.widgets.plain instead: " + "; ".join(offenders)
