"""Old versions stay loadable and re-score a stored response exactly as it was scored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from divert_tui.forms import Library, load_instrument, rescore

ELEVEN = {"q1": 4, "q2": 4, "q3": 3}


def _audit_c_library(tmp_path: Path) -> Library:
    """The shipped AUDIT-C as version 1 beside an edited version 2 whose top band starts at 12."""
    from importlib import resources

    text = (resources.files("divert_tui.forms") / "definitions" / "audit_c" / "1.toml").read_text()
    folder = tmp_path / "audit_c"
    folder.mkdir()
    (folder / "1.toml").write_text(text)
    edited = text.replace('version = "1"', 'version = "2"')
    edited = edited.replace("max = 10\n", "max = 11\n", 1).replace("min = 11\n", "min = 12\n", 1)
    edited = edited.replace("at_least = 11 }", "at_least = 12 }")
    (folder / "2.toml").write_text(edited)
    return Library(tmp_path)


def test_newest_version_is_the_default(tmp_path: Path) -> None:
    assert load_instrument("audit_c").version == "2"
    lib = _audit_c_library(tmp_path)
    assert lib.load("audit_c").version == "2"
    assert lib.load("audit_c", "1").version == "1"


def test_old_version_scores_with_its_own_bands(tmp_path: Path) -> None:
    lib = _audit_c_library(tmp_path)
    new = lib.load("audit_c").score(ELEVEN)
    old = lib.load("audit_c", "1").score(ELEVEN)
    assert new.total == old.total == 11
    assert old.band == "possible_dependence"
    assert new.band == "higher_risk"
    assert new.version == "2" and old.version == "1"


def test_rescore_uses_the_stored_version(tmp_path: Path) -> None:
    lib = _audit_c_library(tmp_path)
    stored = json.loads(json.dumps(lib.load("audit_c", "1").score(ELEVEN).to_dict()))
    again = rescore(stored, lib)
    assert again.version == "1" and again.band == "possible_dependence"
    assert again.to_dict() == stored


def test_rescore_keeps_context() -> None:
    answers = {"q1": 1, "q2": 1, "q3": 1, "q4": 1, "q5": 0}  # 4
    stored = load_instrument("sds").score(answers, substance="amphetamine").to_dict()
    assert stored["total"] == 4 and stored["context"] == {"substance": "amphetamine"}
    assert rescore(stored).positive is False  # amphetamine: 5 or more
    assert rescore(stored | {"context": {"substance": "cannabis"}}).positive is True


def test_versions_in_a_library(tmp_path: Path) -> None:
    src = Path(load_instrument("gad2").path).name  # "1.toml"
    from importlib import resources

    text = (resources.files("divert_tui.forms") / "definitions" / "gad2" / src).read_text()
    folder = tmp_path / "gad2"
    folder.mkdir()
    (folder / "1.toml").write_text(text)
    (folder / "10.toml").write_text(
        text.replace('version = "1"', 'version = "10"').replace("at_least = 3\n", "at_least = 2\n")
        .replace("max = 2\n", "max = 1\n").replace("min = 3\n", "min = 2\n")
    )  # fmt: skip
    lib = Library(tmp_path)
    assert lib.versions("gad2") == ["1", "10"]  # numeric order, not text order
    answers = {"q1": 1, "q2": 1}
    assert lib.load("gad2").score(answers).positive is True
    assert lib.load("gad2", "1").score(answers).positive is False
    stored = lib.load("gad2", "1").score(answers).to_dict()
    assert rescore(stored, lib).positive is False


def test_unknown_version_is_refused() -> None:
    with pytest.raises(KeyError):
        load_instrument("audit_c", version="9")
