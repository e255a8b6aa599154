"""What every subcommand shares: opening the database from the settings, and turning any
refusal or failure into one line on stderr with exit code 1 (never a traceback)."""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Callable
from contextlib import suppress
from datetime import date
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from divert_tui.config import ConfigError, Settings, load_settings
from divert_tui.core.schemes import SchemeError
from divert_tui.core.services.base import ServiceError
from divert_tui.logs import describe_exception, setup_logging

if TYPE_CHECKING:
    from divert_tui.core.bootstrap import Opened

log = logging.getLogger("divert.cli")
F = TypeVar("F", bound=Callable[..., Any])


def expected_errors() -> tuple[type[Exception], ...]:
    """The refusals whose message is for a person (the database layer is imported late)."""
    from divert_tui.core.database import StorageError

    return (ConfigError, SchemeError, StorageError, ServiceError)


def fail(message: str) -> NoReturn:
    click.echo(f"divert: {message}", err=True)
    sys.exit(1)


def db_option(function: F) -> F:
    """``--db URL`` on a subcommand (it may also be given before the subcommand)."""
    return click.option(
        "--db",
        "db_url",
        metavar="URL",
        default=None,
        help="Database URL (default: DIVERT_DATABASE_URL, the config file, or the local SQLite file).",
    )(function)


def resolve_db_url(db_url: str | None) -> str | None:
    """The subcommand's --db, else the one given before the subcommand."""
    if db_url:
        return db_url
    context = click.get_current_context(silent=True)
    root = context.find_root() if context else None
    return root.params.get("db_url") if root else None


def demo_requested() -> bool:
    """Whether ``--demo`` was given before the subcommand."""
    context = click.get_current_context(silent=True)
    root = context.find_root() if context else None
    return bool(root and root.params.get("demo"))


DEMO_SUBCOMMAND = (
    "--demo with a subcommand works on a demo database only: give --db sqlite:///PATH of "
    "one (made by divert demo-data), or drop --demo to work on the live database"
)


def open_for_cli(db_url: str | None) -> tuple[Settings, Opened]:
    """The database a subcommand works on. With ``--demo`` that must be a demo database
    named by ``--db`` (never the configured one): checked before anything connects."""
    from divert_tui.core.bootstrap import open_database

    url = resolve_db_url(db_url)
    demo = demo_requested()
    if demo:
        from divert_tui.demo.session import check_demo_url

        if not url:
            fail(DEMO_SUBCOMMAND)
        check_demo_url(url)
    settings = load_settings(url)
    setup_logging(settings.log_dir)
    opened = open_database(
        settings.database_url, settings.schemes_dir, create_folder=settings.uses_default_database
    )
    if demo:
        from divert_tui.core.services.settings import holds_live_data, is_demo_database
        from divert_tui.core.services.staff import count_staff

        db = opened.db
        if not is_demo_database(db) and (count_staff(db) or holds_live_data(db)):
            db.dispose()
            fail(DEMO_SUBCOMMAND)
    return settings, opened


def end_quietly_on_closed_pipe() -> NoReturn:
    """The reader of our output went away (``divert ... | head -1``): stop without a word.

    Standard output is pointed at the null device first, so that Python's own flush at
    exit finds nowhere to complain about. Exit 1: not everything was delivered.
    """
    with suppress(OSError, ValueError, AttributeError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    sys.exit(1)


def cli_errors(function: F) -> F:
    """Expected refusals print their message; anything else is logged and summarised."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except BrokenPipeError:
            end_quietly_on_closed_pipe()
        except KeyboardInterrupt:
            fail("interrupted; nothing more was changed")
        except Exception as error:  # noqa: BLE001 - one readable line instead of a traceback
            if isinstance(error, expected_errors()):
                fail(str(error))
            from divert_tui.core.database import trouble_in_words

            words = trouble_in_words(error)
            if words is not None:
                fail(f"{words}; nothing was changed")
            log.error("unexpected error\n%s", describe_exception(error))
            fail(
                f"unexpected error ({type(error).__name__}); nothing was half-written. "
                "Details (no personal data) are in the log file."
            )

    return wrapper  # type: ignore[return-value]


def parse_day(value: str | None, option: str) -> date | None:
    """A day given on the command line (ISO or UK day-first); a usage error names the option."""
    from divert_tui.core.feed_fields import FieldProblem, parse_when

    if value is None:
        return None
    try:
        return parse_when(value).date()
    except FieldProblem as exc:
        raise click.BadParameter(
            f"{exc}; write the day as YYYY-MM-DD or DD/MM/YYYY", param_hint=option
        ) from None
