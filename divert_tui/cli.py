"""``divert``: the TUI by default, and the subcommands of DESIGN section 8."""

from __future__ import annotations

from datetime import datetime

import click

from divert_tui import __version__
from divert_tui.commands.admin import audit_group, db_group, staff_group
from divert_tui.commands.common import cli_errors, fail, open_for_cli
from divert_tui.commands.demo import demo_data
from divert_tui.commands.intake import import_, intel_export

FIRST_RUN = """No staff accounts exist yet in {where}.

Create the first admin, then start divert again:

    divert staff add YOUR.NAME --role admin

Workers and team leads need a force too, for example:

    divert staff add j.smith --role worker --force west_midlands

To look around with synthetic people first:  divert --demo"""


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
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
@click.version_option(__version__, "--version", "-V", prog_name="divert")
@click.pass_context
def main(ctx: click.Context, db_url: str | None, demo: bool) -> None:
    """divert: the case tool of a police pre-arrest drug diversion service.

    With no command, opens the app (log in first; in --demo pick a role).
    """
    if ctx.invoked_subcommand is None:
        run_app(db_url, demo)


@cli_errors
def run_app(db_url: str | None, demo: bool) -> None:
    from divert_tui.app import DivertApp
    from divert_tui.config import load_settings
    from divert_tui.core.services.staff import count_staff
    from divert_tui.logs import setup_logging

    if demo:
        from divert_tui.demo.session import discard_demo, open_demo
        from divert_tui.screens.format import UK

        settings = load_settings(None)
        log_path = setup_logging(settings.log_dir)
        opened = open_demo(db_url, today=datetime.now(UK).date(), schemes_dir=settings.schemes_dir)
        try:
            DivertApp(opened, settings, demo=True, log_path=log_path).run()
        finally:
            if db_url:
                opened.db.dispose()
            else:
                discard_demo(opened)
        return
    settings, opened = open_for_cli(db_url)
    log_path = setup_logging(settings.log_dir)
    if count_staff(opened.db) == 0:
        fail(FIRST_RUN.format(where=opened.db.display_url))
    try:
        DivertApp(opened, settings, log_path=log_path).run()
    finally:
        opened.db.dispose()


main.add_command(db_group)
main.add_command(staff_group)
main.add_command(audit_group)
main.add_command(import_)
main.add_command(intel_export)
main.add_command(demo_data)
