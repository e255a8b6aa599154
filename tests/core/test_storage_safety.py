"""Files, folders, paths and config (issue 9 items 6, 13, 14, 15): owner-only whatever the
umask, a mistyped database path refused, a broken config named, a closed pipe quiet."""

from __future__ import annotations

import os
import random
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from divert_tui.cli import main
from divert_tui.config import KNOWN_THEMES
from divert_tui.core.bootstrap import open_database
from divert_tui.core.database import StorageError
from divert_tui.logs import setup_logging


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def divert(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


# --- item 6: owner-only folders and files ----------------------------------------------------


def test_default_data_folder_and_database_files_are_owner_only(umask_022, monkeypatch, tmp_path):
    data = tmp_path / "fresh" / "data"
    monkeypatch.setenv("DIVERT_DATA_DIR", str(data))
    result = divert("staff", "add", "ann.admin", "--role", "admin", "--password-stdin",
                    input="a-long-enough-password\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert mode(data) == 0o700
    files = sorted(data.iterdir())
    assert data / "divert.db" in files
    assert {p.name for p in files} <= {"divert.db", "divert.db-wal", "divert.db-shm"}
    assert {p.name: mode(p) for p in files} == {p.name: 0o600 for p in files}


def test_wal_and_shm_are_owner_only_while_the_database_is_open(umask_022, tmp_path):
    path = tmp_path / "divert.db"
    opened = open_database(f"sqlite:///{path}")
    try:
        with opened.db.write() as session:
            session.connection().exec_driver_sql("CREATE TABLE probe (x)")
        companions = [path.with_name(path.name + end) for end in ("-wal", "-shm")]
        assert all(p.exists() for p in companions)
        assert [mode(p) for p in (path, *companions)] == [0o600] * 3
    finally:
        opened.db.dispose()


def test_an_existing_readable_database_is_tightened(tmp_path):
    path = tmp_path / "divert.db"
    open_database(f"sqlite:///{path}").db.dispose()
    os.chmod(path, 0o644)
    open_database(f"sqlite:///{path}").db.dispose()
    assert mode(path) == 0o600


def test_an_existing_default_data_folder_is_tightened(monkeypatch, tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)
    monkeypatch.setenv("DIVERT_DATA_DIR", str(data))
    assert divert("staff", "list").exit_code == 0
    assert mode(data) == 0o700


def test_log_folder_and_file_are_owner_only(umask_022, tmp_path):
    folder = tmp_path / "logs" / "divert"
    path = setup_logging(folder)
    assert path is not None
    import logging

    logging.getLogger("divert.test").error("a line")
    assert mode(folder) == 0o700
    assert mode(path) == 0o600


# --- item 13: a database path whose folder does not exist ------------------------------------


def test_a_database_in_a_missing_folder_is_refused_and_nothing_is_made(tmp_path):
    url = f"sqlite:///{tmp_path / 'no' / 'such' / 'folder' / 'x.db'}"
    result = divert("--db", url, "staff", "list")
    assert result.exit_code == 1
    assert "the folder" in result.output and "does not exist" in result.output
    assert not (tmp_path / "no").exists()
    with pytest.raises(StorageError, match="does not exist"):
        open_database(url)
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("url", ["sqlite:///", "sqlite://", "sqlite:///:memory:"])
def test_a_sqlite_url_without_a_file_is_refused(url: str):
    result = divert("--db", url, "staff", "list")
    assert result.exit_code == 1
    assert "names no database file" in result.output


# --- item 14: the config file -----------------------------------------------------------------


def test_a_missing_config_file_named_by_the_environment_is_refused(monkeypatch, tmp_path):
    missing = tmp_path / "nope.toml"
    monkeypatch.setenv("DIVERT_CONFIG", str(missing))
    result = divert("staff", "list")
    assert result.exit_code == 1
    assert str(missing) in result.output and "no such config file" in result.output


def test_an_unknown_theme_is_refused(monkeypatch, tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('theme = "nope"\n', encoding="utf-8")
    monkeypatch.setenv("DIVERT_CONFIG", str(path))
    result = divert("staff", "list")
    assert result.exit_code == 1
    assert f"{path}: theme: unknown theme 'nope'" in result.output
    assert "textual-dark" in result.output


@pytest.mark.parametrize(
    "content",
    [random.Random(64).randbytes(64) + b"\x00\xff", b'theme = "\xff\xfe"\n'],
    ids=["random-bytes", "bad-utf8"],
)
def test_a_binary_config_file_gets_words_not_a_class_name(monkeypatch, tmp_path, content):
    path = tmp_path / "config.toml"
    path.write_bytes(content)
    monkeypatch.setenv("DIVERT_CONFIG", str(path))
    result = divert("staff", "list")
    assert result.exit_code == 1
    assert str(path) in result.output
    assert "text" in result.output
    assert "Error" not in result.output


def test_the_known_themes_are_textuals_and_ours():
    from textual.theme import BUILTIN_THEMES

    from divert_tui.themes import HIGH_CONTRAST

    assert {*BUILTIN_THEMES, HIGH_CONTRAST.name} == KNOWN_THEMES


# --- item 15: a closed pipe ------------------------------------------------------------------


def test_a_closed_pipe_ends_a_printing_command_quietly(tmp_path):
    url = f"sqlite:///{tmp_path / 'divert.db'}"
    env = os.environ | {"PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    command = [sys.executable, "-m", "divert_tui", "--db", url]
    listing = [*command, "services", "list", "--force", "west_midlands"]
    warm = subprocess.run(listing, env=env, capture_output=True, text=True, timeout=120)
    assert warm.returncode == 0 and warm.stdout.count("\n") > 1, warm.stderr
    child = subprocess.Popen(
        listing, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # like `| head -0`: nobody reads what it prints
    errors = child.stderr.read()
    child.wait(timeout=120)
    assert errors == ""
    assert child.returncode == 1


def test_the_audit_key_and_a_new_config_folder_are_owner_only(umask_022, tmp_path):
    from divert_tui.core.audit_key import load_or_create_key

    path = tmp_path / "new" / "divert" / "audit.key"
    key = load_or_create_key(path)
    assert mode(path.parent) == 0o700
    assert mode(path) == 0o600
    assert load_or_create_key(path).key_id == key.key_id
    assert key.secret.hex() not in repr(key)
