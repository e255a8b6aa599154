"""``divert``: the TUI by default, and the subcommands of DESIGN section 8."""

from __future__ import annotations

import importlib
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

import click

from divert_tui import __version__
from divert_tui.commands.common import cli_errors, fail
from divert_tui.config import Settings
from divert_tui.core.services.base import ServiceError

if TYPE_CHECKING:
    from divert_tui.core.bootstrap import Opened

FIRST_RUN = """No staff accounts exist yet in {where}.

Create the first admin, then start divert again:

    divert staff add YOUR.NAME --role admin

Workers and team leads need a force too, for example:

    divert staff add j.smith --role worker --force west_midlands

To look around with synthetic people first:  divert --demo"""


class LazyGroup(click.Group):
    """Subcommands imported only when used, so that opening the app loads no more than it needs."""

    LAZY = {
        "audit": "divert_tui.commands.admin:audit_group",
        "db": "divert_tui.commands.admin:db_group",
        "demo-data": "divert_tui.commands.demo:demo_data",
        "evaluation-extract": "divert_tui.commands.reports:evaluation_extract_command",
        "export-person": "divert_tui.commands.subject_access:export_person",
        "import": "divert_tui.commands.intake:import_",
        "intel-export": "divert_tui.commands.intake:intel_export",
        "outcome-export": "divert_tui.commands.courses:outcome_export",
        "reminders": "divert_tui.commands.courses:reminders",
        "roster": "divert_tui.commands.courses:roster",
        "report": "divert_tui.commands.reports:report",
        "retention": "divert_tui.commands.retention:retention_command",
        "serve": "divert_tui.commands.serve:serve",
        "services": "divert_tui.commands.admin:services_group",
        "sessions": "divert_tui.commands.courses:sessions_group",
        "staff": "divert_tui.commands.admin:staff_group",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.LAZY})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.LAZY:
            module_name, attribute = self.LAZY[cmd_name].split(":")
            return getattr(importlib.import_module(module_name), attribute)
        return super().get_command(ctx, cmd_name)


@click.group(
    cls=LazyGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--db",
    "db_url",
    metavar="URL",
    default=None,
    help="Database URL, e.g. sqlite:///path/divert.db or postgresql+psycopg://user@host/divert "
    "(default: DIVERT_DATABASE_URL, the config file, or a SQLite file in your data folder).",
)
@click.option(
    "--demo",
    is_flag=True,
    help="Open a throwaway database filled with synthetic people, for training. Never touches real data.",
)
@click.option(
    "--reset",
    is_flag=True,
    help="With --demo --db FILE: throw the kept demo database away and start afresh.",
)
@click.option(
    "--seed",
    type=int,
    default=None,
    metavar="S",
    help="With --demo: the seed of the synthetic people (the same seed gives the same people).",
)
@click.version_option(__version__, "--version", "-V", prog_name="divert")
@click.pass_context
def main(ctx: click.Context, db_url: str | None, demo: bool, reset: bool, seed: int | None) -> None:
    """divert: the case tool of a police pre-arrest drug diversion service.

    With no command, opens the app (log in first; in --demo pick a role).
    """
    if (reset or seed is not None) and not demo:
        raise click.UsageError("--reset and --seed go with --demo")
    if ctx.invoked_subcommand is None:
        run_app(db_url, demo, reset=reset, seed=seed)


@cli_errors
def run_app(
    db_url: str | None, demo: bool, *, reset: bool = False, seed: int | None = None
) -> None:
    """Open the app at once; the database opens in the background while the first screen shows."""
    from divert_tui.app import DivertApp
    from divert_tui.config import check_database_url, load_settings
    from divert_tui.core.schemes import load_schemes
    from divert_tui.logs import setup_logging

    settings = load_settings(None if demo else db_url)
    log_path = setup_logging(settings.log_dir)
    # What can be checked without the database is checked before the screen opens.
    check_database_url(db_url if demo and db_url else settings.database_url)
    load_schemes(settings.schemes_dir)
    if demo:
        app = DivertApp(
            partial(_open_demo, db_url, settings, reset=reset, seed=seed),
            settings,
            demo=True,
            log_path=log_path,
        )
    else:
        app = DivertApp(partial(_open_live, settings), settings, log_path=log_path)
    try:
        app.run()
    finally:
        opened = app.opened_at_exit()
        if opened is not None:
            if demo and not db_url:
                from divert_tui.demo.session import discard_demo

                discard_demo(opened)
            else:
                opened.db.dispose()
    if app.exit_message:
        fail(app.exit_message)


def _open_live(settings: Settings) -> Opened:
    from divert_tui.core.bootstrap import open_database
    from divert_tui.core.services.settings import is_demo_database
    from divert_tui.core.services.staff import count_staff

    opened = open_database(
        settings.database_url, settings.schemes_dir, create_folder=settings.uses_default_database
    )
    if is_demo_database(opened.db):
        opened.db.dispose()
        raise FirstRun(
            f"{opened.db.display_url} is a demo database (synthetic people, no passwords): "
            "open it with divert --demo --db URL, or give the live database's --db"
        )
    if count_staff(opened.db) == 0:
        opened.db.dispose()
        raise FirstRun(FIRST_RUN.format(where=opened.db.display_url))
    return opened


def _open_demo(
    db_url: str | None, settings: Settings, *, reset: bool = False, seed: int | None = None
) -> Opened:
    from divert_tui.demo.cohort import DEFAULT_SEED
    from divert_tui.demo.session import open_demo
    from divert_tui.screens.format import UK

    now = datetime.now(UK)
    return open_demo(
        db_url,
        seed=DEFAULT_SEED if seed is None else seed,
        today=now.date(),
        schemes_dir=settings.schemes_dir,
        now_minute=now.hour * 60 + now.minute,
        reset=reset,
    )


class FirstRun(ServiceError):
    """No staff yet: say how to create the first admin instead of opening an empty app."""
