"""``divert serve``: the same app in a web browser, one ``divert`` process per browser tab.

textual-serve runs a shell command for every websocket connection, so every tab has its own
process, its own login and (in demo) its own throwaway database. The database URL of a live
service travels in the environment, never on a command line that ``ps`` shows.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import os
import shlex
import sys
from pathlib import Path
from typing import Any

import click

from divert_tui.commands.common import cli_errors, db_option, demo_requested, resolve_db_url
from divert_tui.config import ENV_DATABASE_URL, check_database_url

TEMPLATES = Path(__file__).resolve().parent.parent / "serve_templates"

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}

EXPOSED_WARNING = (
    "divert: warning: serving on {host}, which other machines may reach. The browser "
    "connection is plain HTTP: put divert serve behind the organisation's TLS proxy (HTTPS, "
    "with its sign-in) before any other host can reach it, and bind it to 127.0.0.1 behind "
    "that proxy."
)


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach ``host`` (names other than localhost are not)."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def make_server(command: str, **options: Any) -> Any:
    """textual-serve's server, but Ctrl+C also quits every open tab's app at once (each one
    cleans up after itself, a demo deleting its throwaway database) instead of the server
    waiting for the browsers to go away."""
    from textual_serve.server import Server

    class DivertServer(Server):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.tabs: set[Any] = set()

        async def _process_messages(self, websocket: Any, app_service: Any) -> None:
            tab = (websocket, app_service)
            self.tabs.add(tab)
            try:
                await super()._process_messages(websocket, app_service)
            finally:
                self.tabs.discard(tab)

        async def on_shutdown(self, app: Any) -> None:
            async def close(websocket: Any, app_service: Any) -> None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(app_service.stop(), timeout=10)
                with contextlib.suppress(Exception):
                    await websocket.close()
                # Closed now, while the loop runs, not by the garbage collector after it.
                with contextlib.suppress(Exception):
                    app_service._process._transport.close()

            await asyncio.gather(*(close(*tab) for tab in list(self.tabs)))

    return DivertServer(command, **options)


def app_command(*, demo: bool, db_url: str | None, seed: int | None) -> str:
    """The shell command textual-serve starts for each browser tab: this Python, this divert.

    A demo's --db is a file of synthetic people and goes on the command line; a live URL
    (which may hold a password) is left to the environment the tab's process inherits.
    """
    words = [sys.executable, "-m", "divert_tui"]
    if demo:
        words.append("--demo")
        if db_url:
            words += ["--db", db_url]
        if seed is not None:
            words += ["--seed", str(seed)]
    return shlex.join(words)


@click.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Anything but loopback belongs behind the organisation's TLS proxy.",
)
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="TCP port."
)
@click.option(
    "--demo",
    "serve_demo",
    is_flag=True,
    help="Serve the demo: every browser tab gets its own throwaway synthetic database.",
)
@click.option(
    "--seed",
    type=int,
    default=None,
    metavar="S",
    help="With --demo: the seed of the synthetic people.",
)
@click.option(
    "--public-url",
    metavar="URL",
    default=None,
    help="The address browsers use, when a proxy stands in front (e.g. https://divert.example.org); "
    "default http://HOST:PORT.",
)
@db_option
@cli_errors
def serve(
    host: str,
    port: int,
    serve_demo: bool,
    seed: int | None,
    public_url: str | None,
    db_url: str | None,
) -> None:
    """Serve the app to a web browser (each tab logs in on its own; Ctrl+C stops).

    Loopback only by default: to reach it from other machines, put it behind the
    organisation's TLS proxy.
    """
    demo = serve_demo or demo_requested()
    context = click.get_current_context()
    root_seed = context.find_root().params.get("seed")
    seed = seed if seed is not None else root_seed
    if seed is not None and not demo:
        raise click.UsageError("--seed goes with --demo")
    url = resolve_db_url(db_url)
    if url:
        check_database_url(url)
        if not demo:
            os.environ[ENV_DATABASE_URL] = url
    if public_url and not public_url.startswith(("http://", "https://")):
        raise click.BadParameter("give the address as https://NAME", param_hint="--public-url")
    if not is_loopback(host):
        click.echo(EXPOSED_WARNING.format(host=host), err=True)

    title = "divert (DEMO)" if demo else "divert"
    server = make_server(
        app_command(demo=demo, db_url=url, seed=seed),
        host=host,
        port=port,
        title=title,
        public_url=public_url.rstrip("/") if public_url else None,
        templates_path=TEMPLATES,
    )
    server.serve()
