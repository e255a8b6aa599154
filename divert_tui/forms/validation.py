"""Build an Instrument from a parsed TOML table, refusing anything inconsistent.

Every problem is raised as DefinitionError("<file>: <where>: <what is wrong>") so a clinical
lead editing a definition sees which file and which line of thought to fix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from divert_tui.forms.model import CONTEXT_KINDS, ITEM_KINDS, ContextSpec, Instrument, Item, Option
from divert_tui.forms.rules import SECTION_KEYS, DefinitionError, RuleBuilder

__all__ = ["ID_RE", "VERSION_RE", "DefinitionError", "build_instrument"]

ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
VERSION_RE = re.compile(r"^\d+(\.\d+)*$")
REQUIRED_TEXT = ("id", "version", "title", "time_frame", "source", "licence")
TOP_KEYS = set(REQUIRED_TEXT) | {
    "kind",
    "permission_required",
    "notes",
    "intro",
    "order",
    "option_sets",
    "items",
    "bands",
    "positive",
    "flags",
    "needs",
    "skip",
    "follow_up",
    "context",
}
YES_NO = (Option("yes", "Yes", 1), Option("no", "No", 0))
YES_NO_DK = (*YES_NO, Option("dont_know", "Don't know", 0))


class _Builder(RuleBuilder):
    """Items, options and context; the rule sections come from RuleBuilder."""

    def build(self) -> Instrument:
        raw = self.raw
        unknown = sorted(set(raw) - TOP_KEYS)
        if unknown:
            raise self.fail(f"unknown top-level key(s): {', '.join(unknown)}")
        ident = self.text(raw, "id", "top level")
        if not ID_RE.match(ident):
            raise self.fail(f"id {ident!r} must be lower_snake_case")
        version = str(raw.get("version", "")).strip()
        if not VERSION_RE.match(version):
            raise self.fail(f"version {raw.get('version')!r} must look like 1 or 2.1")
        kind = raw.get("kind", "scored")
        if kind not in ("scored", "module"):
            raise self.fail(f"kind must be 'scored' or 'module', got {kind!r}")
        contexts = self.contexts(raw.get("context", []))
        items = self.items(raw.get("items"), raw.get("option_sets", {}), kind)
        inst = Instrument(
            id=ident,
            version=version,
            title=self.text(raw, "title", "top level"),
            kind=kind,
            time_frame=self.text(raw, "time_frame", "top level"),
            source=self.text(raw, "source", "top level"),
            licence=self.text(raw, "licence", "top level"),
            permission_required=self.boolean(raw, "permission_required", "top level"),
            items=items,
            contexts=contexts,
            notes=self.text(raw, "notes", "top level", ""),
            intro=self.text(raw, "intro", "top level", ""),
            order=int(raw.get("order", 100)),
            path=self.path,
        )
        inst = self.with_rules(inst)
        self.check_references(inst)
        return inst

    # -- items ------------------------------------------------------------------------

    def items(self, raw: Any, option_sets: Any, kind: str) -> tuple[Item, ...]:
        if not isinstance(raw, list) or not raw:
            raise self.fail("needs at least one [[items]]")
        if not isinstance(option_sets, Mapping):
            raise self.fail("[option_sets] must be a table of option lists")
        seen: set[str] = set()
        built = []
        for n, table in enumerate(raw, start=1):
            if not isinstance(table, Mapping):
                raise self.fail(f"items[{n}] must be a table")
            item = self.item(table, n, option_sets, kind)
            if item.id in seen:
                raise self.fail(f"item id {item.id!r} is used twice")
            seen.add(item.id)
            built.append(item)
        return tuple(built)

    def item(
        self, table: Mapping[str, Any], n: int, option_sets: Mapping[str, Any], kind: str
    ) -> Item:
        item_id = self.text(table, "id", f"items[{n}]")
        where = f"item {item_id}"
        if not ID_RE.match(item_id):
            raise self.fail(f"{where}: id must be lower_snake_case")
        allowed = {
            "id",
            "text",
            "kind",
            "options",
            "required",
            "scored",
            "min",
            "max",
            "decimal",
            "help",
            "label",
        }
        unknown = sorted(set(table) - allowed)
        if unknown:
            raise self.fail(f"{where}: unknown key(s) {', '.join(unknown)}")
        item_kind = table.get("kind", "choice")
        if item_kind not in ITEM_KINDS:
            raise self.fail(f"{where}: kind {item_kind!r} is not one of {', '.join(ITEM_KINDS)}")
        has_options = item_kind in ("choice", "yes_no", "yes_no_dk")
        scored = self.boolean(table, "scored", where, kind == "scored" and has_options)
        if scored and not has_options:
            raise self.fail(f"{where}: only items with options can be scored")
        options: tuple[Option, ...] = ()
        if item_kind == "choice":
            options = self.options(table.get("options"), option_sets, where, scored)
        elif item_kind in ("yes_no", "yes_no_dk"):
            if "options" in table:
                raise self.fail(f"{where}: {item_kind} items have fixed options")
            options = YES_NO if item_kind == "yes_no" else YES_NO_DK
        elif "options" in table:
            raise self.fail(f"{where}: {item_kind} items take no options")
        minimum, maximum = table.get("min"), table.get("max")
        if item_kind == "number":
            for key, value in (("min", minimum), ("max", maximum)):
                if value is not None and (
                    isinstance(value, bool) or not isinstance(value, int | float)
                ):
                    raise self.fail(f"{where}: '{key}' must be a number")
            if minimum is not None and maximum is not None and minimum > maximum:
                raise self.fail(f"{where}: min {minimum} is above max {maximum}")
        elif minimum is not None or maximum is not None:
            raise self.fail(f"{where}: only number items take min/max")
        return Item(
            id=item_id,
            text=self.text(table, "text", where),
            kind=item_kind,
            options=options,
            required=self.boolean(table, "required", where, True),
            scored=scored,
            minimum=minimum,
            maximum=maximum,
            decimal=self.boolean(table, "decimal", where, False),
            help=self.text(table, "help", where, ""),
            label=self.text(table, "label", where, ""),
        )

    def options(
        self, raw: Any, option_sets: Mapping[str, Any], where: str, scored: bool
    ) -> tuple[Option, ...]:
        if isinstance(raw, str):
            if raw not in option_sets:
                raise self.fail(f"{where}: option set {raw!r} is not defined in [option_sets]")
            raw = option_sets[raw]
        if not isinstance(raw, list) or len(raw) < 2:
            raise self.fail(f"{where}: a choice item needs a list of at least two options")
        built: list[Option] = []
        for n, opt in enumerate(raw, start=1):
            if not isinstance(opt, Mapping):
                raise self.fail(f"{where}: option {n} must be a table")
            self.known_keys(opt, SECTION_KEYS["option"], f"{where}: option {n}")
            points = opt.get("points")
            if scored and (isinstance(points, bool) or not isinstance(points, int)):
                raise self.fail(f"{where}: option {n} needs whole-number 'points'")
            if points is not None and (isinstance(points, bool) or not isinstance(points, int)):
                raise self.fail(f"{where}: option {n}: 'points' must be a whole number")
            code = opt.get("code", points)
            if code is None or isinstance(code, bool) or not isinstance(code, int | str):
                raise self.fail(f"{where}: option {n} needs a 'code' (text) or 'points'")
            if scored and isinstance(code, int) and code != points:
                raise self.fail(f"{where}: option {n}: a numeric code must equal its points")
            label = self.text(opt, "label", f"{where}: option {n}")
            built.append(Option(code=code, label=label, points=points or 0))
        codes = [o.code for o in built]
        if len(set(codes)) != len(codes):
            raise self.fail(f"{where}: option codes must be unique, got {codes}")
        return tuple(built)

    # -- context ------------------------------------------------------------------------

    def contexts(self, raw: Any) -> tuple[ContextSpec, ...]:
        if not isinstance(raw, list):
            raise self.fail("[[context]] must be a list of tables")
        built = []
        for n, table in enumerate(raw, start=1):
            if not isinstance(table, Mapping):
                raise self.fail(f"context[{n}] must be a table")
            cid = self.text(table, "id", f"context[{n}]")
            where = f"context {cid}"
            self.known_keys(table, SECTION_KEYS["context"], where)
            kind = table.get("kind", "text")
            if kind not in CONTEXT_KINDS:
                raise self.fail(f"{where}: kind must be one of {', '.join(CONTEXT_KINDS)}")
            options: tuple[Option, ...] = ()
            if kind == "choice":
                options = self.options(table.get("options"), {}, where, scored=False)
            ask = table.get("ask", "no")
            if ask not in ("before", "after", "no"):
                raise self.fail(f"{where}: ask must be before, after or no")
            aliases = table.get("aliases", {})
            if not isinstance(aliases, Mapping):
                raise self.fail(f"{where}: aliases must be a table")
            built.append(
                ContextSpec(
                    id=cid,
                    kind=kind,
                    label=self.text(table, "label", where),
                    options=options,
                    open=self.boolean(table, "open", where),
                    aliases=dict(aliases),
                    ask=ask,
                )
            )
        ids = [c.id for c in built]
        if len(set(ids)) != len(ids):
            raise self.fail(f"context ids must be unique, got {ids}")
        return tuple(built)

    # -- bands, positive, flags, needs, skips, follow-ups ---------------------------------


def build_instrument(raw: Mapping[str, Any], path: str) -> Instrument:
    """Validate a parsed definition and return the Instrument (DefinitionError if not valid)."""
    if not isinstance(raw, Mapping):
        raise DefinitionError(f"{path}: not a table")
    return _Builder(raw, path).build()
