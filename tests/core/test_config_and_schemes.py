"""Settings precedence and broken config files; the shipped scheme files and broken ones
(issue 2 items 4 and 6, "Bad input": a message naming the file, the key and the problem)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from divert_tui.config import ConfigError, config_path, default_database_url, load_settings
from divert_tui.core.bootstrap import open_database
from divert_tui.core.schemes import Scheme, SchemeError, load_schemes

SHIPPED = Path(__file__).resolve().parents[2] / "divert_tui" / "schemes"
WEST_MIDLANDS_TOML = (SHIPPED / "west_midlands.toml").read_text(encoding="utf-8")


# --- settings -------------------------------------------------------------------------------


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "conf" / "config.toml"
    path.parent.mkdir()
    path.write_text("", encoding="utf-8")
    monkeypatch.setenv("DIVERT_CONFIG", str(path))
    return path


def test_default_is_a_sqlite_file_in_the_data_dir(tmp_path, monkeypatch, config_file) -> None:
    monkeypatch.setenv("DIVERT_DATA_DIR", str(tmp_path / "data"))
    settings = load_settings()
    assert settings.database_url == f"sqlite:///{tmp_path / 'data' / 'divert.db'}"
    assert settings.sources["database_url"] == "default"
    assert settings.data_dir == tmp_path / "data"
    assert settings.idle_lock_minutes == 10
    assert settings.config_file == config_file


def test_default_data_dir_follows_the_platform(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("DIVERT_DATA_DIR", raising=False)
    monkeypatch.delenv("DIVERT_CONFIG", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setattr("sys.platform", "linux")
    assert default_database_url() == f"sqlite:///{tmp_path / 'xdg-data' / 'divert' / 'divert.db'}"
    assert config_path() == tmp_path / "xdg-config" / "divert" / "config.toml"


def test_precedence_db_option_then_environment_then_file_then_default(
    config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file_url = "postgresql+psycopg://file@db.example/divert"
    env_url = "postgresql+psycopg://env@db.example/divert"
    cli_url = "sqlite:////srv/divert/cli.db"
    config_file.write_text(f'database_url = "{file_url}"\n', encoding="utf-8")

    monkeypatch.setenv("DIVERT_DATABASE_URL", env_url)
    settings = load_settings(cli_url)
    assert (settings.database_url, settings.sources["database_url"]) == (cli_url, "--db")

    settings = load_settings()
    assert (settings.database_url, settings.sources["database_url"]) == (
        env_url,
        "DIVERT_DATABASE_URL",
    )

    monkeypatch.delenv("DIVERT_DATABASE_URL")
    settings = load_settings()
    assert (settings.database_url, settings.sources["database_url"]) == (
        file_url,
        str(config_file),
    )

    config_file.write_text("", encoding="utf-8")
    settings = load_settings()
    assert settings.database_url == default_database_url()
    assert settings.sources["database_url"] == "default"


def test_config_file_values_are_read(config_file: Path, tmp_path: Path) -> None:
    config_file.write_text(
        f'idle_lock_minutes = 25\nschemes_dir = "{tmp_path / "schemes"}"\n'
        f'log_dir = "{tmp_path / "logs"}"\ntheme = "textual-light"\n',
        encoding="utf-8",
    )
    settings = load_settings()
    assert settings.idle_lock_minutes == 25
    assert settings.schemes_dir == tmp_path / "schemes"
    assert settings.log_dir == tmp_path / "logs"
    assert settings.theme == "textual-light"


@pytest.mark.parametrize(
    ("content", "key", "words"),
    [
        ('database_url = "sqlite:///x.db\n', None, "not valid TOML"),
        ("idle_lock_minutes = = 3\n", None, "not valid TOML"),
        ('databse_url = "sqlite:///x.db"\n', "databse_url", "unknown setting"),
        ('idle_lock_minutes = "ten"\n', "idle_lock_minutes", "whole number"),
        ("idle_lock_minutes = 0\n", "idle_lock_minutes", "whole number"),
        ("idle_lock_minutes = 241\n", "idle_lock_minutes", "whole number"),
        ("idle_lock_minutes = true\n", "idle_lock_minutes", "whole number"),
        ("idle_lock_minutes = 2.5\n", "idle_lock_minutes", "whole number"),
        ("database_url = 5\n", "database_url", "database URL"),
        ('database_url = ""\n', "database_url", "database URL"),
        ("schemes_dir = 3\n", "schemes_dir", "folder"),
        ("log_dir = []\n", "log_dir", "folder"),
        ("theme = 1\n", "theme", "theme"),
    ],
)
def test_a_broken_config_file_names_file_and_key(
    config_file: Path, content: str, key: str | None, words: str
) -> None:
    config_file.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert str(config_file) in message
    assert words in message
    if key is not None:
        assert key in message


def test_an_unreadable_config_file_is_a_config_error(config_file: Path) -> None:
    config_file.write_bytes(b"theme = '\xff\xfe'\n")
    with pytest.raises(ConfigError, match=re.escape(str(config_file))):
        load_settings()


# --- the shipped schemes ----------------------------------------------------------------------


def test_the_four_shipped_forces_load() -> None:
    schemes = load_schemes()
    assert set(schemes) == {"west_midlands", "west_mercia", "warwickshire", "staffordshire"}
    assert {s.name for s in schemes.values()} == {
        "West Midlands Police",
        "West Mercia Police",
        "Warwickshire Police",
        "Staffordshire Police",
    }
    for code, scheme in schemes.items():
        assert scheme.code == code
        assert scheme.source.endswith(f"{code}.toml")


def test_west_midlands_values() -> None:
    wm = load_schemes()["west_midlands"]
    assert wm == Scheme(
        code="west_midlands",
        name="West Midlands Police",
        commissioner="Police and Crime Commissioner for West Midlands",
        minimum_age=18,
        bar_months=12,
        contact_attempts=3,
        contact_days=10,
        first_contact_working_days=2,
        police_outcome_label="Community Resolution",
        hours_saved_per_referral=4.25,
        groups=("cannabis", "cocaine", "nitrous_oxide", "general"),
        source="west_midlands.toml",
        commissioned_places=5000,
    )
    assert isinstance(wm.hours_saved_per_referral, float)


def test_commissioned_places_are_optional_and_checked(tmp_path: Path) -> None:
    without = WEST_MIDLANDS_TOML.split("[commissioning]")[0]
    (tmp_path / "west_midlands.toml").write_text(without, encoding="utf-8")
    assert load_schemes(tmp_path)["west_midlands"].commissioned_places is None
    broken = WEST_MIDLANDS_TOML.replace("places_per_year = 5000", 'places_per_year = "lots"')
    (tmp_path / "west_midlands.toml").write_text(broken, encoding="utf-8")
    with pytest.raises(SchemeError, match="commissioning.places_per_year: expected int"):
        load_schemes(tmp_path)


def test_a_folder_of_edited_copies_is_used(tmp_path: Path) -> None:
    (tmp_path / "west_midlands.toml").write_text(
        WEST_MIDLANDS_TOML.replace("bar_months = 12", "bar_months = 6"), encoding="utf-8"
    )
    (tmp_path / "README.txt").write_text("not a scheme", encoding="utf-8")
    schemes = load_schemes(tmp_path)
    assert list(schemes) == ["west_midlands"]
    assert schemes["west_midlands"].bar_months == 6
    assert schemes["west_midlands"].source == str(tmp_path / "west_midlands.toml")


# --- broken scheme files ------------------------------------------------------------------------


def _edit(old: str, new: str) -> str:
    assert old in WEST_MIDLANDS_TOML, old
    return WEST_MIDLANDS_TOML.replace(old, new)


BROKEN = {
    "missing bar": (_edit("bar_months = 12", ""), "eligibility.bar_months", "missing"),
    "missing name": (_edit('name = "West Midlands Police"', ""), "name", "missing"),
    "missing table": (
        _edit('[police]\noutcome_label = "Community Resolution"', 'outcome_label = "x"'),
        "[police]",
        "missing",
    ),
    "bar as text": (
        _edit("bar_months = 12", 'bar_months = "twelve"'),
        "eligibility.bar_months",
        "expected int, found str",
    ),
    "bar as fraction": (
        _edit("bar_months = 12", "bar_months = 12.5"),
        "eligibility.bar_months",
        "expected int",
    ),
    "attempts as bool": (_edit("attempts = 3", "attempts = true"), "contact.attempts", "int"),
    "hours as text": (
        _edit("hours_saved_per_referral = 4.25", 'hours_saved_per_referral = "4h15"'),
        "police.hours_saved_per_referral",
        "expected float",
    ),
    "groups as text": (
        _edit('groups = ["cannabis", "cocaine", "nitrous_oxide", "general"]', 'groups = "all"'),
        "courses.groups",
        "expected list",
    ),
    "negative bar": (_edit("bar_months = 12", "bar_months = -1"), "eligibility.bar_months", "0"),
    "negative hours": (
        _edit("hours_saved_per_referral = 4.25", "hours_saved_per_referral = -4.25"),
        "police.hours_saved_per_referral",
        "0",
    ),
    "zero attempts": (_edit("attempts = 3", "attempts = 0"), "contact.attempts", "above 0"),
    "zero minimum age": (
        _edit("minimum_age = 18", "minimum_age = 0"),
        "eligibility.minimum_age",
        "above 0",
    ),
    "unknown group": (
        _edit('"nitrous_oxide", "general"]', '"nitrous_oxide", "ketamine"]'),
        "courses.groups",
        "unknown group 'ketamine'",
    ),
    "bad code": (
        _edit('code = "west_midlands"', 'code = "west-midlands"'),
        "code",
        "'west-midlands'",
    ),
    "bad toml": (_edit("bar_months = 12", "bar_months = "), "", "not valid TOML"),
    "unclosed string": (_edit('"Community Resolution"', '"Community Resolution'), "", "TOML"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_scheme_file_names_file_and_key(tmp_path: Path, case: str) -> None:
    text, key, words = BROKEN[case]
    (tmp_path / "west_mercia.toml").write_text(
        _edit('code = "west_midlands"', 'code = "west_mercia"'), encoding="utf-8"
    )
    broken = tmp_path / "west_midlands.toml"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(SchemeError) as caught:
        load_schemes(tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{broken}:"), message
    assert key in message
    assert words in message


def test_a_duplicate_code_names_the_second_file(tmp_path: Path) -> None:
    (tmp_path / "a_west_midlands.toml").write_text(WEST_MIDLANDS_TOML, encoding="utf-8")
    (tmp_path / "b_copy.toml").write_text(WEST_MIDLANDS_TOML, encoding="utf-8")
    with pytest.raises(SchemeError) as caught:
        load_schemes(tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'b_copy.toml'}: code:")
    assert "'west_midlands' is defined twice" in message


def test_an_empty_scheme_folder_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("no schemes here", encoding="utf-8")
    with pytest.raises(SchemeError) as caught:
        load_schemes(tmp_path)
    assert str(tmp_path) in str(caught.value)
    assert "no scheme files" in str(caught.value)


def test_a_missing_scheme_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SchemeError, match="scheme folder not found"):
        load_schemes(tmp_path / "nowhere")


def test_a_scheme_file_not_in_utf8_names_the_file(tmp_path: Path) -> None:
    """An admin saving from a Windows editor (cp1252 pound sign in a comment)."""
    (tmp_path / "west_mercia.toml").write_text(
        _edit('code = "west_midlands"', 'code = "west_mercia"'), encoding="utf-8"
    )
    broken = tmp_path / "west_midlands.toml"
    broken.write_bytes(("# costs \xa3 per arrest\n" + WEST_MIDLANDS_TOML).encode("cp1252"))
    with pytest.raises(SchemeError) as caught:
        load_schemes(tmp_path)
    assert str(broken) in str(caught.value)


def test_a_broken_scheme_stops_start_before_the_database_is_touched(tmp_path: Path) -> None:
    folder = tmp_path / "schemes"
    folder.mkdir()
    (folder / "west_midlands.toml").write_text(
        _edit("bar_months = 12", "bar_months = -12"), encoding="utf-8"
    )
    path = tmp_path / "data" / "divert.db"
    with pytest.raises(SchemeError, match="eligibility.bar_months"):
        open_database(f"sqlite:///{path}", folder)
    assert not path.exists()
