"""Hypothesis properties over every scored instrument."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from divert_tui.forms import list_instruments, load_instrument

FAST = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
SCORED = [i.id for i in list_instruments() if i.kind == "scored"]
ALL = [i.id for i in list_instruments()]


@st.composite
def valid_answers(draw: st.DrawFn, instrument_id: str | None = None) -> tuple[str, dict]:
    """Any complete, valid answer set (every item answered, options from the definition)."""
    ident = instrument_id or draw(st.sampled_from(ALL))
    inst = load_instrument(ident)
    answers: dict[str, Any] = {}
    for item in inst.items:
        if item.has_options:
            answers[item.id] = draw(st.sampled_from([o.code for o in item.options]))
        elif item.kind == "number":
            lo, hi = int(item.minimum or 0), int(item.maximum or 1000)
            answers[item.id] = draw(st.integers(lo, hi))
        else:
            answers[item.id] = draw(st.text(max_size=20))
    return ident, answers


@settings(max_examples=300, **FAST)
@given(valid_answers())
def test_scoring_never_raises_and_total_in_range(case: tuple[str, dict]) -> None:
    ident, answers = case
    inst = load_instrument(ident)
    result = inst.score(answers)
    if inst.is_scored:
        assert inst.min_total <= result.total <= inst.max_total
        if inst.bands:
            assert result.band is not None
    assert isinstance(result.flags, set)
    assert all(n.level in ("low", "medium", "high") for n in result.needs)


@settings(max_examples=200, **FAST)
@given(st.sampled_from(SCORED).flatmap(lambda i: st.tuples(valid_answers(i), valid_answers(i))))
def test_band_monotonic_in_total(pair: tuple[tuple[str, dict], tuple[str, dict]]) -> None:
    (ident, a), (_, b) = pair
    inst = load_instrument(ident)
    context = {"substance": "cannabis"} if ident == "sds" else {}
    ra, rb = inst.score(a, **context), inst.score(b, **context)
    if ra.total <= rb.total and ra.positive:
        assert rb.positive  # a cut-off is monotonic too
    if not inst.bands:
        return
    order = [band.id for band in inst.bands]
    if ra.total <= rb.total:
        assert order.index(ra.band) <= order.index(rb.band)
    else:
        assert order.index(ra.band) >= order.index(rb.band)


@settings(max_examples=200, **FAST)
@given(valid_answers("phq9"), st.sampled_from(["q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8"]),
       st.integers(0, 3))  # fmt: skip
def test_self_harm_flag_ignores_other_items(case, item: str, value: int) -> None:
    _, answers = case
    changed = answers | {item: value}
    inst = load_instrument("phq9")
    assert ("self_harm_risk" in inst.score(answers).flags) == (answers["q9"] > 0)
    assert ("self_harm_risk" in inst.score(changed).flags) == (answers["q9"] > 0)


@settings(max_examples=200, **FAST)
@given(valid_answers("audit"), st.sampled_from(["q1", "q2", "q3", "q7", "q8"]), st.integers(1, 4))
def test_escalate_flag_ignores_consumption_and_harm_items(case, item: str, value: int) -> None:
    _, answers = case
    answers = answers | {"q1": max(answers["q1"], 1), "q2": max(answers["q2"], 1)}
    inst = load_instrument("audit")
    before = "escalate" in inst.score(answers).flags
    after = "escalate" in inst.score(answers | {item: value}).flags
    assert before == after


@settings(max_examples=100, **FAST)
@given(valid_answers("dash"), st.booleans(), st.booleans(), st.booleans())
def test_marac_is_any_criterion(case, judgement: bool, escalation: bool, repeat: bool) -> None:
    _, answers = case
    yes = sum(1 for v in answers.values() if v == "yes")
    result = load_instrument("dash").score(
        answers, professional_judgement=judgement, potential_escalation=escalation, repeat=repeat
    )
    assert result.total == yes
    assert ("marac" in result.flags) == (yes >= 14 or judgement or escalation or repeat)


@settings(max_examples=200, **FAST)
@given(valid_answers())
def test_partial_answers_never_raise(case: tuple[str, dict]) -> None:
    ident, answers = case
    inst = load_instrument(ident)
    partial = dict(list(answers.items())[: len(answers) // 2])
    result = inst.score_so_far(partial)
    assert result.total is None or result.total <= inst.max_total
    for item in inst.next_items(partial):
        assert item.id not in partial
