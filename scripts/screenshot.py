"""Draw README's screenshot: the demo cohort, a worker's queue, at 120x32.

python scripts/screenshot.py [docs/screenshot.svg]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import date
from pathlib import Path

from divert_tui.app import DivertApp
from divert_tui.config import load_settings

TODAY = date(2026, 11, 27)


async def main(target: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/demo.db"
        from divert_tui.core.bootstrap import open_database
        from divert_tui.demo.cohort import fill_demo

        opened = open_database(url)
        fill_demo(opened.db, today=TODAY)
        app = DivertApp(opened, load_settings(url), demo=True, today=TODAY)
        async with app.run_test(size=(120, 32)) as pilot:
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause(0.5)
            await app.workers.wait_for_complete()
            await pilot.pause()
            app.save_screenshot(filename=target.name, path=str(target.parent))
        opened.db.dispose()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshot.svg")))
