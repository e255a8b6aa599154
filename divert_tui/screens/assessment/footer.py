"""The call's footer: on a narrow terminal it keeps the keys a worker needs during a call.

At 80 columns the whole list does not fit, and the call's own keys (Next step, Skip step,
End call, Leave) came last and were cut off. Narrow, the footer shows those and the keys
to answer, in that order, compactly; F1 still lists every key.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

NARROW_BELOW = 110
# What stays on a narrow footer, in the order shown.
ESSENTIAL = (
    "pick",
    "toggle",
    "confirm",
    "next_step",
    "skip_step",
    "add_substance",
    "accept",
    "choose_otherwise",
    "end_early",
    "leave",
)


class CallFooter(Footer):
    @property
    def narrow(self) -> bool:
        return self.app.size.width < NARROW_BELOW

    def compose(self) -> ComposeResult:
        if not self.narrow:
            yield from super().compose()
            return
        if not self._bindings_ready:
            return
        self.compact = True
        chosen: dict[str, tuple[object, bool, str]] = {}
        for _, binding, enabled, tooltip in self.screen.active_bindings.values():
            name = binding.action.split("(")[0]
            if binding.show and name in ESSENTIAL and name not in chosen:
                chosen[name] = (binding, enabled, tooltip)
        self.styles.grid_size_columns = len(chosen)
        for name in sorted(chosen, key=ESSENTIAL.index):
            binding, enabled, tooltip = chosen[name]
            yield FooterKey(
                binding.key,  # type: ignore[attr-defined]
                self.app.get_key_display(binding),  # type: ignore[arg-type]
                binding.description,  # type: ignore[attr-defined]
                binding.action,  # type: ignore[attr-defined]
                disabled=not enabled,
                tooltip=tooltip,
            ).data_bind(compact=Footer.compact)
