"""A footer that fits: on a narrow terminal or a projector's large font (80x24), the keys a
screen lists first are shown, compactly, and F1 Help always; the rest stay in F1.

Textual's own footer draws every key in a row and cuts off whatever passes the right edge, so
at 80 columns the last hints (often the screen's own) simply vanished.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

HELP = "help"


def action_name(binding: Binding) -> str:
    return binding.action.split("(")[0]


class FitFooter(Footer):
    """A screen may name the actions to keep first in ``FOOTER_FIRST`` (in that order), and
    give shorter words for a narrow footer in ``FOOTER_SHORT`` (action, or its name, to words);
    F1 keeps the full descriptions."""

    _drawn_width: int | None = None

    def _shown(self) -> list[tuple[Binding, bool, str]]:
        """The footer's bindings, one per action, as Textual's footer would show them."""
        seen: dict[str, tuple[Binding, bool, str]] = {}
        for _, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in seen:
                seen[binding.action] = (binding, enabled, tooltip)
        return list(seen.values())

    def words(self, binding: Binding, *, compact: bool) -> str:
        if not compact:
            return binding.description
        short: dict[str, str] = getattr(self.screen, "FOOTER_SHORT", {})
        return short.get(binding.action) or short.get(action_name(binding)) or binding.description

    def _key_width(self, binding: Binding, *, compact: bool) -> int:
        key = self.app.get_key_display(binding)
        # Compact: "key description" and a margin; otherwise " key description ".
        return len(key) + len(self.words(binding, compact=compact)) + (2 if compact else 3)

    def _palette_width(self) -> int:
        if not (self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE):
            return 0
        try:
            _, binding, _, _ = self.screen.active_bindings[self.app.COMMAND_PALETTE_BINDING]
        except KeyError:
            return 0
        return self._key_width(binding, compact=False) + 2  # its border and padding

    def budget(self) -> int:
        return self.app.size.width - self._palette_width()

    def chosen(self) -> tuple[list[tuple[Binding, bool, str]], bool]:
        """What is shown and whether compactly: everything if it fits, else the first keys."""
        shown = self._shown()
        budget = self.budget()
        if sum(self._key_width(b, compact=False) for b, _, _ in shown) <= budget:
            return shown, False
        first = tuple(getattr(self.screen, "FOOTER_FIRST", ()))
        rank = {name: index for index, name in enumerate(first)}
        ordered = sorted(
            shown,
            key=lambda item: (
                rank.get(action_name(item[0]), len(first)),
                shown.index(item),
            ),
        )
        helps = [item for item in ordered if action_name(item[0]) == HELP]
        room = budget - sum(self._key_width(b, compact=True) for b, _, _ in helps)
        picked: list[tuple[Binding, bool, str]] = []
        for item in ordered:
            if action_name(item[0]) == HELP:
                continue
            width = self._key_width(item[0], compact=True)
            if width <= room:
                picked.append(item)
                room -= width
        return picked + helps, True

    def on_resize(self) -> None:
        """Which keys fit depends on the width: draw them again when it changes."""
        if self._drawn_width is not None and self._drawn_width != self.app.size.width:
            self.call_later(self.recompose)

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        self._drawn_width = self.app.size.width
        chosen, narrow = self.chosen()
        if not narrow:
            self.compact = False
            yield from super().compose()
            return
        self.compact = True
        for binding, enabled, tooltip in chosen:
            yield FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                self.words(binding, compact=True),
                binding.action,
                disabled=not enabled,
                tooltip=tooltip or binding.description,
            ).data_bind(compact=Footer.compact)
        yield from self._palette_key()

    def _palette_key(self) -> Any:
        if not (self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE):
            return
        try:
            _, binding, enabled, tooltip = self.screen.active_bindings[
                self.app.COMMAND_PALETTE_BINDING
            ]
        except KeyError:
            return
        yield FooterKey(
            binding.key,
            self.app.get_key_display(binding),
            binding.description,
            binding.action,
            classes="-command-palette",
            disabled=not enabled,
            tooltip=binding.tooltip or binding.description,
        )
