"""The log file: what went wrong and where in the code, never whose record it was.

Exception messages can carry values (a name in a failed query, a phone number in a parse
error), so only the exception's type and the code locations are written.
"""

from __future__ import annotations

import logging
import os
import traceback
from contextlib import suppress
from logging.handlers import RotatingFileHandler
from pathlib import Path

from divert_tui.core.outfiles import PRIVATE_FILE_MODE, ensure_private_dir

LOG_NAME = "divert.log"


class PrivateRotatingFileHandler(RotatingFileHandler):
    """A rotating log whose files are owner-only (0600) whatever the umask, rotated ones too."""

    def _open(self):  # type: ignore[no-untyped-def]
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE_MODE)
        with suppress(OSError):
            os.fchmod(fd, PRIVATE_FILE_MODE)
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)


def describe_exception(error: BaseException) -> str:
    """Type and stack of an exception, without its message or any local values."""
    lines = [f"{type(error).__module__}.{type(error).__qualname__}"]
    frames = traceback.extract_tb(error.__traceback__)
    lines += [f"  {frame.filename}:{frame.lineno} in {frame.name}" for frame in frames]
    cause = error.__cause__ or error.__context__
    if cause is not None and cause is not error:
        lines.append("caused by " + describe_exception(cause))
    return "\n".join(lines)


def setup_logging(log_dir: Path, *, level: int = logging.INFO) -> Path | None:
    """Log to a rotating file in the user's log folder; returns its path (None if unwritable)."""
    root = logging.getLogger()
    root.setLevel(level)
    for handler in list(root.handlers):
        if getattr(handler, "_divert", False):
            root.removeHandler(handler)
    try:
        ensure_private_dir(log_dir)
        path = log_dir / LOG_NAME
        handler = PrivateRotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        return None
    handler._divert = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    # Library loggers can echo SQL parameters; keep them quiet.
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    return path
