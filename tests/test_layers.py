"""The rule of the house (DESIGN section 2): ``divert_tui/core`` and ``divert_tui/forms``
never import textual, nor the parts of the package that do (app, screens, widgets)."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "divert_tui"
LAYERS = ("core", "forms")
UI_MODULES = ("textual", "divert_tui.app", "divert_tui.screens", "divert_tui.widgets")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def sources() -> list[Path]:
    return sorted(p for layer in LAYERS for p in (PACKAGE / layer).rglob("*.py"))


def imported_modules(source: str, module: str, is_package: bool) -> list[tuple[int, str]]:
    """Every module named by an import statement anywhere in the file (also inside functions
    and ``if TYPE_CHECKING``), with relative imports resolved against ``module``."""
    found: list[tuple[int, str]] = []
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((node.lineno, target))
            found.extend((node.lineno, f"{target}.{alias.name}") for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and (getattr(node.func, "attr", None) or getattr(node.func, "id", None))
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def is_ui(name: str) -> bool:
    return any(name == ui or name.startswith(ui + ".") for ui in UI_MODULES)


def test_the_checker_sees_every_kind_of_import() -> None:
    source = (
        "import os, textual.app\n"
        "from textual import on\n"
        "from ..screens import login\n"
        "from . import widgets\n"
        "def f():\n"
        "    from textual.widgets import DataTable\n"
        "    importlib.import_module('textual.message')\n"
    )
    names = [n for _, n in imported_modules(source, "divert_tui.core.services.x", False)]
    assert "textual.app" in names and "textual" in names and "textual.message" in names
    assert "textual.widgets" in names
    assert "divert_tui.core.screens.login" in names
    assert "divert_tui.core.services.widgets" in names
    assert [n for _, n in imported_modules("from .. import app", "divert_tui.core", True)] == [
        "divert_tui",
        "divert_tui.app",
    ]
    assert [n for n in names if is_ui(n)] == [
        "textual.app",
        "textual",
        "textual.on",
        "textual.widgets",
        "textual.widgets.DataTable",
        "textual.message",
    ]


def test_core_and_forms_never_import_textual_in_their_source() -> None:
    files = sources()
    assert len(files) >= 10, f"expected the core and forms sources under {PACKAGE}"
    assert any(p.name == "database.py" for p in files)
    offences = []
    for path in files:
        names = imported_modules(
            path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py"
        )
        offences += [
            f"{path.relative_to(PACKAGE.parent)}:{line}: {name}"
            for line, name in names
            if is_ui(name)
        ]
    assert offences == []


def test_importing_core_and_forms_loads_no_textual(tmp_path: Path) -> None:
    modules = sorted({module_name(p) for p in sources()})
    code = (
        "import importlib, json, sys\n"
        f"modules = {modules!r}\n"
        "failed = {}\n"
        "for name in modules:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception as exc:\n"
        "        failed[name] = f'{type(exc).__name__}: {exc}'\n"
        f"ui = sorted(m for m in sys.modules if m.split('.')[0] == 'textual' or m.startswith({UI_MODULES[1:]!r}))\n"
        "print(json.dumps({'failed': failed, 'ui': ui, 'loaded': len(modules)}))\n"
    )
    env = os.environ | {"DIVERT_CONFIG": str(tmp_path / "config.toml")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=PACKAGE.parent,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["loaded"] == len(modules) >= 10
    assert report["failed"] == {}, "modules that cannot be imported were not checked"
    assert report["ui"] == []


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_exists(layer: str) -> None:
    assert (PACKAGE / layer / "__init__.py").is_file()
