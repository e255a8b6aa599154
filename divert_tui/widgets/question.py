"""QuestionForm: asks one instrument, one question at a time, by keyboard.

Number keys pick an option, Enter confirms and moves on, Backspace / Shift+Tab go back,
S / PgDn skips and marks the item to return to. Every confirmed answer posts `Answered` so
a screen can autosave it; flags post `FlagRaised` the moment they rise, and a flag that
interrupts (PHQ-9 item 9) covers the question with what to do now until acknowledged.
The flow itself lives in `divert_tui.forms.session.FormSession`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input

from divert_tui.core.rules.needs import need_words
from divert_tui.forms import Instrument, ScoreResult, load_instrument
from divert_tui.forms.model import FlagRule
from divert_tui.forms.session import FormSession, Step
from divert_tui.widgets.plain import Static


class QuestionForm(Widget, can_focus=True):
    """Runs one instrument. Give `answers`/`context`/`marked` to resume a dropped call."""

    DEFAULT_CSS = """
    QuestionForm { height: auto; padding: 0 1; }
    QuestionForm > Static { height: auto; }
    QuestionForm #qf-title { text-style: bold; }
    QuestionForm #qf-frame, QuestionForm #qf-progress { color: $text-muted; }
    QuestionForm #qf-question { margin: 1 0 0 0; text-style: bold; }
    QuestionForm #qf-help { color: $text-muted; }
    QuestionForm #qf-options { margin: 1 0; }
    QuestionForm #qf-input { display: none; width: 60; }
    QuestionForm.-free #qf-input { display: block; }
    QuestionForm #qf-error { color: $error; }
    QuestionForm #qf-score { border-top: solid $primary; }
    QuestionForm #qf-flags { color: $warning; text-style: bold; }
    QuestionForm #qf-interrupt {
        display: none; border: heavy $error; padding: 0 1; background: $error 15%;
    }
    QuestionForm.-interrupted #qf-interrupt { display: block; }
    QuestionForm.-interrupted #qf-options, QuestionForm.-interrupted #qf-input { display: none; }
    QuestionForm #qf-result { display: none; border: round $success; padding: 0 1; }
    QuestionForm.-finished #qf-result { display: block; }
    QuestionForm.-finished #qf-options, QuestionForm.-finished #qf-input { display: none; }
    """

    BINDINGS = [
        Binding("1", "pick(1)", "Pick", key_display="1-9", id="question.pick"),
        *(Binding(str(n), f"pick({n})", f"Pick option {n}", show=False) for n in range(2, 10)),
        Binding("up", "move(-1)", "Previous option", show=False, id="question.up"),
        Binding("down", "move(1)", "Next option", show=False, id="question.down"),
        Binding("enter", "confirm", "Confirm", id="question.confirm"),
        Binding("backspace,shift+tab,pageup", "back", "Back", id="question.back"),
        Binding("s,pagedown", "skip", "Skip for now", id="question.skip"),
        Binding("a", "acknowledge", "Acknowledge risk", id="question.acknowledge"),
    ]

    class Answered(Message):
        """An answer was confirmed: autosave `answers` (all answers so far)."""

        def __init__(self, form: QuestionForm, item_id: str, value: Any) -> None:
            super().__init__()
            self.form = form
            self.item_id = item_id
            self.value = value
            self.answers = dict(form.session.answers)
            self.context = dict(form.session.context)

        @property
        def control(self) -> QuestionForm:
            return self.form

    class Skipped(Message):
        """An item was left to return to (so a resume can keep the mark)."""

        def __init__(self, form: QuestionForm, item_id: str) -> None:
            super().__init__()
            self.form = form
            self.item_id = item_id

        @property
        def control(self) -> QuestionForm:
            return self.form

    class FlagRaised(Message):
        """A flag rose with the last answer (`interrupt`: the flow stopped for a protocol)."""

        def __init__(self, form: QuestionForm, flag: FlagRule) -> None:
            super().__init__()
            self.form = form
            self.flag = flag.id
            self.label = flag.label
            self.action = flag.action
            self.interrupt = flag.interrupt

        @property
        def control(self) -> QuestionForm:
            return self.form

    class FlagCleared(Message):
        """A flag fell because an answer was changed."""

        def __init__(self, form: QuestionForm, flag: str) -> None:
            super().__init__()
            self.form = form
            self.flag = flag

        @property
        def control(self) -> QuestionForm:
            return self.form

    class Completed(Message):
        """Every required item is answered: `result` is the final ScoreResult."""

        def __init__(self, form: QuestionForm, result: ScoreResult) -> None:
            super().__init__()
            self.form = form
            self.result = result

        @property
        def control(self) -> QuestionForm:
            return self.form

    def __init__(
        self,
        instrument: Instrument | str,
        *,
        answers: Mapping[str, Any] | None = None,
        context: Mapping[str, Any] | None = None,
        marked: Iterable[str] = (),
        fixed: Iterable[str] = (),
        standing: str = "",
        checker: Callable[[str, Any], str | None] | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """``fixed``: carried-over answers and given context, never re-entered by going back;
        ``standing``: the result this form follows up ("AUDIT-C 11 · possible dependence"),
        shown instead of its own running score until it has answers of its own;
        ``checker``: (item, value) -> a problem in words when the answer contradicts what is
        already known (an age first used above the person's age), or None."""
        super().__init__(name=name, id=id, classes=classes)
        inst = load_instrument(instrument) if isinstance(instrument, str) else instrument
        self.session = FormSession(
            inst, answers=answers, context=context, marked=marked, fixed=fixed
        )
        self.standing = standing
        self.checker = checker
        self.pending: Any = None
        self.interrupting: FlagRule | None = None
        self.result: ScoreResult | None = None
        self._notice = ""
        self._binding_states: tuple[bool, bool, bool] | None = None

    @property
    def instrument(self) -> Instrument:
        return self.session.instrument

    @property
    def answers(self) -> dict[str, Any]:
        return dict(self.session.answers)

    def compose(self) -> ComposeResult:
        inst = self.instrument
        yield Static(Text(f"{inst.title}  (v{inst.version})"), id="qf-title")
        yield Static(Text(inst.time_frame), id="qf-frame")
        yield Static(id="qf-progress")
        yield Static(id="qf-question")
        yield Static(id="qf-help")
        yield Static(id="qf-options")
        yield Input(id="qf-input", select_on_focus=False)
        yield Static(id="qf-error")
        yield Static(id="qf-interrupt")
        yield Static(id="qf-result")
        yield Static(id="qf-score")
        yield Static(id="qf-flags")

    def on_mount(self) -> None:
        if self.session.finished:
            self.result = self.session.result()  # a resumed, finished response: no message
        step = self.session.current
        if step is not None:
            self.pending = self.session.value_of(step)
            if not step.item.has_options and self.pending is not None:
                self.query_one("#qf-input", Input).value = str(self.pending)
        self._show()

    # -- drawing ---------------------------------------------------------------------

    def _show(self) -> None:
        """Redraw everything from the session: one place, so the view never drifts."""
        step = self.session.current
        self.set_class(step is None, "-finished")
        self.set_class(self.interrupting is not None, "-interrupted")
        free = step is not None and not step.item.has_options
        self.set_class(free, "-free")
        if step is not None:
            self._show_step(step)
        else:
            self.query_one("#qf-progress", Static).update("Finished")
            self.query_one("#qf-question", Static).update("")
            self.query_one("#qf-help", Static).update("")
        self.query_one("#qf-error", Static).update(Text(self._notice))
        self._show_score()
        self._show_interrupt()
        self._show_result()
        if free and self.interrupting is None:
            self.query_one("#qf-input", Input).focus()
        elif self.has_focus_within or self.screen.focused is None:
            self.focus()
        # Rebuilding the footer is the dearest part of a keystroke: only when a key's state changes.
        states = (self.interrupting is not None, step is not None, free)
        if states != self._binding_states:
            self._binding_states = states
            self.refresh_bindings()

    def _show_step(self, step: Step) -> None:
        number, count = self.session.position
        marked = len(self.session.marked)
        progress = f"Question {number} of {count}"
        if marked:
            progress += f"  ·  {marked} skipped to return to"
        self.query_one("#qf-progress", Static).update(Text(progress))
        text = self.instrument.render(step.item.text, self.session.context)
        self.query_one("#qf-question", Static).update(Text(text))
        help_text = self.instrument.render(step.item.help, self.session.context)
        self.query_one("#qf-help", Static).update(Text(help_text))
        options = Text()
        for n, opt in enumerate(step.item.options, start=1):
            chosen = opt.code == self.pending and type(opt.code) is type(self.pending)
            marker = "▶ " if chosen else "  "
            line = f"{marker}{n}  {opt.label}"
            if step.item.scored:
                line += f"  ({opt.points})"
            options.append(line + "\n", style="reverse bold" if chosen else "")
        self.query_one("#qf-options", Static).update(options)

    def _show_score(self) -> None:
        running = self.session.running()
        parts = []
        own = any(k not in self.session.fixed for k in self.session.answers)
        if self.standing and not own:
            parts.append(f"{self.standing} (this form's own score shows once it is answered)")
        elif running.total is not None:
            where = "Score" if self.session.finished else "Score so far"
            parts.append(f"{where}: {running.total} of {self.instrument.max_total}")
            if running.band_label:
                parts.append(running.band_label)
        needs = ", ".join(f"{need_words(n.domain)} ({n.level})" for n in running.needs)
        if needs and (own or not self.standing):
            parts.append(f"Needs: {needs}")
        self.query_one("#qf-score", Static).update(Text("  ·  ".join(parts)))
        labels = [self.instrument.flag_rule(f).label for f in sorted(self.session.flags)]
        self.query_one("#qf-flags", Static).update(Text("\n".join(f"⚑ {x}" for x in labels)))

    def _show_interrupt(self) -> None:
        flag = self.interrupting
        body = Text()
        if flag is not None:
            body.append(f"⚠ {flag.label}\n\n", style="bold")
            body.append(flag.action.strip() + "\n\n")
            body.append("Press A when you have done this to carry on.", style="italic")
        self.query_one("#qf-interrupt", Static).update(body)

    def _show_result(self) -> None:
        result = self.result
        body = Text()
        if result is not None:
            if result.total is not None:
                body.append(f"Total {result.total}", style="bold")
                if result.band_label:
                    body.append(f"  ·  {result.band_label}", style="bold")
                if result.positive is not None:
                    body.append("  ·  positive screen" if result.positive else "  ·  negative")
                body.append("\n")
            for flag in sorted(result.flags):
                body.append(f"⚑ {self.instrument.flag_rule(flag).label}\n")
            for need in result.needs:
                at_level = {r.reason for r in self.instrument.needs_rules if r.level == need.level}
                reasons = [r for r in need.reasons if r in at_level] or need.reasons
                body.append(
                    f"Need: {need_words(need.domain)} ({need.level}): {'; '.join(reasons)}\n"
                )
            for follow in result.follow_ups:
                body.append(f"Next: {follow.instrument}: {follow.reason}\n")
            body.append("Backspace goes back to change an answer.", style="italic")
        self.query_one("#qf-result", Static).update(body)

    # -- actions -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "acknowledge":
            return self.interrupting is not None
        if self.interrupting is not None:
            return action == "back" or None
        step = self.session.current
        if action in ("pick", "move"):
            return step is not None and step.item.has_options
        if action in ("confirm", "skip"):
            return step is not None
        return True

    def action_pick(self, number: int) -> None:
        step = self.session.current
        if step is None or not step.item.has_options or not 1 <= number <= len(step.item.options):
            self.app.bell()
            return
        self.pending = step.item.options[number - 1].code
        self._notice = ""
        self._show()

    def action_move(self, delta: int) -> None:
        step = self.session.current
        if step is None or not step.item.options:
            return
        codes = [o.code for o in step.item.options]
        index = codes.index(self.pending) if self.pending in codes else -1
        self.pending = codes[(index + delta) % len(codes)] if index >= 0 else codes[0]
        self._show()

    def action_confirm(self) -> None:
        step = self.session.current
        if step is None or self.interrupting is not None:
            return
        if step.item.has_options:
            value = self.pending
        else:
            value = self._parse_free(step, self.query_one("#qf-input", Input).value)
        if value is None:
            if step.item.required:
                self._notice = "Pick an answer first (or S to skip and come back)."
                self._show()
                return
            self.session.advance()
            self._moved()
            return
        problem = self.checker(step.id, value) if self.checker and not step.is_context else None
        if problem:
            self._notice = problem[:1].upper() + problem[1:] + ": check it with the person."
            self._show()
            return
        try:
            change = self.session.answer(value)
        except ValueError as exc:
            words = getattr(exc, "words", "") or "that answer cannot be taken"
            self._notice = words[:1].upper() + words[1:] + "."
            self._show()
            return
        self.post_message(self.Answered(self, step.id, value))
        for flag_id in change.cleared:
            self.post_message(self.FlagCleared(self, flag_id))
        for flag in change.raised:
            self.post_message(self.FlagRaised(self, flag))
        self.interrupting = change.interrupt
        if self.interrupting is None:
            self._advance()
        else:
            self._notice = ""
            self._show()

    def _parse_free(self, step: Step, raw: str) -> Any:
        raw = raw.strip()
        if not raw:
            return None
        if step.item.kind != "number":
            return raw
        try:
            number = float(raw)
        except ValueError:
            return raw  # the engine names the problem
        return int(number) if number.is_integer() and not step.item.decimal else number

    def _advance(self) -> None:
        returned = self.session.advance()
        self._moved("Back to a question you skipped." if returned else "")

    def _moved(self, notice: str = "") -> None:
        """After any move: load the stored answer as the pending pick, finish if done."""
        self._notice = notice
        step = self.session.current
        self.pending = self.session.value_of(step) if step else None
        if step is not None and not step.item.has_options:
            value = self.pending
            self.query_one("#qf-input", Input).value = "" if value is None else str(value)
        was_finished = self.result is not None
        if step is None:
            self.result = self.session.result()
            self.post_message(self.Completed(self, self.result))
        elif was_finished:
            self.result = None
        self._show()

    def action_acknowledge(self) -> None:
        if self.interrupting is None:
            return
        self.interrupting = None
        self._advance()

    def action_back(self) -> None:
        self.interrupting = None
        if not self.session.back():
            self.app.bell()
            self._moved("This is the first question of this form: Backspace stays here.")
            return
        self._moved()

    def action_skip(self) -> None:
        step = self.session.current
        if step is None:
            return
        before = list(self.session.marked)
        returned = self.session.skip()
        if step.id in self.session.marked and step.id not in before:
            self.post_message(self.Skipped(self, step.id))
        self._moved("Back to a question you skipped." if returned else "")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()
