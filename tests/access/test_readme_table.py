"""README's "Access rules" section is the script's output, so the two never drift."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _script_section() -> str:
    spec = importlib.util.spec_from_file_location(
        "access_table", ROOT / "scripts" / "access_table.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.section()


def _readme_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Access rules\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)].rstrip("\n") + "\n"


def test_readme_access_rules_match_the_table() -> None:
    assert _readme_section() == _script_section(), (
        "README's Access rules differ from the table: run python scripts/access_table.py "
        "and paste its output over the section"
    )
