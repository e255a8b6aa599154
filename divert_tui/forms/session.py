"""Walking through one instrument a question at a time, with no UI in it.

The question widget is a thin view of a FormSession, so the flow (branching, skip and return,
context questions, flags rising and falling) is tested here without Textual and any other
front end (CLI, a test) can drive a call the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from divert_tui.forms.model import ContextSpec, FlagRule, Instrument, Item, Option
from divert_tui.forms.result import ScoreResult

CONTEXT_PREFIX = "context:"
_YES_NO = (Option("yes", "Yes"), Option("no", "No"))


@dataclass(frozen=True)
class Step:
    """One screenful: an item of the instrument, or a context question (e.g. which drug)."""

    id: str
    item: Item
    context_id: str | None = None

    @property
    def is_context(self) -> bool:
        return self.context_id is not None


@dataclass
class Change:
    """What one answer changed: flags that rose (in definition order) and flags that fell."""

    raised: list[FlagRule] = field(default_factory=list)
    cleared: list[str] = field(default_factory=list)

    @property
    def interrupt(self) -> FlagRule | None:
        return next((f for f in self.raised if f.interrupt), None)


def _context_step(spec: ContextSpec) -> Step:
    kinds = {"bool": "yes_no", "choice": "choice", "number": "number", "text": "text"}
    item = Item(
        id=CONTEXT_PREFIX + spec.id,
        text=spec.label,
        kind=kinds[spec.kind],
        options=_YES_NO if spec.kind == "bool" else spec.options,
        required=False,
        scored=False,
        minimum=0 if spec.kind == "number" else None,
    )
    return Step(id=item.id, item=item, context_id=spec.id)


class FormSession:
    """The state of one instrument being asked: answers, context, marked items, position."""

    def __init__(
        self,
        instrument: Instrument,
        answers: Mapping[str, Any] | None = None,
        context: Mapping[str, Any] | None = None,
        marked: Iterable[str] = (),
        fixed: Iterable[str] = (),
    ) -> None:
        """``fixed``: steps given from outside (answers carried over from the form that
        called for this one, context the call already knows) that going back never enters."""
        self.instrument = instrument
        self.fixed = frozenset(fixed)
        self.answers: dict[str, Any] = {}
        for item_id, value in (answers or {}).items():
            if value is not None:
                self.answers[item_id] = instrument.check_answer(item_id, value)
        self.context: dict[str, Any] = dict(context or {})
        self.running()  # validates the context early: a bad resume fails loudly
        self.marked: list[str] = [m for m in marked if m not in self.answers]
        self.flags: set[str] = set(self.running().flags)
        self.finished = False
        self.returning = False  # True while going round the items skipped earlier
        self.current_id: str | None = None
        self._start()

    # -- where we are ----------------------------------------------------------------

    def steps(self) -> list[Step]:
        """Context asked before, the items branching leaves in, context asked after."""
        before = [_context_step(c) for c in self.instrument.contexts if c.ask == "before"]
        after = [_context_step(c) for c in self.instrument.contexts if c.ask == "after"]
        items = [Step(it.id, it) for it in self.instrument.asked_items(self.answers)]
        return before + items + after

    @property
    def current(self) -> Step | None:
        if self.finished:
            return None
        return next((s for s in self.steps() if s.id == self.current_id), None)

    @property
    def position(self) -> tuple[int, int]:
        """(1-based number of the current step, number of steps)."""
        steps = self.steps()
        ids = [s.id for s in steps]
        index = ids.index(self.current_id) + 1 if self.current_id in ids else len(ids)
        return index, len(ids)

    def value_of(self, step: Step) -> Any:
        """The stored answer for a step, as its option code (True/False shows as yes/no)."""
        if step.context_id is None:
            return self.answers.get(step.id)
        value = self.context.get(step.context_id)
        if isinstance(value, bool):
            return "yes" if value else "no"
        return value

    def missing(self) -> list[str]:
        """Required items still unanswered (including those skipped to return to)."""
        return [
            it.id
            for it in self.instrument.asked_items(self.answers)
            if it.required and it.id not in self.answers
        ]

    # -- moving ------------------------------------------------------------------------

    def _start(self) -> None:
        """Resume at the first unanswered step; a finished response opens at its end."""
        for step in self.steps():
            answered = self.value_of(step) is not None
            if not answered and step.id not in self.marked and not step.is_context:
                self.current_id = step.id
                return
            if not answered and step.is_context and not self.answers:
                self.current_id = step.id  # a fresh start asks the context first
                return
        self._finish_or_return()

    def answer(self, value: Any) -> Change:
        """Record an answer to the current step (ValueError if invalid); does not move."""
        step = self.current
        if step is None:
            raise ValueError("the form is finished: go back to change an answer")
        if step.context_id is not None:
            if step.item.kind == "yes_no":
                value = {"yes": True, "no": False}.get(value, value)
            trial = {**self.context, step.context_id: value}
            checked = self.instrument.score_so_far(self.answers, **trial).context
            self.context[step.context_id] = checked.get(step.context_id)
        else:
            self.answers[step.id] = self.instrument.check_answer(step.id, value)
            if step.id in self.marked:
                self.marked.remove(step.id)
        return self._update_flags()

    def _update_flags(self) -> Change:
        now = self.running().flags
        raised = [f for f in self.instrument.flags if f.id in now and f.id not in self.flags]
        cleared = sorted(self.flags - now)
        self.flags = set(now)
        return Change(raised=raised, cleared=cleared)

    def advance(self) -> bool:
        """Move on one step. At the end, go to the first item still missing or finish.

        Returns True when the move went back to a skipped item.
        """
        ids = [s.id for s in self.steps()]
        if self.current_id in ids and not self.returning:
            index = ids.index(self.current_id) + 1
            if index < len(ids):
                self.current_id = ids[index]
                return False
        return self._finish_or_return()

    def _finish_or_return(self) -> bool:
        missing = self.missing()
        if missing:
            # go round the missing items: after the current one, so skipping again moves on
            later = (
                missing[missing.index(self.current_id) + 1 :] if self.current_id in missing else []
            )
            self.current_id = (later or missing)[0]
            self.finished = False
            self.returning = True
            return True
        self.finished = True
        self.returning = False
        self.current_id = None
        return False

    def back(self) -> bool:
        """Go to the previous step (from the end: the last one). False at the first step
        this form asks itself: never into answers carried over or context given to it."""
        ids = [s.id for s in self.steps()]
        own = [i for i in ids if i not in self.fixed]
        if not own:
            return False
        if self.finished or self.current_id not in ids:
            self.finished = self.returning = False
            self.current_id = own[-1]
            return True
        index = ids.index(self.current_id)
        earlier = [i for i in ids[:index] if i not in self.fixed]
        if not earlier:
            return False
        self.returning = False
        self.current_id = earlier[-1]
        return True

    @property
    def at_first(self) -> bool:
        """On the first step this form asks itself (going back would leave the form)."""
        ids = [s.id for s in self.steps()]
        if self.finished or self.current_id not in ids:
            return False
        return not [i for i in ids[: ids.index(self.current_id)] if i not in self.fixed]

    def skip(self) -> bool:
        """Leave the current item for later (marked to return to) and move on."""
        step = self.current
        unanswered = step is not None and not step.is_context and step.id not in self.answers
        if unanswered and step.id not in self.marked:
            self.marked.append(step.id)
        return self.advance()

    # -- scores ------------------------------------------------------------------------

    def running(self) -> ScoreResult:
        return self.instrument.score_so_far(self.answers, **self.context)

    def result(self) -> ScoreResult:
        """The final score (ValueError naming the item if something required is missing)."""
        return self.instrument.score(self.answers, **self.context)
