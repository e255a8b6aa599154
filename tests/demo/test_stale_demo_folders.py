"""A demo killed with kill -9 leaves its throwaway folder; the next demo start removes the
folders of dead demos and keeps those of demos still running."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from divert_tui.demo.session import OWNER_FILE, PREFIX, remove_stale_demo_folders


def folder(base: Path, name: str, owner: int | None) -> Path:
    made = base / name
    made.mkdir()
    (made / "demo.db").write_bytes(b"x")
    if owner is not None:
        (made / OWNER_FILE).write_text(f"{owner}\n", encoding="ascii")
    return made


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_folders_of_dead_demos_go_and_running_ones_stay(tmp_path: Path) -> None:
    dead = folder(tmp_path, f"{PREFIX}dead", dead_pid())
    alive = folder(tmp_path, f"{PREFIX}alive", os.getpid())
    recent_unowned = folder(tmp_path, f"{PREFIX}recent", None)
    old_unowned = folder(tmp_path, f"{PREFIX}old", None)
    long_ago = time.time() - 3 * 24 * 60 * 60
    os.utime(old_unowned, (long_ago, long_ago))
    other = folder(tmp_path, "not-a-demo", dead_pid())

    removed = remove_stale_demo_folders(tmp_path)

    assert sorted(removed) == sorted([dead.resolve(), old_unowned.resolve()])
    assert not dead.exists() and not old_unowned.exists()
    assert alive.exists() and recent_unowned.exists() and other.exists()


def test_a_new_demo_folder_names_its_process() -> None:
    from divert_tui.demo.session import demo_database_path

    path = demo_database_path()
    try:
        assert (path.parent / OWNER_FILE).read_text().strip() == str(os.getpid())
    finally:
        (path.parent / OWNER_FILE).unlink()
        path.parent.rmdir()
