"""Validating answers, branching and scoring: the only place totals are worked out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from divert_tui.forms.conditions import Env, holds
from divert_tui.forms.result import FollowUpDue, ScoreResult, merge_needs

if TYPE_CHECKING:
    from divert_tui.forms.model import ContextSpec, Instrument, Item

MAX_TEXT = 4000


def check_answer(instrument: Instrument, item_id: str, value: Any) -> Any:
    """Return the value to store, or raise ValueError naming the item and the problem."""
    try:
        item = instrument.item(item_id)
    except KeyError:
        raise ValueError(f"{instrument.id}: unknown item {item_id!r}") from None
    return _check_item_value(instrument.id, item, value)


class AnswerError(ValueError):
    """A refused answer: ``str()`` names the item for developers and logs; ``words`` says
    the problem for the person on the phone ("days used (40) is above 28")."""

    def __init__(self, where: str, problem: str, words: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.words = words


def _name(item: Item) -> str:
    return item.label or "this answer"


def _check_item_value(instrument_id: str, item: Item, value: Any) -> Any:
    where = f"{instrument_id}: item {item.id}"
    name = _name(item)
    if item.has_options:
        if item.option(value) is None:
            allowed = ", ".join(repr(o.code) for o in item.options)
            raise AnswerError(
                where,
                f"{value!r} is not one of the options ({allowed})",
                f"{name}: pick one of the options shown (1 to {len(item.options)})",
            )
        return value
    if item.kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            raise AnswerError(where, f"expected a number, got {value!r}", f"{name}: type a number")
        if not item.decimal and isinstance(value, float):
            if not value.is_integer():
                raise AnswerError(
                    where,
                    f"expected a whole number, got {value!r}",
                    f"{name}: type a whole number",
                )
            value = int(value)
        if item.minimum is not None and value < item.minimum:
            raise AnswerError(
                where,
                f"{value!r} is below the minimum {plain_number(item.minimum)}",
                f"{name} ({plain_number(value)}) is below {plain_number(item.minimum)}",
            )
        if item.maximum is not None and value > item.maximum:
            raise AnswerError(
                where,
                f"{value!r} is above the maximum {plain_number(item.maximum)}",
                f"{name} ({plain_number(value)}) is above {plain_number(item.maximum)}",
            )
        return value
    # free text
    if not isinstance(value, str):
        raise AnswerError(where, f"expected text, got {value!r}", f"{name}: type it as text")
    if len(value) > MAX_TEXT:
        raise AnswerError(
            where,
            f"text longer than {MAX_TEXT} characters",
            f"{name}: keep it under {MAX_TEXT} characters",
        )
    return value


def check_context(instrument: Instrument, context: Mapping[str, Any]) -> dict[str, Any]:
    """Validate the keyword context (e.g. substance=...); unknown names are refused."""
    known = {spec.id: spec for spec in instrument.contexts}
    checked: dict[str, Any] = {}
    for name, value in context.items():
        spec = known.get(name)
        if spec is None:
            allowed = ", ".join(known) or "none"
            raise ValueError(f"{instrument.id}: unknown context {name!r} (accepted: {allowed})")
        if value is None:
            continue
        checked[name] = _check_context_value(instrument.id, spec, value)
    return checked


def _check_context_value(instrument_id: str, spec: ContextSpec, value: Any) -> Any:
    where = f"{instrument_id}: context {spec.id}"
    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"{where}: expected True or False, got {value!r}")
        return value
    if spec.kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ValueError(f"{where}: expected a number of 0 or more, got {value!r}")
        return value
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: expected text, got {value!r}")
    if spec.kind == "text":
        return value
    code = value.strip().lower().replace("-", "_").replace(" ", "_")
    code = spec.aliases.get(code, code)
    if not spec.open and all(o.code != code for o in spec.options):
        allowed = ", ".join(str(o.code) for o in spec.options)
        raise ValueError(f"{where}: {value!r} is not one of {allowed}")
    return code


def _clean(instrument: Instrument, answers: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(answers, Mapping):
        raise ValueError(f"{instrument.id}: answers must be a mapping of item id to answer")
    cleaned: dict[str, Any] = {}
    for item_id, value in answers.items():
        if value is None:
            continue  # not answered (a resumed call may store None)
        cleaned[item_id] = check_answer(instrument, item_id, value)
    return cleaned


def skipped_items(instrument: Instrument, answers: Mapping[str, Any]) -> set[str]:
    """Apply the skip rules in order; an item skipped by an earlier rule reads as 0 later."""
    values = {k: v for k, v in answers.items() if v is not None}
    skipped: set[str] = set()
    for rule in instrument.skips:
        if holds(rule.when, Env(answers=values, skipped=skipped)):
            skipped.update(rule.items)
    return skipped


def evaluate(
    instrument: Instrument,
    answers: Mapping[str, Any],
    context: Mapping[str, Any],
    *,
    complete: bool,
) -> ScoreResult:
    """Score answers. With complete=True every required item that is asked must be answered."""
    ctx = check_context(instrument, context)
    cleaned = _clean(instrument, answers)
    skipped = skipped_items(instrument, cleaned)
    asked = {
        it.id: cleaned[it.id]
        for it in instrument.items
        if it.id in cleaned and it.id not in skipped
    }
    missing = [
        it.id
        for it in instrument.items
        if it.required and it.id not in skipped and it.id not in asked
    ]
    if complete and missing:
        raise ValueError(f"{instrument.id}: missing answer for item {', '.join(missing)}")

    total: int | None = None
    if instrument.is_scored:
        total = sum(instrument.item(i).points_for(v) for i, v in asked.items())
    band = instrument.band_for(total)
    positive = _positive(instrument, total, ctx, asked, skipped)

    env = Env(answers=asked, skipped=skipped, total=total, positive=positive, context=ctx)
    flags = {rule.id for rule in instrument.flags if holds(rule.when, env)}
    env.flags = flags
    needs = merge_needs(
        [(r.domain, r.level, r.reason) for r in instrument.needs_rules if holds(r.when, env)]
    )
    follow_ups = [
        FollowUpDue(
            instrument=f.instrument,
            answers={i: asked[i] for i in f.carry if i in asked},
            reason=f.reason,
        )
        for f in instrument.follow_ups
        if holds(f.when, env)
    ]
    return ScoreResult(
        instrument_id=instrument.id,
        version=instrument.version,
        total=total,
        band=band.id if band else None,
        band_label=band.label if band else None,
        positive=positive,
        flags=flags,
        answers=asked,
        context=ctx,
        needs=needs,
        follow_ups=follow_ups,
        skipped=[it.id for it in instrument.items if it.id in skipped],
        complete=not missing,
    )


def _positive(
    instrument: Instrument,
    total: int | None,
    ctx: Mapping[str, Any],
    asked: Mapping[str, Any],
    skipped: set[str],
) -> bool | None:
    """The first cut-off whose condition holds decides; None where no cut-off applies."""
    if total is None:
        return None
    env = Env(answers=asked, skipped=skipped, total=total, context=ctx)
    for cut in instrument.cut_offs:
        if cut.when is None or holds(cut.when, env):
            return total >= cut.at_least
    return None


def plain_number(number: float) -> str:
    """A number as a person typed it: 111111111, not 1.11111e+08."""
    if float(number).is_integer():
        return str(int(number))
    return f"{number:f}".rstrip("0").rstrip(".")
