"""Text widgets that show what they are given as written.

Screens show names, notes and answers people typed. Textual reads a plain string given to a
Static as content markup, so a stored name such as "[/]" would stop the app and
"[@click=app.quit]...[/]" would become an action link. These widgets never read markup;
styled text is passed as rich ``Text`` instead.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Label as _Label
from textual.widgets import Static as _Static


class Static(_Static):
    def __init__(self, content: Any = "", *, markup: bool = False, **kwargs: Any) -> None:
        super().__init__(content, markup=markup, **kwargs)


class Label(_Label):
    def __init__(self, content: Any = "", *, markup: bool = False, **kwargs: Any) -> None:
        super().__init__(content, markup=markup, **kwargs)
