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
#: Textual's built-in themes and the app's own; a test keeps this in step with Textual, so
#: that checking a config file needs no Textual import.
KNOWN_THEMES = frozenset(
    {
        "ansi-dark",
        "ansi-light",
        "atom-one-dark",
        "atom-one-light",
        "catppuccin-frappe",
        "catppuccin-latte",
        "catppuccin-macchiato",
        "catppuccin-mocha",
        "divert-high-contrast",
        "dracula",
        "flexoki",
        "gruvbox",
        "monokai",
        "nord",
        "rose-pine",
        "rose-pine-dawn",
        "rose-pine-moon",
        "solarized-dark",
        "solarized-light",
        "textual-dark",
        "textual-light",
        "tokyo-night",
    }
)


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

    @property
    def uses_default_database(self) -> bool:
        """The SQLite file in the data folder, whose folder the app may create itself."""
        return self.sources.get("database_url") == "default"


def display_url(url: str) -> str:
    """A database URL fit to show on screen: any password replaced by ***."""
    return re.sub(r"(://[^:/@]+):.*@", r"\1:***@", url)


_URL_SHAPE = re.compile(r"^(sqlite|postgresql)(\+[a-z0-9_]+)?://", re.IGNORECASE)


_SQLITE_WITHOUT_FILE = re.compile(r"^sqlite(\+[a-z0-9_]+)?:///?(:memory:)?$", re.IGNORECASE)


def check_database_url(url: str) -> None:
    """Refuse a URL that is plainly not one for SQLite or PostgreSQL, before anything opens."""
    if not _URL_SHAPE.match(url):
        raise ConfigError(
            f"{display_url(url)!r} is not a database URL: use sqlite:///PATH or "
            "postgresql+psycopg://USER:PASSWORD@HOST:PORT/NAME"
        )
    check_names_a_file(url)


def check_names_a_file(url: str) -> None:
    """Refuse ``sqlite:///`` and the like: an in-memory database would keep nothing."""
    if _SQLITE_WITHOUT_FILE.match(url):
        raise ConfigError(
            f"{url!r} names no database file (an in-memory database keeps nothing): "
            "use sqlite:///PATH/divert.db"
        )


def config_dir() -> Path:
    """The folder of the config file; the audit key is kept beside it (owner-only)."""
    return config_path().parent


def audit_key_path() -> Path:
    return config_dir() / "audit.key"


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
        if os.environ.get(ENV_CONFIG):
            raise ConfigError(
                f"{path}: no such config file (named by {ENV_CONFIG}); create it, "
                f"or unset {ENV_CONFIG} to use the defaults"
            )
        return {}
    if path.is_dir():
        raise ConfigError(f"{path}: is a folder, not a config file")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror or 'error'})") from None
    if b"\x00" in raw:
        raise ConfigError(f"{path}: not a text file; the config file is TOML text (key = value)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: not UTF-8 text (undecodable byte at position {exc.start}); save it as UTF-8"
        ) from None
    try:
        data = tomllib.loads(text)
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
    if theme not in KNOWN_THEMES:
        raise ConfigError(
            f"{path}: theme: unknown theme {theme[:40]!r} (use one of "
            f"{', '.join(sorted(KNOWN_THEMES))})"
        )

    try:
        check_names_a_file(url)
    except ConfigError as exc:
        where = {"--db": "--db", ENV_DATABASE_URL: ENV_DATABASE_URL, "default": "default"}
        source = where.get(sources["database_url"], f"{path}: database_url")
        raise ConfigError(f"{source}: {exc}") from None
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
