"""Settings: where the database is, where scheme files live, how soon the screen locks.

Precedence, strongest first: command-line option, environment variable, config file,
built-in default. The config file is TOML at ``config_path()`` (or ``DIVERT_CONFIG``).
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir, user_log_dir

APP_NAME = "divert"
ENV_DATABASE_URL = "DIVERT_DATABASE_URL"
ENV_CONFIG = "DIVERT_CONFIG"
ENV_DATA_DIR = "DIVERT_DATA_DIR"
KNOWN_KEYS = {"database_url", "idle_lock_minutes", "schemes_dir", "log_dir", "theme"}


class ConfigError(ValueError):
    """A config file that cannot be used; the message names the file, key and problem."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_dir: Path
    log_dir: Path
    config_file: Path
    idle_lock_minutes: int = 10
    schemes_dir: Path | None = None
    theme: str = "textual-dark"
    sources: dict[str, str] = field(default_factory=dict)


def display_url(url: str) -> str:
    """A database URL fit to show on screen: any password replaced by ***."""
    return re.sub(r"(://[^:/@]+):.*@", r"\1:***@", url)


_URL_SHAPE = re.compile(r"^(sqlite|postgresql)(\+[a-z0-9_]+)?://", re.IGNORECASE)


def check_database_url(url: str) -> None:
    """Refuse a URL that is plainly not one for SQLite or PostgreSQL, before anything opens."""
    if not _URL_SHAPE.match(url):
        raise ConfigError(
            f"{display_url(url)!r} is not a database URL: use sqlite:///PATH or "
            "postgresql+psycopg://USER:PASSWORD@HOST:PORT/NAME"
        )


def config_path() -> Path:
    override = os.environ.get(ENV_CONFIG)
    return (
        Path(override).expanduser() if override else Path(user_config_dir(APP_NAME)) / "config.toml"
    )


def data_dir() -> Path:
    override = os.environ.get(ENV_DATA_DIR)
    return Path(override).expanduser() if override else Path(user_data_dir(APP_NAME))


def default_database_url() -> str:
    return f"sqlite:///{data_dir() / 'divert.db'}"


def _read_config_file(path: Path) -> dict[str, object]:
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.__class__.__name__})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    unknown = set(data) - KNOWN_KEYS
    if unknown:
        raise ConfigError(
            f"{path}: unknown setting {sorted(unknown)[0]!r} (known: {', '.join(sorted(KNOWN_KEYS))})"
        )
    return data


def load_settings(database_url: str | None = None) -> Settings:
    """Settings from the command line option, the environment, the config file and defaults."""
    path = config_path()
    file_values = _read_config_file(path)
    sources: dict[str, str] = {}

    from_file = file_values.get("database_url")
    if from_file is not None and (not isinstance(from_file, str) or not from_file):
        raise ConfigError(f"{path}: database_url: expected a database URL in quotes")
    if database_url:
        url, sources["database_url"] = database_url, "--db"
    elif os.environ.get(ENV_DATABASE_URL):
        url, sources["database_url"] = os.environ[ENV_DATABASE_URL], ENV_DATABASE_URL
    elif isinstance(from_file, str):
        url, sources["database_url"] = from_file, str(path)
    else:
        url, sources["database_url"] = default_database_url(), "default"

    idle = file_values.get("idle_lock_minutes", 10)
    if not isinstance(idle, int) or isinstance(idle, bool) or not 1 <= idle <= 240:
        raise ConfigError(f"{path}: idle_lock_minutes: expected a whole number from 1 to 240")

    schemes_dir = file_values.get("schemes_dir")
    if schemes_dir is not None and not isinstance(schemes_dir, str):
        raise ConfigError(f"{path}: schemes_dir: expected a folder path in quotes")
    log_dir = file_values.get("log_dir", user_log_dir(APP_NAME))
    if not isinstance(log_dir, str):
        raise ConfigError(f"{path}: log_dir: expected a folder path in quotes")
    theme = file_values.get("theme", "textual-dark")
    if not isinstance(theme, str):
        raise ConfigError(f"{path}: theme: expected a theme name in quotes")

    return Settings(
        database_url=url,
        data_dir=data_dir(),
        log_dir=Path(log_dir).expanduser(),
        config_file=path,
        idle_lock_minutes=idle,
        schemes_dir=Path(schemes_dir).expanduser() if schemes_dir else None,
        theme=theme,
        sources=sources,
    )
