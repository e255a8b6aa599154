"""Every service operation against every kind of actor: allowed cells succeed, every other
cell is refused with PermissionDenied and writes nothing (row counts of every table, the
audit trail included, their versions, and the files of the folder are the same after)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text

import divert_tui.core.services as services_package
from divert_tui.core.database import Database
from divert_tui.core.models import metadata
from divert_tui.core.services.base import AccountInactive, PermissionDenied, forget_waiting_check
from divert_tui.core.services.settings import sync_forces
from divert_tui.core.vocab import Role
from tests.access.not_operations import NOT_OPERATIONS
from tests.access.table import ROWS, Args, Row, S
from tests.access.world import FORCE_A, Who, World
from tests.conftest import PG_URL


def _public_functions() -> dict[str, Any]:
    found = {}
    for info in pkgutil.iter_modules(services_package.__path__):
        module = importlib.import_module(f"{services_package.__name__}.{info.name}")
        for name, obj in vars(module).items():
            mine = inspect.isfunction(obj) and obj.__module__ == module.__name__
            if mine and not name.startswith("_"):
                found[f"{info.name}.{name}"] = obj
    return found


def _is_operation(function: Any) -> bool:
    params = list(inspect.signature(function).parameters)
    return "actor" in params and params[0] in ("db", "db_url")


def test_every_operation_has_a_row_and_every_other_function_a_reason() -> None:
    functions = _public_functions()
    listed = {name for names in NOT_OPERATIONS.values() for name in names}
    operations = {n for n, f in functions.items() if _is_operation(f) and n not in listed}
    rows = [row.name for row in ROWS]
    assert len(rows) == len(set(rows)), "an operation has two rows"
    assert sorted(operations - set(rows)) == [], "operations without a row in tests/access/table.py"
    assert sorted(set(rows) - operations) == [], "rows for what is not an operation"
    listed = [name for names in NOT_OPERATIONS.values() for name in names]
    assert len(listed) == len(set(listed))
    others = set(functions) - operations
    assert sorted(others - set(listed)) == [], (
        "public service functions that are neither an operation nor listed with a reason in "
        "tests/access/not_operations.py: make them private, move them, or give the reason"
    )
    assert sorted(set(listed) - others) == [], "listed as not an operation, but gone or one"


@pytest.fixture(scope="module")
def world(_template: str, tmp_path_factory: pytest.TempPathFactory, schemes) -> Iterator[World]:
    """Built once per module: on SQLite a copy of the migrated template, on PostgreSQL the
    test database emptied."""
    folder = tmp_path_factory.mktemp("access")
    if PG_URL:
        url = PG_URL
        db = Database(url)
        tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
        with db.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    else:
        path = folder / "world.db"
        shutil.copyfile(_template, path)
        url = f"sqlite:///{path}"
        db = Database(url)
    sync_forces(db, schemes)
    forget_waiting_check()
    yield World(db, url, folder)
    db.dispose()


def _allowed(row: Row, who: Who) -> bool:
    if who.inactive or who.live_trainer or who.actor.role not in row.roles:
        return False
    return not (row.scoped and who.force != FORCE_A and who.actor.role is not Role.ADMIN)


def _filled(value: Any, schemes: Any) -> Any:
    return schemes if value is S else value


def _cell(world: World, row: Row, who: Who, schemes: Any, made: Args) -> str | None:
    """Run one cell; returns what went wrong, or None."""
    a = tuple(_filled(v, schemes) for v in made.args)
    kw = {k: _filled(v, schemes) for k, v in made.kwargs.items()}
    forget_waiting_check()
    before, files = world.counts(), set(world.folder.rglob("*"))
    error: BaseException | None = None
    try:
        if row.by_url:
            row.op(*a, actor=who.actor, **kw)
        else:
            row.op(world.db, who.actor, *a, **kw)
    except Exception as exc:  # noqa: BLE001 - every outcome is judged below
        error = exc
    finally:
        forget_waiting_check()
    if _allowed(row, who):
        if error is None or (
            not isinstance(error, PermissionDenied) and type(error).__name__ in row.settles
        ):
            return None
        return f"{who.words} should be allowed but got {type(error).__name__}: {error}"
    if not isinstance(error, PermissionDenied):
        got = "success" if error is None else f"{type(error).__name__}: {error}"
        return f"{who.words} should be refused but got {got}"
    if who.inactive and not isinstance(error, AccountInactive):
        return f"{who.words} should be refused as inactive but got: {error}"
    if world.counts() != before:
        return f"{who.words} was refused but something was written first"
    if set(world.folder.rglob("*")) != files:
        return f"{who.words} was refused but a file was written first"
    return None


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_access(world: World, row: Row, schemes) -> None:
    # A refused cell writes nothing (each cell checks it), so the refused share one recipe's
    # records; every allowed cell gets fresh ones.
    refused_args: Args | None = None
    problems = []
    for who in world.people.values():
        if _allowed(row, who):
            made = row.recipe(world)
        else:
            made = refused_args = refused_args or row.recipe(world)
        if (problem := _cell(world, row, who, schemes, made)) is not None:
            problems.append(problem)
    assert problems == [], "\n".join(problems)
