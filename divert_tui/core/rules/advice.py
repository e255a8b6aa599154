"""Personalised harm-reduction advice: which items to read out for the substances named.

The text lives in ``core/data/advice.toml`` with its source, so it can be signed off and
changed without code. Items are chosen from the substances named (alcohol when AUDIT-C
shows drinking) and from the pairs the combination rule finds; each has a stable id that
the database stores when the worker ticks it as given.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import combinations as pairs_of
from typing import Any

from divert_tui.core.rules import combinations


@dataclass(frozen=True)
class AdviceItem:
    id: str
    title: str
    text: str
    source: str
    kind: str  # substance | pair | unknown_pair | score
    substance: str = ""
    pairs: frozenset[frozenset[str]] = frozenset()
    why: str = ""  # filled in when chosen: which substances, pair or score it answers
    instrument: str = ""  # score items: the instrument and the total that call for it
    at_least: int = 0


@dataclass(frozen=True)
class Catalogue:
    substance: tuple[AdviceItem, ...]
    pair: tuple[AdviceItem, ...]
    unknown_pair: tuple[AdviceItem, ...]
    score: tuple[AdviceItem, ...] = ()

    def by_id(self) -> dict[str, AdviceItem]:
        return {i.id: i for i in (*self.substance, *self.pair, *self.unknown_pair, *self.score)}


def _pairs(entry: dict[str, Any]) -> frozenset[frozenset[str]]:
    found = {frozenset(p) for p in entry.get("pairs", [])}
    found |= {frozenset(p) for p in pairs_of(entry.get("any_two_of", []), 2)}
    return frozenset(found)


def _parse(raw: dict[str, Any]) -> Catalogue:
    def item(entry: dict[str, Any], kind: str) -> AdviceItem:
        for key in ("id", "title", "text", "source"):
            if not str(entry.get(key, "")).strip():
                raise ValueError(f"advice.toml: {kind} {entry.get('id', '?')}: {key} is missing")
        if kind == "score" and not (entry.get("instrument") and int(entry.get("at_least", 0))):
            raise ValueError(f"advice.toml: score {entry['id']}: give instrument and at_least")
        return AdviceItem(
            entry["id"],
            entry["title"],
            " ".join(entry["text"].split()),
            " ".join(entry["source"].split()),
            kind,
            entry.get("substance", ""),
            _pairs(entry),
            instrument=entry.get("instrument", ""),
            at_least=int(entry.get("at_least", 0)),
        )

    cat = Catalogue(
        tuple(item(e, "substance") for e in raw.get("substance", [])),
        tuple(item(e, "pair") for e in raw.get("pair", [])),
        tuple(item(e, "unknown_pair") for e in raw.get("unknown_pair", [])),
        tuple(item(e, "score") for e in raw.get("score", [])),
    )
    ids = [i.id for i in (*cat.substance, *cat.pair, *cat.unknown_pair, *cat.score)]
    if len(ids) != len(set(ids)):
        raise ValueError("advice.toml: advice ids must be unique")
    return cat


@cache
def catalogue() -> Catalogue:
    text = (resources.files("divert_tui.core") / "data" / "advice.toml").read_text("utf-8")
    return _parse(tomllib.loads(text))


def _with_why(item: AdviceItem, why: str) -> AdviceItem:
    return AdviceItem(**{**item.__dict__, "why": why})


def for_substances(
    substances: Iterable[str],
    *,
    drinks_alcohol: bool = False,
    totals: Mapping[str, int] | None = None,
) -> tuple[list[AdviceItem], list[AdviceItem]]:
    """(mixing advice for the pairs named, advice per substance), each in reading order.

    Mixing advice comes first because it is what most often kills: pair items for every
    pair they cover, then one "not rated" item when any pair is unknown. ``totals`` (an
    instrument's total, e.g. AUDIT 24) adds the advice a score calls for, after the
    substance's own (not stopping drinking suddenly when AUDIT is 20 or more).
    """
    named = list(dict.fromkeys(s for s in substances if s))
    if drinks_alcohol and "alcohol" not in named:
        named.append("alcohol")
    cat = catalogue()
    mixing: list[AdviceItem] = []
    named_pairs = {frozenset(p) for p in pairs_of(named, 2)}
    for entry in cat.pair:
        hit = sorted(" + ".join(sorted(p)) for p in entry.pairs & named_pairs)
        if hit:
            mixing.append(_with_why(entry, "; ".join(hit)))
    unknown = [p for p in combinations.pair_risks(named) if p.unknown]
    if unknown and cat.unknown_pair:
        why = "; ".join(f"{p.a} + {p.b}" for p in unknown)
        mixing.extend(_with_why(i, why) for i in cat.unknown_pair)
    per_substance = [
        _with_why(entry, entry.substance)
        for code in named
        for entry in cat.substance
        if entry.substance == code
    ]
    for entry in cat.score:
        total = (totals or {}).get(entry.instrument)
        if total is not None and total >= entry.at_least:
            per_substance.append(_with_why(entry, f"{entry.instrument.upper()} {total}"))
    return mixing, per_substance


def covered_substances() -> set[str]:
    """Every substance with at least one advice item (the tests hold it to the catalogue)."""
    return {i.substance for i in catalogue().substance}
