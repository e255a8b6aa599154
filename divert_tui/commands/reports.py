"""``divert report`` and ``divert evaluation-extract``: the figures and the linkage file.

Both read through the report service (one transaction, one audit event) and write only
through ``core.outfiles``: owner-only files, formula cells neutralised, DEMO-marked when
the database is a demo's. Exit 0 done, 1 bad input, 2 usage (click's own).
"""

from __future__ import annotations

import io
import sys
from datetime import date, datetime
from pathlib import Path

import click
from dateutil.relativedelta import relativedelta
from rich.console import Console
from rich.text import Text

from divert_tui.commands.common import cli_errors, db_option, fail, open_for_cli, parse_day
from divert_tui.core import outfiles
from divert_tui.core.rules.metrics import Period, last_complete_months
from divert_tui.core.rules.metrics.publish import Published
from divert_tui.core.rules.metrics.timing import UK
from divert_tui.core.services.base import Actor
from divert_tui.core.services.reports import (
    EVALUATION_COLUMNS,
    EVALUATION_DICTIONARY,
    EvaluationExtract,
    commissioner_report,
    evaluation_extract,
)

FORMATS = ("table", "csv", "json", "xlsx")


def choose_period(start: date | None, end: date | None, today: date) -> Period:
    """The period asked for: by default the last 12 complete months; one end given, 12 months
    from (or up to) it."""
    if start is None and end is None:
        return last_complete_months(today)
    if start is None:
        assert end is not None
        start = end - relativedelta(months=12) + relativedelta(days=1)
    if end is None:
        end = start + relativedelta(months=12) - relativedelta(days=1)
    if end < start:
        raise click.BadParameter(
            f"--to {end.isoformat()} is before --from {start.isoformat()}", param_hint="--to"
        )
    return Period(start, end)


def _demo_flag(ctx: click.Context) -> bool:
    return bool(ctx.find_root().params.get("demo"))


def print_tables(published: Published, console: Console | None = None) -> None:
    """Rich tables on the terminal (or the console given); a DEMO line first for a demo."""
    from rich.table import Table as RichTable

    console = console or Console(soft_wrap=False)
    if published.demo:
        console.print(outfiles.DEMO_FIRST_LINE, style="bold reverse", markup=False)
    for table in published.tables():
        shown = RichTable(title=table.name, title_justify="left")
        numbers = table.name not in ("About", "Largest gaps", "Definitions")
        for index, heading in enumerate(table.header):
            justify = "right" if numbers and index > 0 else "left"
            shown.add_column(heading, justify=justify, overflow="fold")
        for row in table.rows:
            shown.add_row(*(_text(cell) for cell in row))
        console.print(shown)


def _text(cell: object) -> Text:
    if cell is None:
        return Text("")
    if isinstance(cell, int) and not isinstance(cell, bool):
        return Text(f"{cell:,}")
    return Text(str(cell))


@click.command("report")
@click.option("--from", "start", metavar="D", help="First day (default: 12 complete months ago).")
@click.option("--to", "end", metavar="D", help="Last day (default: the end of last month).")
@click.option("--force", metavar="CODE", help="One force (default: every force you may see).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="table: on the terminal; csv: one file per table in a folder (or a .zip); "
    "json: one object; xlsx: one sheet per table, definitions on their own sheet.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    help="File (json, xlsx, table) or folder or .zip (csv) to write; json and table "
    "default to standard output.",
)
@db_option
@click.pass_context
@cli_errors
def report(
    ctx: click.Context,
    start: str | None,
    end: str | None,
    force: str | None,
    output_format: str,
    output: Path | None,
    db_url: str | None,
) -> None:
    """The commissioner report: every figure of a period, counts under 5 suppressed."""
    period = choose_period(
        parse_day(start, "--from"), parse_day(end, "--to"), datetime.now(UK).date()
    )
    if output is None and output_format in ("csv", "xlsx"):
        raise click.UsageError(f"--format {output_format} needs --output", ctx=ctx)
    _, opened = open_for_cli(db_url)
    actor = Actor.system("report", demo=_demo_flag(ctx))

    def deliver(published: Published) -> str | None:
        demo = published.demo
        if output is None:
            if output_format == "json":
                sys.stdout.write(outfiles.json_text(published.to_json(), demo=demo))
                sys.stdout.flush()
            else:
                print_tables(published)
            return "standard output"
        if output_format == "json":
            written = outfiles.write_json_file(output, published.to_json(), demo=demo)
        elif output_format == "xlsx":
            written = outfiles.write_xlsx_file(output, published.tables(), demo=demo)
        elif output_format == "csv":
            written = outfiles.write_csv_tables(output, published.tables(), demo=demo)
        else:
            written = _write_table_text(output, published)
        return str(written)

    try:
        commissioner_report(
            opened.db,
            actor,
            opened.schemes,
            period,
            force=force,
            output=output_format,
            deliver=deliver,
        )
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}; nothing was exported")
    finally:
        opened.db.dispose()
    if output is not None:
        click.echo(f"report {period} written ({output_format})", err=True)


def _write_table_text(output: Path, published: Published) -> Path:
    """The same tables as plain text in a file (the DEMO line is the file writer's)."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=160, color_system=None, soft_wrap=False)
    print_tables(replace_demo(published), console)
    return outfiles.write_text_file(output, buffer.getvalue(), demo=published.demo)


def replace_demo(published: Published) -> Published:
    """The report without its own DEMO line, for writers that add theirs."""
    copy = object.__new__(Published)
    copy.__dict__.update(published.__dict__)
    copy.demo = False
    return copy


@click.command("evaluation-extract")
@click.option("--from", "start", metavar="D", required=True, help="First day of referral.")
@click.option("--to", "end", metavar="D", required=True, help="Last day of referral.")
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV file to write (owner-only); its data dictionary goes beside it.",
)
@click.option("--force", metavar="CODE", help="One force (default: every force).")
@db_option
@click.pass_context
@cli_errors
def evaluation_extract_command(
    ctx: click.Context,
    start: str,
    end: str,
    output: Path,
    force: str | None,
    db_url: str | None,
) -> None:
    """The pseudonymised linkage file of the national evaluation: initials, date of birth,
    sex, force, both ethnicities and the dates of each stage; no names, addresses or phones."""
    period = choose_period(
        parse_day(start, "--from"), parse_day(end, "--to"), datetime.now(UK).date()
    )
    _, opened = open_for_cli(db_url)
    actor = Actor.system("evaluation-extract", demo=_demo_flag(ctx))

    def deliver(extract: EvaluationExtract) -> str:
        written = outfiles.write_csv_file(
            output, EVALUATION_COLUMNS, extract.rows, demo=extract.demo
        )
        assert written is not None
        dictionary = output.with_name(f"{output.stem}-dictionary.csv")
        outfiles.write_csv_file(
            dictionary, ("column", "meaning"), EVALUATION_DICTIONARY, demo=extract.demo
        )
        return str(written)

    try:
        extract = evaluation_extract(
            opened.db, actor, opened.schemes, period, force=force, deliver=deliver
        )
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}; nothing was exported")
    finally:
        opened.db.dispose()
    click.echo(f"{extract.count} referral(s) of {period} written", err=True)
