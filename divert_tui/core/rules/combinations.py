"""Mixing risks: the TripSit combination matrix (reference section 7) read from data.

The matrix lives in ``core/data/combinations.toml`` so a clinical lead can check it cell by
cell. Lookups are symmetric. A pair the data does not rate (or a substance the matrix does
not know) is returned as *unknown*, which counts as risky: a gap is never shown as safe.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import combinations as pairs_of
from typing import Any

UNKNOWN = "n/r"
DIAGONAL = "."


@dataclass(frozen=True)
class Status:
    code: str
    label: str
    rank: int
    risky: bool
    meaning: str


@dataclass(frozen=True)
class PairRisk:
    """The rating of one pair of substances (catalogue codes, in the order asked)."""

    a: str
    b: str
    status: Status

    @property
    def unknown(self) -> bool:
        return self.status.code == UNKNOWN

    @property
    def risky(self) -> bool:
        return self.status.risky

    @property
    def key(self) -> str:
        """Order-free id of the pair, e.g. ``alcohol+cocaine``."""
        return "+".join(sorted((self.a, self.b)))

    def describe(self, labels: dict[str, str] | None = None) -> str:
        names = labels or {}
        first, second = names.get(self.a, self.a), names.get(self.b, self.b)
        return f"{first} + {second}: {self.status.label}"


@dataclass(frozen=True)
class Matrix:
    source: str
    licence: str
    statuses: dict[str, Status]
    columns: tuple[str, ...]
    labels: dict[str, str]
    cells: dict[tuple[str, str], str]
    catalogue: dict[str, str]  # catalogue code -> column key
    unrated: frozenset[str] = frozenset()  # catalogue codes with no column, on purpose

    def column_of(self, substance: str) -> str | None:
        if substance in self.columns:
            return substance
        return self.catalogue.get(substance)

    def code(self, a: str, b: str) -> str:
        """The status code of a pair; unknown when either side is not in the matrix."""
        ca, cb = self.column_of(a), self.column_of(b)
        if ca is None or cb is None:
            return UNKNOWN
        return self.cells.get((ca, cb), UNKNOWN)


def _parse(raw: dict[str, Any]) -> Matrix:
    statuses = {
        code: Status(code, s["label"], int(s["rank"]), bool(s["risky"]), s["meaning"])
        for code, s in raw["statuses"].items()
    }
    columns = tuple(c["key"] for c in raw["columns"])
    labels = {c["key"]: c["label"] for c in raw["columns"]}
    catalogue = {code: c["key"] for c in raw["columns"] for code in c["catalogue"]}
    cells: dict[tuple[str, str], str] = {}
    for row in columns:
        values = raw["matrix"][row]
        if len(values) != len(columns):
            raise ValueError(f"combinations.toml: row {row} has {len(values)} cells")
        for col, value in zip(columns, values, strict=True):
            if value == DIAGONAL:
                continue
            if value not in statuses:
                raise ValueError(f"combinations.toml: {row} x {col}: unknown status {value!r}")
            cells[(row, col)] = value
    for (row, col), value in cells.items():
        if cells.get((col, row)) != value:
            raise ValueError(f"combinations.toml: {row} x {col} is not symmetric")
    unrated = frozenset(raw.get("unrated", ()))
    return Matrix(
        raw["source"], raw["licence"], statuses, columns, labels, cells, catalogue, unrated
    )


@cache
def matrix() -> Matrix:
    """The shipped matrix, read once."""
    text = (resources.files("divert_tui.core") / "data" / "combinations.toml").read_text("utf-8")
    return _parse(tomllib.loads(text))


def lookup(a: str, b: str) -> PairRisk:
    """The rating of a pair of catalogue substances (or matrix keys), either order."""
    m = matrix()
    return PairRisk(a, b, m.statuses[m.code(a, b)])


def pair_risks(substances: Iterable[str], *, drinks_alcohol: bool = False) -> list[PairRisk]:
    """Every pair among the substances named (plus alcohol when the person drinks),
    riskiest first; the same substance twice (cocaine and crack) is not a pair."""
    named = list(dict.fromkeys(s for s in substances if s))
    if drinks_alcohol and "alcohol" not in named:
        named.append("alcohol")
    m = matrix()
    found: list[PairRisk] = []
    for a, b in pairs_of(named, 2):
        ca, cb = m.column_of(a), m.column_of(b)
        if ca is not None and ca == cb:
            continue
        found.append(lookup(a, b))
    return sorted(found, key=lambda p: (-p.status.rank, p.key))


def risky_pairs(substances: Iterable[str], *, drinks_alcohol: bool = False) -> list[PairRisk]:
    """The pairs to warn about: dangerous, unsafe, caution and unknown (never shown as safe)."""
    return [p for p in pair_risks(substances, drinks_alcohol=drinks_alcohol) if p.risky]


# How the heading above the list says each rating: what the list is, in a worker's words.
HEADING_WORDS = {
    "DNG": "dangerous",
    "UNS": "unsafe",
    "n/r": "not rated (risk unknown)",
    "CAU": "caution",
    "LR+": "low risk with synergy",
    "LR=": "low risk, effects add up",
    "LR-": "low risk, effects lessen",
}


def pairs_heading(pairs: Iterable[PairRisk]) -> str:
    """ "2 pairs to mention: 1 dangerous, 1 low risk with synergy" for the pairs listed below
    it; never "no risky pair" above a pair that is listed."""
    listed = list(pairs)
    if not listed:
        return "Only one substance named: no pair to check."
    counts: dict[str, int] = {}
    for pair in sorted(listed, key=lambda p: -p.status.rank):
        counts[pair.status.code] = counts.get(pair.status.code, 0) + 1
    parts = [f"{n} {HEADING_WORDS.get(code, code)}" for code, n in counts.items()]
    noun = "pair" if len(listed) == 1 else "pairs"
    if len(counts) == 1:
        return f"{len(listed)} {noun} to mention: {HEADING_WORDS.get(next(iter(counts)), '')}"
    return f"{len(listed)} {noun} to mention: {', '.join(parts)}"
