"""The mixing-risks and advice steps: what to read out, each item ticked as it is given."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from divert_tui.core.rules.advice import AdviceItem
from divert_tui.core.rules.combinations import PairRisk, pairs_heading
from divert_tui.widgets.plain import Static

RISK_STYLES = {
    "DNG": "bold white on red",
    "UNS": "bold red",
    "n/r": "bold magenta",
    "CAU": "yellow",
}


def _name(code: str) -> str:
    return code.replace("_", " ")


class AdviceStep(Vertical):
    """Risky pairs (never 'safe' for a pair nobody rated) and advice items to tick."""

    DEFAULT_CSS = """
    AdviceStep { height: auto; padding: 0 1; }
    AdviceStep #risks { height: auto; margin-bottom: 1; }
    AdviceStep OptionList { height: auto; max-height: 30; }
    AdviceStep .hint { color: $text-muted; }
    """
    BINDINGS = [Binding("space", "toggle", "Tick as given / untick", id="advice.toggle")]

    class Toggled(Message):
        def __init__(self, advice_id: str, given: bool) -> None:
            super().__init__()
            self.advice_id = advice_id
            self.given = given

    def __init__(
        self,
        title: str,
        items: list[AdviceItem],
        given: frozenset[str],
        pairs: list[PairRisk] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._title = title
        self._items = items
        self.given = set(given)
        self._pairs = pairs

    def compose(self) -> ComposeResult:
        yield Static(Text(self._title, style="bold"))
        if self._pairs is not None:
            yield Static(self._risk_text(), id="risks")
        yield OptionList(*self._options(), id="advice-list")
        yield Static(
            "Read each item out, then Space or Enter ticks it as given. Ctrl+↓ when done.",
            classes="hint",
        )

    def _risk_text(self) -> Text:
        text = Text(pairs_heading(self._pairs or ()) + "\n", style="bold")
        for pair in self._pairs or ():
            style = RISK_STYLES.get(pair.status.code, "dim" if not pair.risky else "")
            text.append(f" {pair.status.label.upper()} ", style=style)
            text.append(f"  {_name(pair.a)} + {_name(pair.b)}: {pair.status.meaning}\n")
        return text

    def _options(self) -> list[Option]:
        if not self._items:
            return [Option("Nothing to read out here.", id="-none-", disabled=True)]
        options = []
        for item in self._items:
            ticked = item.id in self.given
            label = Text()
            label.append("[✓] " if ticked else "[ ] ", style="bold green" if ticked else "bold")
            label.append(item.title, style="bold")
            if item.why:
                label.append(f"  ({_name(item.why)})", style="italic")
            label.append(f"\n    {item.text}\n")
            label.append(f"    Source: {item.source}", style="dim")
            options.append(Option(label, id=item.id))
        return options

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def focus_list(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._toggle(event.option_id)

    def action_toggle(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self._toggle(options.get_option_at_index(options.highlighted).id)

    def _toggle(self, advice_id: str | None) -> None:
        if not advice_id or advice_id == "-none-":
            return
        given = advice_id not in self.given
        if given:
            self.given.add(advice_id)
        else:
            self.given.discard(advice_id)
        options = self.query_one(OptionList)
        keep = options.highlighted
        options.clear_options()
        options.add_options(self._options())
        options.highlighted = keep
        self.post_message(self.Toggled(advice_id, given))
