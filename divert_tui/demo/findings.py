"""What a completed assessment found and did: screener answers, substance use, the advice
read out, needs with their onward referrals, and safeguarding concerns.

Screeners are scored by the forms engine itself (memoised per distinct answer set, so a
big fill scores each combination once), and advice comes from the same rules the call
screen uses, so what the demo shows is what the app would have worked out. Follow-ups and
concern closures are dated against "now": old concerns are closed, recent ones still open,
and a few have a follow-up date already past (the lead's overdue list).
"""

from __future__ import annotations

from bisect import bisect
from collections.abc import Mapping, Sequence
from functools import lru_cache
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from divert_tui.core import models
from divert_tui.core.rules import advice as advice_rules
from divert_tui.demo.clock import Moment, add_working_days, plus_minutes, to_utc, working_moment
from divert_tui.forms.loader import load_instrument
from divert_tui.forms.scoring import evaluate

if TYPE_CHECKING:
    from divert_tui.demo.lives import Life

# Screeners asked on every call, with how likely each answer (points) is per item.
SCREENERS: dict[str, tuple[float, ...]] = {
    "audit_c": (0.3, 0.35, 0.2, 0.1, 0.05),
    "phq2": (0.62, 0.26, 0.09, 0.03),
    "gad2": (0.62, 0.26, 0.09, 0.03),
}
# Needs found besides the screeners': (domain, share of assessments, levels).
EXTRA_NEEDS: tuple[tuple[str, float, tuple[str, ...]], ...] = (
    ("housing", 0.05, ("low", "medium", "high")),
    ("debt", 0.05, ("low", "medium")),
    ("employment", 0.07, ("low", "medium")),
    ("drug_treatment", 0.03, ("medium", "high")),
    ("gambling", 0.01, ("low", "medium")),
    ("domestic_abuse", 0.012, ("medium", "high")),
    ("exploitation", 0.008, ("medium", "high")),
)
NEED_ACTIONS = {"advice": 0.4, "signposted": 0.35, "referred": 0.25}
ONWARD_STATUSES = {"accepted": 0.55, "declined": 0.1, "not_engaged": 0.2, "made": 0.15}
ROUTES = {"cannabis": "smoked", "cocaine": "snorted", "nitrous_oxide": "inhaled"}

# Safeguarding: the share of assessments raising one, the kinds, and what each says.
CONCERN_SHARE = 0.025  # besides the one-to-ones chosen for a safeguarding reason
CONCERN_TYPES = {
    "children": 0.25,
    "marac": 0.15,
    "self_harm": 0.15,
    "exploitation": 0.15,
    "adult_at_risk": 0.15,
    "other": 0.15,
}
CONCERN_WORDS: dict[str, tuple[str, str]] = {
    "children": ("Two children under five in the household; use at home.", "Children's services (MASH)"),
    "marac": ("Domestic abuse disclosed; Dash high risk.", "Marac, via the Idva service"),
    "self_harm": ("PHQ-9 question 9 answered 1. Safety plan agreed on the call.", "GP and crisis team"),
    "exploitation": ("Says they hold drugs for others to clear a debt.", "Police exploitation team (NRM)"),
    "adult_at_risk": ("Lives with a parent with dementia; no other carer.", "Adult social care"),
    "other": ("Sleeping rough since last week.", "Council housing options"),
}  # fmt: skip
# The one-to-one reasons (data.ONE_TO_ONE_REASONS) that come from a concern, and its type.
REASON_TYPES = {
    "safeguarding: domestic abuse disclosed, Dash high risk": "marac",
    "safeguarding: PHQ-9 item 9 above 0": "self_harm",
    "safeguarding: exploitation disclosed": "exploitation",
    "safeguarding referral made for a child in the household": "children",
}
FOLLOW_UP_WORKING_DAYS = 5
CLOSE_OUTCOMES = (
    "Spoke to the agency; they have it in hand.",
    "Referral accepted; no further action for us.",
    "Followed up with the person; support in place.",
)
LEFT_OPEN_SHARE = 0.3  # of concerns whose follow-up fell in the last weeks: not yet closed
RECENT_DAYS = 42
SHOWCASE_DAYS = 120  # every force's lead has at least one overdue follow-up this recent


def _cum(weights: Mapping[str, float]) -> tuple[list[str], list[float]]:
    return list(weights), list(accumulate(weights.values()))


_ACTIONS = _cum(NEED_ACTIONS)
_ONWARD = _cum(ONWARD_STATUSES)
_CONCERNS = _cum(CONCERN_TYPES)
_POINTS = {key: (range(len(w)), list(accumulate(w))) for key, w in SCREENERS.items()}
# A follow-up's other items (PHQ-9 after PHQ-2...): by number of options, low far likelier.
_FOLLOW_UP = {n: list(accumulate(0.55**k for k in range(n))) for n in range(2, 8)}
# Items whose answer above the lowest is rare: PHQ-9 question 9 (thoughts of self-harm).
_RARE = {("phq9", "q9"): list(accumulate((0.88, 0.08, 0.03, 0.01)))}


