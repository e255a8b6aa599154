"""Conditions written in the definition files, parsed once and evaluated many times.

A condition is a TOML table a clinical lead can read aloud:

    { item = "q9", at_least = 1 }                 item 9 scored 1 or more
    { sum = ["q2", "q3"], equals = 0 }            items 2 and 3 add up to 0
    { score = "total", at_least = 14 }            the total so far
    { score = "positive", equals = true }         the screen is positive
    { context = "repeat", equals = true }         a value given to score(..., repeat=True)
    { flag = "marac" }                            a flag is raised (needs and follow-ups only)
    { any = [ {...}, {...} ] }   { all = [ {...}, {...} ] }

Tests: `equals`, `in` (a list), `at_least`, `at_most`, `answered` (true/false).
An unanswered item makes its test false (never true by default), so a rule only
fires once the answers it depends on are known.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

SUBJECTS = ("item", "sum", "score", "context", "flag")
TESTS = ("equals", "in", "at_least", "at_most", "answered")
SCORE_NAMES = ("total", "positive")


class ConditionError(ValueError):
    """A condition table that cannot be understood; the loader adds the file name."""


@dataclass(frozen=True)
class Condition:
    """One parsed condition: a subject and a test, or a list of sub-conditions."""

    subject: str  # item | sum | score | context | flag | any | all
    ref: str | tuple[str, ...] = ""
    test: str = ""
    value: Any = None
    children: tuple[Condition, ...] = field(default_factory=tuple)

    def item_refs(self) -> set[str]:
        """Every item id this condition reads (for validation and branching order)."""
        if self.subject in ("any", "all"):
            return set().union(*(c.item_refs() for c in self.children))
        if self.subject == "item":
            return {str(self.ref)}
        if self.subject == "sum":
            return set(self.ref)
        return set()

    def walk(self) -> list[Condition]:
        """This condition and all nested ones, leaves included."""
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out


@dataclass
class Env:
    """What a condition can see: answers asked so far, skipped items, score and context."""

    answers: Mapping[str, Any]
    skipped: set[str] = field(default_factory=set)
    total: int | None = None
    positive: bool | None = None
    context: Mapping[str, Any] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)


def parse_condition(raw: Any, where: str) -> Condition:
    """Turn a TOML table into a Condition, or raise ConditionError saying where and why."""
    if not isinstance(raw, Mapping):
        raise ConditionError(f"{where}: a condition must be a table, got {raw!r}")
    for combinator in ("any", "all"):
        if combinator in raw:
            if len(raw) != 1:
                raise ConditionError(f"{where}: '{combinator}' cannot be mixed with other keys")
            parts = raw[combinator]
            if not isinstance(parts, list) or not parts:
                raise ConditionError(f"{where}: '{combinator}' needs a non-empty list")
            children = tuple(
                parse_condition(p, f"{where}.{combinator}[{i}]") for i, p in enumerate(parts)
            )
            return Condition(subject=combinator, children=children)
    subjects = [k for k in raw if k in SUBJECTS]
    unknown = [k for k in raw if k not in SUBJECTS and k not in TESTS]
    if unknown:
        raise ConditionError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    if len(subjects) != 1:
        raise ConditionError(f"{where}: needs exactly one of {', '.join(SUBJECTS)}")
    subject = subjects[0]
    tests = [k for k in raw if k in TESTS]
    if subject == "flag":
        if tests:
            raise ConditionError(f"{where}: a flag condition takes no test")
        return Condition(subject="flag", ref=_text(raw["flag"], where), test="raised")
    if len(tests) != 1:
        raise ConditionError(f"{where}: needs exactly one test of {', '.join(TESTS)}")
    test = tests[0]
    value = raw[test]
    ref: str | tuple[str, ...]
    if subject == "sum":
        items = raw["sum"]
        if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
            raise ConditionError(f"{where}: 'sum' needs a list of item ids")
        ref = tuple(items)
        if test not in ("equals", "at_least", "at_most"):
            raise ConditionError(f"{where}: a sum can only be tested with equals/at_least/at_most")
    else:
        ref = _text(raw[subject], where)
    if subject == "score" and ref not in SCORE_NAMES:
        raise ConditionError(f"{where}: score must be one of {', '.join(SCORE_NAMES)}")
    if test in ("at_least", "at_most") and not _is_number(value):
        raise ConditionError(f"{where}: '{test}' needs a number, got {value!r}")
    if test == "in" and (not isinstance(value, list) or not value):
        raise ConditionError(f"{where}: 'in' needs a non-empty list")
    if test == "answered" and not isinstance(value, bool):
        raise ConditionError(f"{where}: 'answered' needs true or false")
    if test == "in":
        value = tuple(value)
    return Condition(subject=subject, ref=ref, test=test, value=value)


def holds(cond: Condition, env: Env) -> bool:
    """True when the condition is met by what is known now; unknown counts as not met."""
    if cond.subject == "any":
        return any(holds(c, env) for c in cond.children)
    if cond.subject == "all":
        return all(holds(c, env) for c in cond.children)
    if cond.subject == "flag":
        return cond.ref in env.flags
    value = _subject_value(cond, env)
    if cond.test == "answered":
        return (value is not None) == cond.value
    if value is None:
        return False
    return _test(cond.test, value, cond.value)


def _subject_value(cond: Condition, env: Env) -> Any:
    if cond.subject == "item":
        if cond.ref in env.skipped:
            return None
        return env.answers.get(str(cond.ref))
    if cond.subject == "sum":
        total = 0
        for item_id in cond.ref:
            if item_id in env.skipped:
                continue  # skipped items score 0
            value = env.answers.get(item_id)
            if not _is_number(value):
                return None  # not known yet
            total += value
        return total
    if cond.subject == "score":
        return env.total if cond.ref == "total" else env.positive
    return env.context.get(str(cond.ref))


def _test(test: str, actual: Any, expected: Any) -> bool:
    if test == "equals":
        return _same(actual, expected)
    if test == "in":
        return any(_same(actual, e) for e in expected)
    if not _is_number(actual):
        return False
    if test == "at_least":
        return actual >= expected
    return actual <= expected  # at_most


def _same(actual: Any, expected: Any) -> bool:
    """Equality that never confuses True with 1."""
    if isinstance(actual, bool) or isinstance(expected, bool):
        return isinstance(actual, bool) and isinstance(expected, bool) and actual == expected
    return actual == expected


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise ConditionError(f"{where}: expected a name, got {value!r}")
    return value
