"""Finding and loading definition files: `definitions/<id>/<version>.toml`.

Every version ever shipped stays in the package so a stored response is re-scored with the
version it was first scored with. The newest version (by number) is the default.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from divert_tui.forms.model import Instrument
from divert_tui.forms.result import ScoreResult
from divert_tui.forms.validation import ID_RE, VERSION_RE, DefinitionError, build_instrument


class UnknownInstrumentError(KeyError, ValueError):
    """No such instrument or version: a KeyError for lookups, a ValueError for callers."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


class Library:
    """A folder of definitions. The package's own is the default; tests may point at a tmp dir."""

    def __init__(self, root: Traversable | Path | str | None = None) -> None:
        if root is None:
            root = resources.files("divert_tui.forms") / "definitions"
        self.root: Traversable = Path(root) if isinstance(root, str) else root
        self._cache: dict[tuple[str, str], Instrument] = {}

    def ids(self) -> list[str]:
        """Every instrument id that has at least one version file."""
        return sorted(
            entry.name
            for entry in self.root.iterdir()
            if entry.is_dir() and any(self._version_files(entry))
        )

    def versions(self, instrument_id: str) -> list[str]:
        """The versions of one instrument, oldest first."""
        if not isinstance(instrument_id, str) or not ID_RE.match(instrument_id):
            raise UnknownInstrumentError(f"no instrument called {instrument_id!r}")
        folder = self.root / instrument_id
        if not folder.is_dir():
            raise UnknownInstrumentError(f"no instrument called {instrument_id!r}")
        return sorted((name for name, _ in self._version_files(folder)), key=_version_key)

    @staticmethod
    def _version_files(folder: Traversable) -> list[tuple[str, Traversable]]:
        found = []
        for entry in folder.iterdir():
            if entry.name.endswith(".toml"):
                stem = entry.name[: -len(".toml")]
                if VERSION_RE.match(stem):
                    found.append((stem, entry))
        return found

    def load(self, instrument_id: str, version: str | int | None = None) -> Instrument:
        """Load and validate one version (the newest if none is given)."""
        versions = self.versions(instrument_id)
        wanted = versions[-1] if version is None else str(version)
        if wanted not in versions:
            raise UnknownInstrumentError(
                f"{instrument_id} has no version {wanted!r} (available: {', '.join(versions)})"
            )
        key = (instrument_id, wanted)
        if key not in self._cache:
            self._cache[key] = self._read(instrument_id, wanted)
        return self._cache[key]

    def _read(self, instrument_id: str, version: str) -> Instrument:
        entry = self.root / instrument_id / f"{version}.toml"
        path = f"definitions/{instrument_id}/{version}.toml"
        try:
            raw = tomllib.loads(entry.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise DefinitionError(f"{path}: not valid TOML: {exc}") from None
        inst = build_instrument(raw, path)
        if inst.id != instrument_id:
            raise DefinitionError(f"{path}: id {inst.id!r} does not match its folder")
        if inst.version != version:
            raise DefinitionError(f"{path}: version {inst.version!r} does not match the file name")
        return inst

    def all(self) -> list[Instrument]:
        """The newest version of every instrument: scored ones first, then in `order`."""
        found = [self.load(i) for i in self.ids()]
        return sorted(found, key=lambda inst: (inst.kind != "scored", inst.order, inst.id))

    def validate_all(self) -> list[Instrument]:
        """Load every version of everything and check links between files (follow-ups)."""
        loaded = [self.load(i, v) for i in self.ids() for v in self.versions(i)]
        ids = set(self.ids())
        for inst in loaded:
            for follow in inst.follow_ups:
                if follow.instrument not in ids:
                    raise DefinitionError(
                        f"{inst.path}: follow-up to unknown instrument {follow.instrument!r}"
                    )
                target = self.load(follow.instrument)
                for item_id in follow.carry:
                    if item_id not in target.item_ids:
                        raise DefinitionError(
                            f"{inst.path}: carries {item_id!r}, which {target.id} does not have"
                        )
        return loaded


_default: Library | None = None


def default_library() -> Library:
    global _default
    if _default is None:
        _default = Library()
    return _default


def load_instrument(instrument_id: str, version: str | int | None = None) -> Instrument:
    """The public entry point: `load_instrument("audit_c").score({...})`."""
    return default_library().load(instrument_id, version)


def list_instruments() -> list[Instrument]:
    """The newest version of every shipped instrument and module, in a sensible order."""
    return default_library().all()


def rescore(stored: Mapping[str, Any], library: Library | None = None) -> ScoreResult:
    """Score a stored response again with the very version it was given with.

    `stored` is what `ScoreResult.to_dict()` gave (instrument, version, answers, context).
    Partial responses (complete=False) are re-scored as partial.
    """
    lib = library or default_library()
    inst = lib.load(stored["instrument"], stored["version"])
    context = dict(stored.get("context") or {})
    answers = stored.get("answers") or {}
    if stored.get("complete", True):
        return inst.score(answers, **context)
    return inst.score_so_far(answers, **context)
