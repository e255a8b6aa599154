"""Screening instruments and assessment modules as data, and the engine that scores them.

    from divert_tui.forms import load_instrument
    result = load_instrument("audit_c").score({"q1": 2, "q2": 2, "q3": 1})
    result.total, result.band, result.positive, result.flags  # 5, "increasing_risk", True, set()

Definitions live in `definitions/<id>/<version>.toml`. This package never imports textual.
"""

from divert_tui.forms.loader import (
    Library,
    default_library,
    list_instruments,
    load_instrument,
    rescore,
)
from divert_tui.forms.model import NEED_DOMAINS, NEED_LEVELS, Band, Instrument, Item, Option
from divert_tui.forms.result import FollowUpDue, Need, ScoreResult
from divert_tui.forms.validation import DefinitionError

__all__ = [
    "NEED_DOMAINS",
    "NEED_LEVELS",
    "Band",
    "DefinitionError",
    "FollowUpDue",
    "Instrument",
    "Item",
    "Library",
    "Need",
    "Option",
    "ScoreResult",
    "default_library",
    "list_instruments",
    "load_instrument",
    "rescore",
]
