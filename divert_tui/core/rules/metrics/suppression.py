"""Suppression that holds: small counts hidden, and nothing hidden recoverable by subtraction.

Primary suppression hides every count from 1 to 4 (shown ``<5``). A published table is a
set of sums (a row's parts add up to its total, a force's figures add up to the "all"
row), and a sum with exactly one hidden cell gives that cell away. So secondary
suppression hides one more cell (shown ``[c]``) in every such sum until each sum hides
none, or at least two cells that together hold 5 or more. Rates follow their counts: a rate is withheld when its
numerator or denominator is under 5 or withheld.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

SUPPRESS_BELOW = 5
PRIMARY = "<5"
SECONDARY = "[c]"


@dataclass(frozen=True)
class Sum:
    """``total`` equals the sum of ``parts`` in the published table."""

    total: Hashable
    parts: tuple[Hashable, ...]


def primary(count: int) -> bool:
    return 0 < count < SUPPRESS_BELOW


def shown(count: int) -> str:
    """A lone count as it may be published (no sums around it)."""
    return PRIMARY if primary(count) else str(count)


def suppress(values: Mapping[Hashable, int], sums: Sequence[Sum]) -> dict[Hashable, str]:
    """The mark (``<5`` or ``[c]``) of every cell that must not be shown; others are absent.

    Deterministic: the second cell hidden in a sum is its smallest non-zero shown part
    (the first such in order), or the total when every other part is zero.
    """
    marks: dict[Hashable, str] = {k: PRIMARY for k, v in values.items() if primary(v)}
    changed = True
    while changed:
        changed = False
        for rule in sums:
            cells = (rule.total, *rule.parts)
            hidden = [c for c in cells if c in marks]
            if not _gives_away(rule, hidden, values, marks):
                continue
            candidates = [p for p in rule.parts if p not in marks and values.get(p, 0) > 0]
            if candidates:
                chosen = min(candidates, key=lambda p: values.get(p, 0))
            elif rule.total not in marks and values.get(rule.total, 0) > 0:
                chosen = rule.total
            else:
                continue
            marks[chosen] = SECONDARY
            changed = True
    return marks


def _gives_away(
    rule: Sum, hidden: list[Hashable], values: Mapping[Hashable, int], marks: Mapping[Hashable, str]
) -> bool:
    """A sum betrays a hidden cell when it hides exactly one, or when its total is shown and
    the hidden parts add up to 1-4 (two hidden 1s in a shown 7 of which 5 are shown: both
    are 1)."""
    if len(hidden) == 1:
        return True
    if not hidden or rule.total in marks:
        return False
    return primary(sum(values.get(p, 0) for p in rule.parts if p in marks))


def rate_withheld(
    numerator: int,
    denominator: int,
    marks: Mapping[Hashable, str],
    keys: Iterable[Hashable] = (),
) -> bool:
    """A rate is withheld when either count is under 5 or either cell is hidden."""
    if numerator < SUPPRESS_BELOW or denominator < SUPPRESS_BELOW:
        return True
    return any(key in marks for key in keys)
