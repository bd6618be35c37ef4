"""Tests of reading and writing good config.toml files.

Bad files, properties and secrets: tests/reliability/ (test_bad_config, test_properties,
test_secrets).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import fields
from pathlib import Path
from unittest.mock import MagicMock

import pytest

from copilot_tui.core.config import (
    CONFIG_REFERENCE,
    Config,
    ProviderConfig,
    RetryPolicy,
    Timeouts,
    UiConfig,
    config_from_dict,
    config_to_dict,
    load_config,
    save_config,
)
from copilot_tui.core.errors import ConfigError

SECRET = "sk-test-0123456789abcdef"
DATACLASSES = (Config, Timeouts, RetryPolicy, UiConfig, ProviderConfig)
FULL = f"""\
default_model = "local:qwen2.5"
default_provider = "local"
data_dir = "~/chats"
flush_interval = 0.25
timeouts = {{ connect = 3, idle = 120.5 }}
retry = {{ max_attempts = 2, base_delay = 0.1, max_delay = 5.0, max_retry_after = 30.0 }}
ui.theme = "nord"

[providers.openai]
base_url = "https://api.openai.com/v1/"
api_key = "{SECRET}"
headers = {{ "X-Extra" = "1", Authorization = "Bearer hidden-token" }}
max_concurrency = 2
default_model = "gpt-4o"
models = ["gpt-4o", "gpt-4o-mini"]
models_url = "https://api.openai.com/v1/models"

[providers.local]
base_url = "http://127.0.0.1:8000/v1"
api_key_env = "LOCAL_KEY"
"""


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "config.toml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def test_absent_file_gives_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "missing" / "config.toml"
    monkeypatch.setenv("COPILOT_TUI_CONFIG", str(path))
    config = load_config()  # the path comes from paths.config_file()
    assert (config, config.source) == (Config(), None)
    assert (config.timeouts, config.retry, config.ui) == (Timeouts(), RetryPolicy(), UiConfig())
    assert not path.parent.exists()
    path.parent.mkdir()
    path.write_text("flush_interval = 2\n")
    assert (load_config().flush_interval, load_config().source) == (2.0, path)


def test_full_file_is_read_and_normalised(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, FULL))
    openai, local = config.providers
    assert openai.base_url == "https://api.openai.com/v1"
    assert dict(openai.headers) == {"X-Extra": "1", "Authorization": "Bearer hidden-token"}
    assert (openai.models, openai.max_concurrency) == (("gpt-4o", "gpt-4o-mini"), 2)
    assert (local.api_key_env, local.max_concurrency, local.api_key) == ("LOCAL_KEY", 4, None)
    assert config.data_dir == Path.home() / "chats"
    assert (config.timeouts, config.retry) == (Timeouts(3.0, 120.5), RetryPolicy(2, 0.1, 5.0, 30.0))
    assert isinstance(config.timeouts.connect, float)
    assert (config.ui.theme, config.default_provider) == ("nord", "local")
    assert config.source == tmp_path / "config.toml"


def test_round_trip_through_save_and_a_symlink(tmp_path: Path) -> None:
    first = load_config(write(tmp_path, FULL))
    link = tmp_path / "link.toml"
    link.symlink_to(tmp_path / "config.toml")
    assert save_config(first, link) == link
    assert link.is_symlink()  # a symlinked dotfile stays a link
    assert load_config(tmp_path / "config.toml") == first
    assert config_from_dict(config_to_dict(first)) == first
    assert config_to_dict(Config()) == {}  # defaults are left out


def test_failed_save_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "default_model = 'old'\n")
    monkeypatch.setattr(os, "replace", MagicMock(side_effect=OSError(28, "No space left")))
    with pytest.raises(ConfigError, match="cannot write the config file: No space left") as caught:
        save_config(Config(default_model="new"), path)
    assert caught.value.path == path
    assert path.read_text() == "default_model = 'old'\n"
    assert os.listdir(tmp_path) == ["config.toml"]


def test_provider_config_is_normalised_immutable_and_hashable() -> None:
    provider = ProviderConfig("p", "http://h/v1///", headers={"A": "1"}, models=["m"])  # type: ignore[arg-type]
    same = ProviderConfig("p", "http://h/v1", headers={"A": "1"}, models=("m",))
    assert (provider.base_url, provider.models) == ("http://h/v1", ("m",))
    with pytest.raises(TypeError):
        provider.headers["A"] = "2"  # type: ignore[index]
    assert provider == same
    assert len({provider, same}) == 1


def test_reference_is_valid_toml_that_loads_and_documents_every_key(tmp_path: Path) -> None:
    tomllib.loads(CONFIG_REFERENCE)
    assert load_config(write(tmp_path, CONFIG_REFERENCE)).providers[0].name == "openai"
    documented = CONFIG_REFERENCE.replace("# api_key", "api_key").replace("# data_dir", "data_dir")
    for cls in DATACLASSES:
        for spec in fields(cls):
            if spec.name not in ("providers", "source", "name", "timeouts", "retry", "ui"):
                assert f"\n{spec.name} = " in documented, spec.name
    for table in ("[timeouts]", "[retry]", "[ui]", "[providers.openai]"):
        assert table in documented
