"""Two people saving the same referral: what the other person changed, field by field.

A screen keeps the referral as it was when it opened (``Seen``: its version and its fields in
plain words). When a save finds a newer version, these rules compare what was seen with what
is stored now, so the person can choose in the open: reload, or keep their own change on top.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

#: The fields compared, in the order they are shown.
FIELDS: tuple[str, ...] = (
    "status",
    "reason",
    "worker",
    "phone",
    "postcode",
    "interpreter",
    "calls logged",
    "call-back",
    "bar",
    "possible match",
    "booking",
    "open concerns",
    "notes",
)


@dataclass(frozen=True)
class Seen:
    """A referral as one screen last read it."""

    referral_id: int
    version: int
    fields: tuple[tuple[str, str], ...]

    def as_dict(self) -> dict[str, str]:
        return dict(self.fields)


@dataclass(frozen=True)
class Change:
    field: str
    yours: str  # as you saw it when you opened the referral
    theirs: str  # as it is stored now


@dataclass(frozen=True)
class Conflict:
    """What changed since ``seen`` was read; ``now`` is the referral as stored now."""

    seen: Seen
    now: Seen
    changes: tuple[Change, ...]
    changed_by: tuple[str, ...] = ()  # who saved since, by display name

    @property
    def version(self) -> int:
        return self.now.version


def ordered(fields: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((name, fields.get(name, "")) for name in FIELDS if name in fields)


def changes(seen: Mapping[str, str], now: Mapping[str, str]) -> tuple[Change, ...]:
    """Each field whose words differ, in the order of ``FIELDS``."""
    return tuple(
        Change(name, seen.get(name, ""), now.get(name, ""))
        for name in FIELDS
        if (name in seen or name in now) and seen.get(name, "") != now.get(name, "")
    )


def overwrite_detail(seen_version: int, over_version: int, fields: Iterable[str]) -> str:
    """How an audit event says a save was kept over someone else's: versions and field
    names only, never the values."""
    names = ",".join(name.replace(" ", "_") for name in fields) or "none"
    return f"overwrite=v{over_version} seen=v{seen_version} fields={names}"
