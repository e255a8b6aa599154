"""Start-up: process start to the first usable screen, divert against a bare Textual app.

Each run is a fresh Python process that starts the app headless and exits as soon as its
first screen is up and focused; the parent times the whole process. Budget (DESIGN 11):
divert's median at most 2x the bare app's median, measured in the same run.

    python benchmarks/bench_startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGET = 2.0


def child_bare() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Input, Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("log in")
            yield Input()
            yield Footer()

        def on_mount(self) -> None:
            self.query_one(Input).focus()
            self.call_after_refresh(self.exit)

    Bare().run(headless=True)


def child_divert(url: str) -> None:
    """The app as ``divert`` starts it: the database opens in the background."""
    from functools import partial

    from textual.widgets import Input

    from divert_tui.app import DivertApp
    from divert_tui.cli import _open_live
    from divert_tui.config import load_settings
    from divert_tui.screens.login import LoginScreen

    class Timed(DivertApp):
        def on_mount(self) -> None:
            super().on_mount()
            self.set_interval(0.005, self._ready_yet)

        def _ready_yet(self) -> None:
            if isinstance(self.screen, LoginScreen) and isinstance(self.screen.focused, Input):
                self.call_after_refresh(self.exit)

    settings = load_settings(url)
    Timed(partial(_open_live, settings), settings).run(headless=True)


def time_child(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, __file__, *args], check=True, env=os.environ.copy())
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        os.environ["DIVERT_CONFIG"] = f"{folder}/config.toml"
        Path(folder, "config.toml").write_text("", encoding="utf-8")
        subprocess.run(
            [sys.executable, "-m", "divert_tui", "--db", url, "staff", "add", "bench",
             "--role", "admin", "--password-stdin"],
            input="a-long-enough-password\n", text=True, check=True, capture_output=True,
        )  # migrates the database and makes the first account  # fmt: skip
        time_child(["--child", "divert", url])  # warm the file cache
        time_child(["--child", "bare"])
        bare, divert = [], []
        for _ in range(options.runs):
            bare.append(time_child(["--child", "bare"]))
            divert.append(time_child(["--child", "divert", url]))
    b, d = statistics.median(bare), statistics.median(divert)
    ratio = d / b
    print(f"bare Textual app: median {b * 1000:.0f} ms over {options.runs} runs")
    print(f"divert login screen: median {d * 1000:.0f} ms over {options.runs} runs")
    print(
        f"ratio {ratio:.2f}x (budget {BUDGET:.1f}x): {'within' if ratio <= BUDGET else 'OVER'} budget"
    )


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child_bare() if sys.argv[2] == "bare" else child_divert(sys.argv[3])
    else:
        main()
