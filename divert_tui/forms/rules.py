"""The rule parts of a definition: bands, positive cut-offs, flags, needs, skips, follow-ups.

Split from validation.py so each file stays small; `RuleBuilder` is the base of its builder.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from divert_tui.forms.conditions import Condition, ConditionError, parse_condition
from divert_tui.forms.model import (
    NEED_DOMAINS,
    NEED_LEVELS,
    Band,
    CutOff,
    FlagRule,
    FollowUp,
    Instrument,
    NeedRule,
    SkipRule,
)

SECTION_KEYS = {
    "flags": {"id", "label", "when", "interrupt", "action"},
    "needs": {"domain", "level", "when", "reason"},
    "skip": {"when", "items", "reason"},
    "follow_up": {"instrument", "when", "carry", "reason"},
    "rules": {"when", "at_least", "source"},
    "bands": {"id", "label", "min", "max", "advice"},
    "positive": {"at_least", "source", "rules"},
    "context": {"id", "kind", "label", "options", "open", "aliases", "ask"},
    "option": {"code", "label", "points"},
}


class DefinitionError(ValueError):
    """A definition file that cannot be used; the message names the file and the problem."""


class RuleBuilder:
    """Shared helpers and the rule sections; the file path goes into every error."""

    def __init__(self, raw: Mapping[str, Any], path: str) -> None:
        self.raw = raw
        self.path = path

    def fail(self, problem: str) -> DefinitionError:
        return DefinitionError(f"{self.path}: {problem}")

    def text(
        self, table: Mapping[str, Any], key: str, where: str, default: str | None = None
    ) -> str:
        value = table.get(key, default)
        if not isinstance(value, str) or (default is None and not value.strip()):
            raise self.fail(f"{where}: '{key}' must be non-empty text")
        return value.strip()

    def cond(self, raw: Any, where: str) -> Condition:
        try:
            return parse_condition(raw, where)
        except ConditionError as exc:
            raise self.fail(str(exc)) from None

    def boolean(
        self, table: Mapping[str, Any], key: str, where: str, default: bool = False
    ) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(f"{where}: '{key}' must be true or false")
        return value

    # -- items ------------------------------------------------------------------------

    def with_rules(self, inst: Instrument) -> Instrument:
        raw = self.raw
        bands = self.bands(raw.get("bands", []), inst)
        cut_offs, source = self.positive(raw.get("positive"), inst)
        flags = tuple(
            FlagRule(
                id=self.text(t, "id", f"flags[{n}]"),
                label=self.text(t, "label", f"flags[{n}]"),
                when=self.cond(t.get("when"), f"flags[{n}].when"),
                interrupt=self.boolean(t, "interrupt", f"flags[{n}]"),
                action=self.text(t, "action", f"flags[{n}]", ""),
            )
            for n, t in enumerate(self.table_list(raw, "flags"), start=1)
        )
        flag_ids = [f.id for f in flags]
        if len(set(flag_ids)) != len(flag_ids):
            raise self.fail(f"flag ids must be unique, got {flag_ids}")
        needs = tuple(self.need(t, n) for n, t in enumerate(self.table_list(raw, "needs"), 1))
        skips = tuple(
            SkipRule(
                when=self.cond(t.get("when"), f"skip[{n}].when"),
                items=tuple(self.id_list(t, "items", f"skip[{n}]")),
                reason=self.text(t, "reason", f"skip[{n}]", ""),
            )
            for n, t in enumerate(self.table_list(raw, "skip"), start=1)
        )
        follow_ups = tuple(
            FollowUp(
                instrument=self.text(t, "instrument", f"follow_up[{n}]"),
                when=self.cond(t.get("when"), f"follow_up[{n}].when"),
                carry=tuple(self.id_list(t, "carry", f"follow_up[{n}]", allow_empty=True)),
                reason=self.text(t, "reason", f"follow_up[{n}]", ""),
            )
            for n, t in enumerate(self.table_list(raw, "follow_up"), start=1)
        )
        return replace(
            inst,
            bands=bands,
            cut_offs=cut_offs,
            positive_source=source,
            flags=flags,
            needs_rules=needs,
            skips=skips,
            follow_ups=follow_ups,
        )

    def table_list(self, raw: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            raise self.fail(f"[[{key}]] must be a list of tables")
        for n, table in enumerate(value, start=1):
            self.known_keys(table, SECTION_KEYS[key], f"{key}[{n}]")
        return value

    def known_keys(self, table: Mapping[str, Any], allowed: set[str], where: str) -> None:
        """Refuse typos such as `interupt = true` instead of silently ignoring them."""
        unknown = sorted(set(table) - allowed)
        if unknown:
            raise self.fail(f"{where}: unknown key(s) {', '.join(unknown)}")

    def id_list(
        self, table: Mapping[str, Any], key: str, where: str, allow_empty: bool = False
    ) -> list[str]:
        value = table.get(key, [] if allow_empty else None)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f"{where}: '{key}' must be a list of item ids")
        if not value and not allow_empty:
            raise self.fail(f"{where}: '{key}' must not be empty")
        return value

    def bands(self, raw: Any, inst: Instrument) -> tuple[Band, ...]:
        if not isinstance(raw, list):
            raise self.fail("[[bands]] must be a list of tables")
        if not raw:
            return ()
        if not inst.is_scored:
            raise self.fail("bands need scored items")
        built = []
        for n, t in enumerate(raw, start=1):
            if not isinstance(t, Mapping):
                raise self.fail(f"bands[{n}] must be a table")
            bid = self.text(t, "id", f"bands[{n}]")
            self.known_keys(t, SECTION_KEYS["bands"], f"band {bid}")
            lo, hi = t.get("min"), t.get("max")
            if not all(isinstance(v, int) and not isinstance(v, bool) for v in (lo, hi)):
                raise self.fail(f"band {bid}: 'min' and 'max' must be whole numbers")
            if lo > hi:
                raise self.fail(f"band {bid}: min {lo} is above max {hi}")
            built.append(
                Band(
                    bid,
                    self.text(t, "label", f"band {bid}"),
                    lo,
                    hi,
                    self.text(t, "advice", f"band {bid}", ""),
                )
            )
        ids = [b.id for b in built]
        if len(set(ids)) != len(ids):
            raise self.fail(f"band ids must be unique, got {ids}")
        built.sort(key=lambda b: b.minimum)
        low, high = inst.min_total, inst.max_total
        if built[0].minimum != low:
            raise self.fail(
                f"bands: the lowest band starts at {built[0].minimum}, "
                f"but the lowest possible score is {low}"
            )
        for prev, nxt in zip(built, built[1:], strict=False):
            if nxt.minimum <= prev.maximum:
                raise self.fail(
                    f"bands: {prev.id} ({prev.minimum}-{prev.maximum}) overlaps "
                    f"{nxt.id} ({nxt.minimum}-{nxt.maximum})"
                )
            if nxt.minimum > prev.maximum + 1:
                raise self.fail(
                    f"bands: gap between {prev.id} (ends {prev.maximum}) and "
                    f"{nxt.id} (starts {nxt.minimum})"
                )
        if built[-1].maximum != high:
            raise self.fail(
                f"bands: the highest band ends at {built[-1].maximum}, "
                f"but the highest possible score is {high}"
            )
        return tuple(built)

    def positive(self, raw: Any, inst: Instrument) -> tuple[tuple[CutOff, ...], str]:
        if raw is None:
            return (), ""
        if not isinstance(raw, Mapping):
            raise self.fail("[positive] must be a table")
        self.known_keys(raw, SECTION_KEYS["positive"], "positive")
        if not inst.is_scored:
            raise self.fail("[positive] needs scored items")
        cut_offs = []
        for n, t in enumerate(self.table_list(raw, "rules"), start=1):
            cut_offs.append(
                CutOff(
                    self.cut_off_value(t, f"positive.rules[{n}]", inst),
                    self.cond(t.get("when"), f"positive.rules[{n}].when"),
                    self.text(t, "source", f"positive.rules[{n}]", ""),
                )
            )
        if "at_least" in raw:
            cut_offs.append(CutOff(self.cut_off_value(raw, "positive", inst)))
        if not cut_offs:
            raise self.fail("[positive] needs 'at_least' or [[positive.rules]]")
        return tuple(cut_offs), self.text(raw, "source", "positive", "")

    def cut_off_value(self, table: Mapping[str, Any], where: str, inst: Instrument) -> int:
        value = table.get("at_least")
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(f"{where}: 'at_least' must be a whole number")
        if not inst.min_total <= value <= inst.max_total:
            raise self.fail(
                f"{where}: cut-off {value} is outside the score range "
                f"{inst.min_total}-{inst.max_total}"
            )
        return value

    def need(self, t: Mapping[str, Any], n: int) -> NeedRule:
        where = f"needs[{n}]"
        domain, level = self.text(t, "domain", where), self.text(t, "level", where)
        if domain not in NEED_DOMAINS:
            raise self.fail(f"{where}: domain {domain!r} is not one of {', '.join(NEED_DOMAINS)}")
        if level not in NEED_LEVELS:
            raise self.fail(f"{where}: level {level!r} is not one of {', '.join(NEED_LEVELS)}")
        return NeedRule(
            domain, level, self.cond(t.get("when"), f"{where}.when"), self.text(t, "reason", where)
        )

    # -- cross references ------------------------------------------------------------------

    def check_references(self, inst: Instrument) -> None:
        order = {item_id: n for n, item_id in enumerate(inst.item_ids)}
        context_ids = {c.id for c in inst.contexts}
        flag_ids = {f.id for f in inst.flags}
        rules: list[tuple[str, Condition, bool]] = []
        rules += [(f"flag {f.id}", f.when, False) for f in inst.flags]
        rules += [(f"needs[{n}]", r.when, True) for n, r in enumerate(inst.needs_rules, 1)]
        rules += [(f"skip[{n}]", r.when, False) for n, r in enumerate(inst.skips, 1)]
        rules += [(f"follow_up[{n}]", r.when, True) for n, r in enumerate(inst.follow_ups, 1)]
        rules += [
            (f"positive rule {n}", c.when, False)
            for n, c in enumerate(inst.cut_offs, 1)
            if c.when is not None
        ]
        for where, cond, flags_allowed in rules:
            for leaf in cond.walk():
                self.check_leaf(inst, where, leaf, order, context_ids, flag_ids, flags_allowed)
        for n, rule in enumerate(inst.skips, start=1):
            for item_id in rule.items:
                if item_id not in order:
                    raise self.fail(f"skip[{n}]: skips unknown item {item_id!r}")
            read = rule.when.item_refs()
            last_read = max((order[i] for i in read), default=-1)
            first_skipped = min(order[i] for i in rule.items)
            if first_skipped <= last_read:
                raise self.fail(
                    f"skip[{n}]: can only skip items after the ones it reads "
                    f"({', '.join(sorted(read))})"
                )
        for n, f in enumerate(inst.follow_ups, start=1):
            for item_id in f.carry:
                if item_id not in order:
                    raise self.fail(f"follow_up[{n}]: carries unknown item {item_id!r}")

    def check_leaf(
        self,
        inst: Instrument,
        where: str,
        leaf: Condition,
        order: Mapping[str, int],
        context_ids: set[str],
        flag_ids: set[str],
        flags_allowed: bool,
    ) -> None:
        if leaf.subject == "flag":
            if not flags_allowed:
                raise self.fail(f"{where}: only needs and follow-ups can test a flag")
            if leaf.ref not in flag_ids:
                raise self.fail(f"{where}: refers to unknown flag {leaf.ref!r}")
        elif leaf.subject == "context" and leaf.ref not in context_ids:
            raise self.fail(f"{where}: refers to unknown context {leaf.ref!r}")
        elif leaf.subject == "score" and not inst.is_scored:
            raise self.fail(f"{where}: refers to the score of an unscored module")
        for item_id in sorted(leaf.item_refs()):
            if item_id not in order:
                raise self.fail(f"{where}: refers to unknown item {item_id!r}")
            item = inst.item(item_id)
            if leaf.subject == "sum" and not all(isinstance(o.code, int) for o in item.options):
                raise self.fail(f"{where}: item {item_id} has no numeric answers to add up")
            if leaf.test in ("equals", "in") and item.has_options:
                values = leaf.value if leaf.test == "in" else (leaf.value,)
                for value in values:
                    if item.option(value) is None:
                        raise self.fail(f"{where}: {value!r} is not an answer of item {item_id}")
