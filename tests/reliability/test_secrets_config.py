"""Secrets in config files: a problem never echoes a key, a loaded config never shows
one, and a config file the library writes is private (0600) from the moment it exists."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from unittest.mock import MagicMock

import pytest

from copilot_tui.core.config import Config, ProviderConfig, load_config, save_config
from copilot_tui.core.errors import ConfigError
from tests.reliability.test_secrets import KEY, LITERAL, leaks

pytestmark = pytest.mark.secret

# -- config problems never echo a key ---------------------------------------------------

P = "[providers.p]\nbase_url = 'http://h'\n"


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        # The key where its variable's name belongs:
        (f"api_key_env = '{KEY}'", "must be the NAME of a variable like OPENAI_API_KEY"),
        (f"api_key = ['{KEY}']", "expected a string in quotes, got array"),
        (f'headers = {{ Authorization = "Bearer {KEY}\\n" }}', "must be one line"),
        (f"headers = {{ Authorization = ['{KEY}'] }}", "got array"),
    ],
)
def test_a_config_problem_does_not_echo_the_key(tmp_path: Path, line: str, fragment: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(P + line + "\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.line == 3
    assert fragment in str(caught.value)
    assert leaks(str(caught.value)) == []


def test_a_loaded_config_does_not_show_its_keys(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(P + f"api_key = '{LITERAL}'\nheaders = {{ X-Token = '{KEY}', X-Team = 'b' }}\n")
    config = load_config(path)
    assert config.providers[0].api_key == LITERAL
    for shown in (repr(config), str(config), repr(config.providers[0])):
        assert leaks(shown) == []
        assert "X-Team" in shown


# -- a config file the library writes ---------------------------------------------------


def test_save_is_private_atomic_and_tidy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spy = MagicMock(wraps=os.open)
    monkeypatch.setattr(os, "open", spy)
    for name in ("chmod", "fchmod", "lchmod"):  # the mode is right from creation
        monkeypatch.setattr(os, name, lambda *args, **kw: pytest.fail("chmod"), raising=False)
    secret = Config(providers=(ProviderConfig("p", "http://h", api_key=LITERAL),))
    path = save_config(secret, tmp_path / "new" / "dir" / "c.toml")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    flags, mode = spy.call_args.args[1:]
    assert (bool(flags & os.O_CREAT), bool(flags & os.O_EXCL), mode) == (True, True, 0o600)
    save_config(Config(), path)  # replacing leaves no temp file either
    assert os.listdir(path.parent) == ["c.toml"]
    assert path.read_text() == ""


@pytest.mark.parametrize(("before", "after"), [(0o644, 0o600), (0o400, 0o400), (0o600, 0o600)])
def test_save_never_widens_an_existing_mode(tmp_path: Path, before: int, after: int) -> None:
    path = tmp_path / "config.toml"
    path.write_text("")
    path.chmod(before)
    save_config(Config(default_model="m"), path)
    assert stat.S_IMODE(path.stat().st_mode) == after
    assert load_config(path).default_model == "m"
