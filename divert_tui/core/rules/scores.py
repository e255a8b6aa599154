"""Each instrument's result as a worker reads it: short name, total, band, flags, version.

Used when a form completes (a one-line result), for the summary's score table and for the
read-only record. A follow-up that holds only the answers carried over from the form that
called for it (the AUDIT after a positive AUDIT-C) has no result of its own yet, so it is
left out rather than shown with a lower band than the screen it follows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from divert_tui.core.rules.assessment_flow import STEPS, Facts, Stored, forms_for
from divert_tui.forms import load_instrument


@dataclass(frozen=True)
class ScoreLine:
    instrument: str
    version: str
    name: str  # "AUDIT-C", "PHQ-9"
    subject: str  # the drug, for per-substance forms
    total: int
    maximum: int
    band: str  # the band's label, "" when the instrument has no bands
    positive: bool | None
    flags: tuple[str, ...]
    complete: bool

    @property
    def words(self) -> str:
        """ "AUDIT-C 11 · possible dependence" (with "so far" while unfinished)."""
        name = f"{self.name} ({self.subject.replace('_', ' ')})" if self.subject else self.name
        text = f"{name} {self.total}" + ("" if self.complete else " so far")
        if self.band:
            text += f" · {self.band[:1].lower()}{self.band[1:]}"
        if self.positive and "positive" not in self.band.lower():
            text += " · positive screen"
        return text


def short_name(instrument: str, version: str | None = None) -> str:
    """The name a worker knows it by: the title up to its colon ("AUDIT-C", "Dash")."""
    return load_instrument(instrument, version).title.split(":")[0].strip()


@cache
def carried_items(instrument: str) -> frozenset[str]:
    """Items a follow-up takes over from the forms that call for it."""
    carried: set[str] = set()
    for step in STEPS:
        for parent in step.instruments:
            for follow in load_instrument(parent).follow_ups:
                if follow.instrument == instrument:
                    carried.update(follow.carry)
    return frozenset(carried)


def has_own_answers(stored: Stored) -> bool:
    """Answered beyond what was carried over into it."""
    carried = carried_items(stored.instrument)
    return any(item not in carried for item in stored.answers)


def score_line(stored: Stored) -> ScoreLine | None:
    """The result of a scored instrument with answers of its own; None otherwise."""
    inst = load_instrument(stored.instrument, stored.version)
    if inst.kind != "scored" or not stored.answers or not has_own_answers(stored):
        return None
    result = inst.score_so_far(stored.answers, **dict(stored.context))
    if result.total is None:
        return None
    flags = []
    for flag in sorted(result.flags):
        try:
            flags.append(inst.flag_rule(flag).label)
        except KeyError:
            flags.append(flag.replace("_", " "))
    return ScoreLine(
        instrument=inst.id,
        version=inst.version,
        name=short_name(inst.id, inst.version),
        subject=stored.subject,
        total=result.total,
        maximum=inst.max_total,
        band=result.band_label or "",
        positive=result.positive,
        flags=tuple(flags),
        complete=result.complete,
    )


def score_table(facts: Facts) -> list[ScoreLine]:
    """Every instrument result of the call, in the order the call asks them."""
    lines: list[ScoreLine] = []
    for step in STEPS:
        if not step.instruments:
            continue
        for ref in forms_for(step.id, facts):
            stored = facts.responses.get(ref.key)
            line = score_line(stored) if stored else None
            if line is not None:
                lines.append(line)
    return lines


def lines_of(responses: Iterable[Stored]) -> list[ScoreLine]:
    return [line for s in responses if (line := score_line(s)) is not None]
