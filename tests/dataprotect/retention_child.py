"""Run retention and kill this very process with SIGKILL once the first batch is committed
(no clean-up, no exit handlers): what a power cut or an OOM kill leaves behind."""

from __future__ import annotations

import os
import signal
import sys
from datetime import date

from divert_tui.core.database import Database
from divert_tui.core.schemes import load_schemes
from divert_tui.core.services import retention
from divert_tui.core.services.base import Actor


def main() -> None:
    url, today, batch = sys.argv[1], date.fromisoformat(sys.argv[2]), int(sys.argv[3])

    def die(done: retention.Batch) -> None:
        print(f"batch {done.number} committed", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

    retention.apply(
        Database(url), Actor.system("retention", demo=True), load_schemes(),
        today=today, batch_size=batch, on_batch=die,
    )  # fmt: skip


if __name__ == "__main__":
    main()
