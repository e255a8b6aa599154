"""Contact details that cannot belong to anyone: the demo's postcodes and phone numbers.

Postcodes: Royal Mail never uses the letters C, I, K, M, O or V in the inward part (the
"9ZC" of "B23 9ZC"), so a postcode whose inward code holds one of them is well formed (the
app's own postcode check accepts it) yet cannot be delivered to. The demo's postcodes keep a
real outward code (so the district still reads right to a trainer) and end in one of those
letters.

Phones: Ofcom keeps 07700 900000-900999 for drama; it is never allocated to a real line.

Kept small and stable: the cohort generator and the scenario reader both use these names.
"""

from __future__ import annotations

import re
from random import Random

# Letters the inward part of a UK postcode never uses.
NEVER_INWARD = "CIKMOV"
# The letters it does use.
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
# Outward codes used when the caller does not name one (West Midlands districts).
DEFAULT_OUTWARDS = ("B5", "B10", "B19", "B23", "B30", "CV1", "DY1", "WS1", "WS10", "WV3")

_SHAPE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9])([A-Z])([A-Z])$")
_DRAMA = re.compile(r"^(?:\+44|0)7700900[0-9]{3}$")


def is_fictional_postcode(text: str) -> bool:
    """True when ``text`` is shaped like a UK postcode but its inward code cannot be issued."""
    match = _SHAPE.match("".join(str(text).split()).upper())
    if match is None:
        return False
    return match.group(3) in NEVER_INWARD or match.group(4) in NEVER_INWARD


def is_drama_phone(e164: str) -> bool:
    """True for a number in Ofcom's drama range 07700 900000-900999 (E.164 or national)."""
    return _DRAMA.match("".join(str(e164).split())) is not None


def fictional_postcode(rng_or_index: Random | int, outward: str | None = None) -> str:
    """A postcode that cannot exist, e.g. "B23 9ZC": from a ``Random`` or, stably, an index.

    ``outward`` keeps a chosen district ("WS10"); otherwise one of ``DEFAULT_OUTWARDS``.
    """
    if isinstance(rng_or_index, Random):
        rng = rng_or_index
        out = outward or rng.choice(DEFAULT_OUTWARDS)
        digit = rng.randint(0, 9)
        first = rng.choice(INWARD_LETTERS)
        last = rng.choice(NEVER_INWARD)
    else:
        n = abs(int(rng_or_index))
        out = outward or DEFAULT_OUTWARDS[n % len(DEFAULT_OUTWARDS)]
        digit = n % 10
        first = INWARD_LETTERS[(n // 10) % len(INWARD_LETTERS)]
        last = NEVER_INWARD[(n // 200) % len(NEVER_INWARD)]
    return f"{out.strip().upper()} {digit}{first}{last}"
