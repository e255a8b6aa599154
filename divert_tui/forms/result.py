"""Score results as plain objects, and their plain-dict form for storage."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LEVEL_ORDER = {"low": 1, "medium": 2, "high": 3}


@dataclass
class Need:
    """A need domain the answers point to, at its highest level, with the reasons why."""

    domain: str
    level: str
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"domain": self.domain, "level": self.level, "reasons": list(self.reasons)}


@dataclass
class FollowUpDue:
    """Another instrument the answers call for, with the answers it can reuse."""

    instrument: str
    answers: dict[str, Any]
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"instrument": self.instrument, "answers": dict(self.answers), "reason": self.reason}


@dataclass
class ScoreResult:
    """What one scoring gives: derived values only, never typed in.

    `positive` is None where the instrument (or the SDS substance) has no published cut-off;
    `total`/`band` are None for unscored modules. `flags` is a plain set of flag ids.
    """

    instrument_id: str
    version: str
    total: int | None
    band: str | None
    positive: bool | None
    flags: set[str]
    answers: dict[str, Any]
    context: dict[str, Any] = field(default_factory=dict)
    band_label: str | None = None
    needs: list[Need] = field(default_factory=list)
    follow_ups: list[FollowUpDue] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    complete: bool = True

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: what the database stores for an InstrumentResponse."""
        return {
            "instrument": self.instrument_id,
            "version": self.version,
            "answers": dict(self.answers),
            "context": dict(self.context),
            "total": self.total,
            "band": self.band,
            "positive": self.positive,
            "flags": sorted(self.flags),
            "needs": [n.to_dict() for n in self.needs],
            "follow_ups": [f.to_dict() for f in self.follow_ups],
            "skipped": list(self.skipped),
            "complete": self.complete,
        }


def merge_needs(found: list[tuple[str, str, str]]) -> list[Need]:
    """One Need per domain at its highest level, keeping every reason, in first-seen order."""
    merged: dict[str, Need] = {}
    for domain, level, reason in found:
        need = merged.get(domain)
        if need is None:
            merged[domain] = Need(domain, level, [reason])
            continue
        if LEVEL_ORDER[level] > LEVEL_ORDER[need.level]:
            need.level = level
        if reason not in need.reasons:
            need.reasons.append(reason)
    return list(merged.values())