def _pick(rng: Any, keys: Sequence[Any], cumulative: Sequence[float]) -> Any:
    """``rng.choices(keys, cum_weights=cumulative)[0]`` without its per-call set-up."""
    return keys[min(bisect(cumulative, rng.random() * cumulative[-1]), len(keys) - 1)]


@lru_cache(maxsize=1 << 14)
def _scored(instrument_id: str, answers: tuple[tuple[str, int], ...], sex: str) -> dict[str, Any]:
    """The stored fields of a response, scored by the forms engine, and its follow-ups.

    The context is what the call screen takes from the person's record (AUDIT-C question
    3's threshold follows the recorded sex)."""
    inst = load_instrument(instrument_id)
    known = {spec.id for spec in inst.contexts}
    threshold = sex if sex in ("male", "female") else "unknown"
    context = {"q3_threshold": threshold} if "q3_threshold" in known else {}
    result = evaluate(inst, dict(answers), context, complete=True)
    return {
        "context": dict(result.context),
        "instrument_version": inst.version,
        "answers": dict(result.answers),
        "total": result.total,
        "band": result.band,
        "positive": result.positive,
        "flags": sorted(result.flags),
        "needs": tuple((n.domain, n.level, "; ".join(n.reasons)) for n in result.needs),
        "follow_ups": tuple((f.instrument, tuple(f.answers.items())) for f in result.follow_ups),
    }


@lru_cache(maxsize=16)
def _choice_items(instrument_id: str) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """Required choice items and their points (what the screeners and follow-ups ask)."""
    inst = load_instrument(instrument_id)
    return tuple(
        (item.id, tuple(o.points for o in item.options))
        for item in inst.items
        if item.required and item.kind == "choice"
    )


def _answers(
    rng: Any, instrument_id: str, carried: tuple[tuple[str, int], ...]
) -> tuple[tuple[str, int], ...]:
    """Carried answers plus the rest, low answers far likelier (most people score low)."""
    have = dict(carried)
    picks = _POINTS.get(instrument_id)
    for item_id, points in _choice_items(instrument_id):
        if item_id in have:
            continue
        rare = _RARE.get((instrument_id, item_id))
        if rare is not None:
            have[item_id] = points[_pick(rng, range(len(points)), rare)]
        elif picks is not None:
            have[item_id] = points[_pick(rng, picks[0], picks[1])]
        else:
            have[item_id] = points[_pick(rng, range(len(points)), _FOLLOW_UP[len(points)])]
    return tuple(have.items())


@lru_cache(maxsize=1024)
def _advice_ids(substances: tuple[str, ...], drinks: bool) -> tuple[str, ...]:
    mixing, per_substance = advice_rules.for_substances(substances, drinks_alcohol=drinks)
    return tuple(dict.fromkeys(item.id for item in (*mixing, *per_substance)))


def record(life: Life, begin: Moment, end: Moment, assessment_id: int) -> None:
    """Every row a completed call leaves behind, dated within the call."""
    w, rng = life.world, life.world.rng
    found: Sequence[str] = life.referral["substances"].split(";")
    totals: dict[str, int] = {}
    needs: list[tuple[str, str, str]] = []
    forced = None
    queue = [(instrument_id, ()) for instrument_id in SCREENERS]
    while queue:
        instrument_id, carried = queue.pop(0)
        scored = _scored(instrument_id, _answers(rng, instrument_id, carried), life.sex)
        queue += scored["follow_ups"]
        totals[instrument_id] = scored["total"]
        needs += scored["needs"]
        if instrument_id == "phq9" and scored["answers"].get("q9"):
            forced = "self_harm"  # PHQ-9 question 9 above 0: the app asks for a concern
        w.sink(
            "instrument_response",
            {
                "id": w.ids("instrument_response"),
                "assessment_id": assessment_id,
                "instrument_id": instrument_id,
                "instrument_version": scored["instrument_version"],
                "subject": "",
                "answers": scored["answers"],
                "total": scored["total"],
                "band": scored["band"],
                "positive": scored["positive"],
                "flags": scored["flags"],
                "completed": True,
                "updated_at": to_utc(plus_minutes(begin, 10)),
                "context": scored["context"],
                "marked": [],
            },
        )
    for n, substance in enumerate(found):
        main = n == 0
        w.sink(
            "substance_use",
            {
                "id": w.ids("substance_use"),
                "assessment_id": assessment_id,
                "substance": substance,
                "is_main": main,
                "days_used_28": rng.randint(1, 28) if main else rng.randint(0, 6),
                "route": ROUTES.get(substance),
                "typical_amount": None,
                "amount_unit": None,
                "age_first_used": rng.randint(13, 19),
            },
        )
    for advice_id in _advice_ids(tuple(found), totals["audit_c"] > 0):
        w.sink(
            "advice_given",
            {
                "id": w.ids("advice_given"),
                "assessment_id": assessment_id,
                "advice_id": advice_id,
                "given_at": to_utc(plus_minutes(end, -5)),
                "given_by": life.worker,
            },
        )
    for domain, share, levels in EXTRA_NEEDS:
        if rng.random() < share:
            needs.append(
                (
                    domain,
                    rng.choice(levels),
                    f"{domain.replace('_', ' ')} need discussed on the call",
                )
            )
    if totals["audit_c"] >= 8:
        needs.append(("alcohol", "medium", f"AUDIT-C {totals['audit_c']}: higher risk drinking"))
    seen: set[str] = set()
    for domain, level, reason in needs:
        if domain not in seen:
            seen.add(domain)
            _need(life, assessment_id, end, domain, level, reason)
    _concerns(life, assessment_id, end, forced)


