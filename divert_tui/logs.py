"""The log file: what went wrong and where in the code, never whose record it was.

Exception messages can carry values (a name in a failed query, a phone number in a parse
error), so only the exception's type and the code locations are written.
"""

from __future__ import annotations

import logging
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_NAME = "divert.log"


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
        log_dir.mkdir(parents=True, exist_ok=True)
        path = log_dir / LOG_NAME
        handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        return None
    handler._divert = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    # Library loggers can echo SQL parameters; keep them quiet.
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    return path
