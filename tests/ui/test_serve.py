"""``divert serve``: the command it runs per tab, the warning off loopback, the page over HTTP,
and a real headless Chromium that shows the demo's role picker drawn over the websocket."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from click.testing import CliRunner

from divert_tui.cli import main
from divert_tui.commands.serve import app_command, is_loopback

ROOT = Path(__file__).resolve().parents[2]
ANSI = re.compile(r"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|.)")

# Every byte the app sends reaches the page through this socket: record it as text.
RECORD_SOCKET = """
(() => {
  window.__divertDrawn = "";
  const decoder = new TextDecoder();
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        if (typeof event.data !== "string") {
          window.__divertDrawn += decoder.decode(new Uint8Array(event.data), {stream: true});
        }
      });
    }
  };
})();
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Served:
    """A running ``divert serve --demo`` on a free loopback port, and its throwaway folder."""

    def __init__(self, tmp_path: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.temp = tmp_path / "tmp"
        self.temp.mkdir()
        env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(self.temp)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "divert_tui", "serve", "--demo", "--port", str(self.port)],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_until_listening(self) -> None:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    pytest.fail(f"divert serve did not start:\n{self.output()}")
                time.sleep(0.2)

    def output(self) -> str:
        return self.process.stdout.read().decode() if self.process.stdout else ""

    def stop(self) -> int:
        """Ctrl+C (SIGINT), as a person stops it; killed only if it does not stop."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            return -9


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    server = Served(tmp_path)
    try:
        server.wait_until_listening()
        yield server
    finally:
        assert server.stop() == 0, f"divert serve did not stop cleanly on Ctrl+C:\n{server.output()}"


def test_each_tab_runs_divert_with_the_same_options(monkeypatch: pytest.MonkeyPatch) -> None:
    assert app_command(demo=True, db_url=None, seed=7).endswith("-m divert_tui --demo --seed 7")
    assert "--db" in app_command(demo=True, db_url="sqlite:////tmp/d.db", seed=None)
    # A live database URL may hold a password: it never goes on the command line.
    live = app_command(demo=False, db_url="postgresql+psycopg://u:secret@h/d", seed=None)
    assert "secret" not in live and live.endswith("-m divert_tui")


def test_loopback_is_recognised() -> None:
    for host in ("127.0.0.1", "localhost", "::1", "127.1.2.3"):
        assert is_loopback(host), host
    for host in ("0.0.0.0", "192.168.1.4", "divert.example.org", "::"):
        assert not is_loopback(host), host


def test_other_hosts_get_the_tls_proxy_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    from textual_serve.server import Server

    started: list[Server] = []
    monkeypatch.setattr(Server, "serve", lambda self, debug=False: started.append(self))
    quiet = CliRunner().invoke(main, ["serve", "--demo", "--port", "8123"])
    assert quiet.exit_code == 0, quiet.output
    assert "TLS proxy" not in quiet.output
    assert (started[0].host, started[0].port) == ("127.0.0.1", 8123)
    assert started[0].title == "divert (DEMO)"

    loud = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0"])
    assert loud.exit_code == 0, loud.output
    assert "TLS proxy" in loud.output and "0.0.0.0" in loud.output
    assert "--demo" not in started[1].command

    wrong = CliRunner().invoke(main, ["serve", "--public-url", "divert.example.org"])
    assert wrong.exit_code == 2 and "--public-url" in wrong.output


def test_serve_answers_http_on_loopback(served: Served) -> None:
    import urllib.request

    with urllib.request.urlopen(served.url, timeout=10) as response:
        page = response.read().decode()
    assert response.status == 200
    assert "<title>divert (DEMO)</title>" in page
    assert "data-session-websocket-url" in page
    # The page fetches nothing from any other site (no web fonts from outside).
    assert "googleapis" not in page


def chromium_or_skip() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("chromium is missing: .ci/run installs Debian's chromium package")
    pytest.skip("chromium is not installed (apt-get install chromium) to test divert serve in a browser")


async def cdp(ws: aiohttp.ClientWebSocketResponse, counter: list[int], method: str, **params):  # type: ignore[no-untyped-def]
    """One DevTools call: send it, wait for its answer (events in between are skipped)."""
    counter[0] += 1
    await ws.send_json({"id": counter[0], "method": method, "params": params})
    while True:
        message = json.loads((await ws.receive(timeout=30)).data)
        if message.get("id") == counter[0]:
            if "error" in message:
                raise AssertionError(f"{method}: {message['error']}")
            return message.get("result", {})


async def test_browser_shows_the_demo_role_picker(served: Served, tmp_path: Path) -> None:
    chromium = chromium_or_skip()
    profile = tmp_path / "chromium"
    browser = subprocess.Popen(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--window-size=1000,640",
            "--remote-debugging-port=0",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        active = profile / "DevToolsActivePort"
        for _ in range(300):
            if active.exists() and active.read_text().count("\n") >= 1:
                break
            await asyncio.sleep(0.1)
        port = int(active.read_text().splitlines()[0])
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/json/list") as response:
                targets = await response.json()
            page = next(t for t in targets if t["type"] == "page")
            async with http.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                n = [0]
                await cdp(ws, n, "Page.enable")
                await cdp(ws, n, "Page.addScriptToEvaluateOnNewDocument", source=RECORD_SOCKET)
                await cdp(ws, n, "Page.navigate", url=served.url)
                drawn = ""
                for _ in range(300):
                    result = await cdp(
                        ws, n, "Runtime.evaluate", expression="window.__divertDrawn || ''"
                    )
                    drawn = ANSI.sub("", result["result"].get("value", ""))
                    if "choose a role" in drawn and "Team lead" in drawn:
                        break
                    await asyncio.sleep(0.1)
                assert "choose a role" in drawn, f"the app never drew in the page: {drawn[-500:]!r}"
                assert "DEMO" in drawn
                await asyncio.sleep(1)  # the terminal paints the frame it was sent
                shot = await cdp(ws, n, "Page.captureScreenshot", format="png")
        png = base64.b64decode(shot["data"])
        assert png.startswith(b"\x89PNG")
        target = Path(os.environ.get("DIVERT_SCREENSHOT_DIR", tmp_path)) / "divert-serve.png"
        target.write_bytes(png)
        # The tab ran its own demo in a throwaway folder; Ctrl+C with the tab still open
        # quits that app, which deletes its folder, and the server stops at once.
        assert list(served.temp.glob("divert-demo-*")), "the tab's demo folder was not made"
        assert served.stop() == 0, served.output()
        assert not list(served.temp.glob("divert-demo-*")), "the tab's demo was left behind"
    finally:
        os.killpg(browser.pid, signal.SIGTERM)
        try:
            browser.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(browser.pid, signal.SIGKILL)
            browser.wait()