def _need(
    life: Life, assessment_id: int, end: Moment, domain: str, level: str, reason: str
) -> None:
    w, rng = life.world, life.world.rng
    action = _pick(rng, *_ACTIONS)
    services = w.services.get((life.referral["force_code"], domain), ())
    service_id = rng.choice(services) if services and action != "advice" else None
    if service_id is None and action != "advice":
        action = "advice"
    status = "none"
    if action == "referred":
        later = working_moment(rng, end, rng.randint(5, 20))
        status = _pick(rng, *_ONWARD) if life.ok(later) else "made"
    at = to_utc(plus_minutes(end, -3))
    need_id = w.ids("need")
    w.sink(
        "need",
        {
            "id": need_id,
            "assessment_id": assessment_id,
            "domain": domain,
            "level": level,
            "reason": reason,
            "action": action,
            "service_id": service_id,
            "status": status,
            "updated_at": at,
        },
    )
    w.sink(
        "need_service",
        {
            "id": w.ids("need_service"),
            "need_id": need_id,
            "action": action,
            "service_id": service_id,
            "status": status,
            "created_at": at,
            "created_by": life.worker,
        },
    )


def _concerns(life: Life, assessment_id: int, end: Moment, forced: str | None) -> None:
    w, rng = life.world, life.world.rng
    force = life.referral["force_code"]
    owed = f"open_concern:{force}"
    # Each force's lead is owed one overdue follow-up: raised on a call recent enough to be
    # still open, old enough for its follow-up date to have passed.
    showcase = w.showcase.get(owed, 1) > 0 and 14 <= (w.now[0] - end[0]).days <= SHOWCASE_DAYS
    kind = forced or REASON_TYPES.get(life.plan.one_to_one or "")
    if kind is None:
        if not showcase and rng.random() >= CONCERN_SHARE:
            return
        unseen = [k for k in CONCERN_TYPES if k not in w.concern_types]
        kind = unseen[0] if unseen else _pick(rng, *_CONCERNS)
    w.concern_types.add(kind)
    detail, referred_to = CONCERN_WORDS[kind]
    due = add_working_days(end[0], FOLLOW_UP_WORKING_DAYS)
    closing = working_moment(rng, (due, 9 * 60), rng.choice((-1, 0, 0, 1, 2)) + 1)
    closed = life.ok(closing)
    slipped = (w.now[0] - closing[0]).days <= RECENT_DAYS and rng.random() < LEFT_OPEN_SHARE
    if closed and (slipped or showcase):
        closed = False  # the follow-up slipped: overdue on the lead's list
        w.showcase[owed] = w.showcase.get(owed, 1) - 1
    if closed:
        lead = w.staffing.leads[force]
        detail += (
            f"\nClosed by {w.lead_names.get(lead, 'the team lead')}: {rng.choice(CLOSE_OUTCOMES)}"
        )
    w.sink(
        "safeguarding_concern",
        {
            "id": w.ids("safeguarding_concern"),
            "referral_id": life.referral["id"],
            "type": kind,
            "detail": detail,
            "referred_to": referred_to,
            "raised_at": to_utc(plus_minutes(end, -2)),
            "raised_by": life.worker,
            "follow_up_due": due,
            "closed_at": to_utc(closing) if closed else None,
            "version": 2 if closed else 1,
            "assessment_id": assessment_id,
        },
    )


def services_by_domain(
    connection: Connection, forces: list[str]
) -> dict[tuple[str, str], list[int]]:
    """The directory's real (not placeholder) services by force and need domain."""
    found: dict[tuple[str, str], list[int]] = {}
    rows = connection.execute(
        select(models.Service.id, models.Service.force_code, models.Service.domain)
        .where(models.Service.active, ~models.Service.placeholder)
        .order_by(models.Service.id)
    )
    for service_id, force, domain in rows:
        if force in forces:
            found.setdefault((force, domain), []).append(service_id)
    return found
