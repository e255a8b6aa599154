"""The shape of a questionnaire once loaded: immutable, so a loaded version never drifts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from divert_tui.forms.conditions import Condition

if TYPE_CHECKING:
    from divert_tui.forms.result import Need, ScoreResult

ITEM_KINDS = ("choice", "yes_no", "yes_no_dk", "text", "number")
CONTEXT_KINDS = ("choice", "bool", "number", "text")
NEED_DOMAINS = (
    "mental_health",
    "gambling",
    "alcohol",
    "drug_treatment",
    "housing",
    "domestic_abuse",
    "exploitation",
    "safeguarding",
    "employment",
    "debt",
)
NEED_LEVELS = ("low", "medium", "high")


@dataclass(frozen=True)
class Option:
    """One answer a person can give: `code` is what is stored, `points` what it scores."""

    code: int | str
    label: str
    points: int = 0


@dataclass(frozen=True)
class Item:
    """One question. `kind` is choice, yes_no, yes_no_dk, text or number."""

    id: str
    text: str
    kind: str = "choice"
    options: tuple[Option, ...] = ()
    required: bool = True
    scored: bool = True
    minimum: float | None = None
    maximum: float | None = None
    decimal: bool = False
    help: str = ""
    label: str = ""  # a few words naming the answer in messages: "age first used"

    @property
    def has_options(self) -> bool:
        return self.kind in ("choice", "yes_no", "yes_no_dk")

    def option(self, code: Any) -> Option | None:
        """The option with this code (strictly typed: True is not 1, "2" is not 2)."""
        for opt in self.options:
            if type(opt.code) is type(code) and opt.code == code:
                return opt
        return None

    def points_for(self, code: Any) -> int:
        opt = self.option(code)
        return opt.points if (opt is not None and self.scored) else 0

    @property
    def max_points(self) -> int:
        return max((o.points for o in self.options), default=0) if self.scored else 0

    @property
    def min_points(self) -> int:
        return min((o.points for o in self.options), default=0) if self.scored else 0


@dataclass(frozen=True)
class Band:
    """A named score range, inclusive at both ends."""

    id: str
    label: str
    minimum: int
    maximum: int
    advice: str = ""

    def contains(self, total: int) -> bool:
        return self.minimum <= total <= self.maximum


@dataclass(frozen=True)
class CutOff:
    """A positive-screen threshold that applies when its condition holds (None: always)."""

    at_least: int
    when: Condition | None = None
    source: str = ""


@dataclass(frozen=True)
class FlagRule:
    """A flag raised independently of the band; `interrupt` stops the flow for a protocol."""

    id: str
    label: str
    when: Condition
    interrupt: bool = False
    action: str = ""


@dataclass(frozen=True)
class NeedRule:
    """When the condition holds, the person has a need in `domain` at `level`."""

    domain: str
    level: str
    when: Condition
    reason: str


@dataclass(frozen=True)
class SkipRule:
    """Branching: when the condition holds, `items` are not asked and score 0."""

    when: Condition
    items: tuple[str, ...]
    reason: str = ""


@dataclass(frozen=True)
class FollowUp:
    """Another instrument to run next, carrying over the answers it shares."""

    instrument: str
    when: Condition
    carry: tuple[str, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class ContextSpec:
    """A value given to score() besides the answers (e.g. the SDS substance)."""

    id: str
    kind: str
    label: str
    options: tuple[Option, ...] = ()
    open: bool = False
    aliases: Mapping[str, str] = field(default_factory=dict)
    ask: str = "no"  # before | after | no: whether the question widget asks it


@dataclass(frozen=True)
class Instrument:
    """A loaded questionnaire definition. Scoring and branching live in scoring.py."""

    id: str
    version: str
    title: str
    kind: str  # scored | module
    time_frame: str
    source: str
    licence: str
    permission_required: bool
    items: tuple[Item, ...]
    bands: tuple[Band, ...] = ()
    cut_offs: tuple[CutOff, ...] = ()
    positive_source: str = ""
    flags: tuple[FlagRule, ...] = ()
    needs_rules: tuple[NeedRule, ...] = ()
    skips: tuple[SkipRule, ...] = ()
    follow_ups: tuple[FollowUp, ...] = ()
    contexts: tuple[ContextSpec, ...] = ()
    notes: str = ""
    intro: str = ""
    order: int = 100
    path: str = ""

    # -- lookups ---------------------------------------------------------------

    def item(self, item_id: str) -> Item:
        for it in self.items:
            if it.id == item_id:
                return it
        raise KeyError(item_id)

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(it.id for it in self.items)

    @property
    def is_scored(self) -> bool:
        return any(it.scored for it in self.items)

    @property
    def min_total(self) -> int:
        skippable = {i for rule in self.skips for i in rule.items}
        return sum(
            min(it.min_points, 0) if (it.id in skippable or not it.required) else it.min_points
            for it in self.items
        )

    @property
    def max_total(self) -> int:
        return sum(it.max_points for it in self.items)

    def band_for(self, total: int | None) -> Band | None:
        if total is None:
            return None
        return next((b for b in self.bands if b.contains(total)), None)

    def flag_rule(self, flag_id: str) -> FlagRule:
        for rule in self.flags:
            if rule.id == flag_id:
                return rule
        raise KeyError(flag_id)

    # -- the engine (see scoring.py) ---------------------------------------------

    def score(self, answers: Mapping[str, Any], **context: Any) -> ScoreResult:
        """Score a complete set of answers; ValueError names any bad or missing item."""
        from divert_tui.forms import scoring

        return scoring.evaluate(self, answers, context, complete=True)

    def score_so_far(self, answers: Mapping[str, Any], **context: Any) -> ScoreResult:
        """Running score of a call in progress: missing items are allowed, bad ones are not."""
        from divert_tui.forms import scoring

        return scoring.evaluate(self, answers, context, complete=False)

    def needs(self, answers: Mapping[str, Any], **context: Any) -> list[Need]:
        """The needs these answers signal (answers may be partial)."""
        return self.score_so_far(answers, **context).needs

    def skipped_items(self, answers: Mapping[str, Any]) -> set[str]:
        """Items that branching says are not to be asked, given the answers so far."""
        from divert_tui.forms import scoring

        return scoring.skipped_items(self, answers)

    def asked_items(self, answers: Mapping[str, Any]) -> list[Item]:
        """The items to be asked, in order, given the answers so far (answered ones included)."""
        skipped = self.skipped_items(answers)
        return [it for it in self.items if it.id not in skipped]

    def next_items(self, answers: Mapping[str, Any]) -> list[Item]:
        """The items still to ask, in order: not answered and not skipped by branching."""
        return [it for it in self.asked_items(answers) if answers.get(it.id) is None]

    def next_item(self, answers: Mapping[str, Any]) -> Item | None:
        remaining = self.next_items(answers)
        return remaining[0] if remaining else None

    def check_answer(self, item_id: str, value: Any) -> Any:
        """Validate one answer (ValueError naming the item); returns the stored value."""
        from divert_tui.forms import scoring

        return scoring.check_answer(self, item_id, value)

    def context_spec(self, context_id: str) -> ContextSpec:
        for spec in self.contexts:
            if spec.id == context_id:
                return spec
        raise KeyError(context_id)

    def render(self, text: str, context: Mapping[str, Any] | None = None) -> str:
        """Fill {placeholders} such as {substance} from the context, with a neutral fallback."""
        values: dict[str, str] = {}
        for spec in self.contexts:
            raw = (context or {}).get(spec.id)
            label = next((o.label for o in spec.options if o.code == raw), None)
            values[spec.id] = label or (str(raw).replace("_", " ") if raw else f"the {spec.id}")
        return text.format_map(_Fallback(values))

    def __repr__(self) -> str:
        return f"<Instrument {self.id} v{self.version}: {len(self.items)} items>"


class _Fallback(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
