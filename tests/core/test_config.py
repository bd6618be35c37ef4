"""Tests of reading, validating and writing config.toml."""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from unittest.mock import MagicMock

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


def error_of(load: Callable[[], object]) -> ConfigError | None:
    """The ConfigError `load` raises, or None; any other exception propagates."""
    try:
        load()
    except ConfigError as error:
        return error
    return None


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


def test_save_is_private_atomic_and_tidy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spy = MagicMock(wraps=os.open)
    monkeypatch.setattr(os, "open", spy)
    for name in ("chmod", "fchmod", "lchmod"):  # the mode is right from creation
        monkeypatch.setattr(os, name, lambda *args, **kw: pytest.fail("chmod"), raising=False)
    path = save_config(load_config(write(tmp_path, FULL)), tmp_path / "new" / "dir" / "c.toml")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    flags, mode = spy.call_args.args[1:]
    assert (bool(flags & os.O_CREAT), bool(flags & os.O_EXCL), mode) == (True, True, 0o600)
    save_config(Config(), path)  # replacing leaves no temp file either
    assert os.listdir(path.parent) == ["c.toml"]
    assert path.read_text() == ""


@pytest.mark.parametrize(("before", "after"), [(0o644, 0o600), (0o400, 0o400), (0o600, 0o600)])
def test_save_never_widens_an_existing_mode(tmp_path: Path, before: int, after: int) -> None:
    path = write(tmp_path, "")
    path.chmod(before)
    save_config(Config(default_model="m"), path)
    assert stat.S_IMODE(path.stat().st_mode) == after
    assert load_config(path).default_model == "m"


def test_failed_save_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "default_model = 'old'\n")
    monkeypatch.setattr(os, "replace", MagicMock(side_effect=OSError(28, "No space left")))
    with pytest.raises(ConfigError, match="cannot write the config file: No space left") as caught:
        save_config(Config(default_model="new"), path)
    assert caught.value.path == path
    assert path.read_text() == "default_model = 'old'\n"
    assert os.listdir(tmp_path) == ["config.toml"]


def test_load_never_writes(tmp_path: Path) -> None:
    for text in (FULL, "bad = = toml", "[retry]\nmax_atempts = 1\n"):
        path = write(tmp_path, text)
        path.chmod(0o644)
        before = (path.stat().st_mtime_ns, path.stat().st_mode, path.read_bytes())
        error_of(lambda: load_config(path))  # noqa: B023 - called at once
        assert (path.stat().st_mtime_ns, path.stat().st_mode, path.read_bytes()) == before
        assert os.listdir(tmp_path) == ["config.toml"]


P = "[providers.p]\nbase_url = 'http://h'\n"  # a valid provider to add a line to
ERRORS = [
    # text, line, key, fragment of the message
    ("a = = 1\n", 1, None, "invalid TOML (column 5): invalid value; fix the syntax there"),
    ("ui = {}\ny = [1,\n", 3, None, "invalid TOML (end of file)"),
    ("[retry]\nmax_atempts = 3\n", 2, "retry.max_atempts",
     "unknown key 'max_atempts'; did you mean 'max_attempts'?"),
    ("provider = 1\n", 1, "provider", "did you mean 'providers'?"),
    ("[ui]\n\nzzz = 1\n", 3, "ui.zzz", "unknown key 'zzz'; the keys in [ui] are: theme"),
    (P + "base_ur = 1\n", 3, "providers.p.base_ur", "did you mean 'base_url'?"),
    ("[timeouts]\nidle = 'ten'\n", 2, "timeouts.idle", "expected a number, got string 'ten'"),
    ("[timeouts]\nidle = true\n", 2, "timeouts.idle", "expected a number, got boolean true"),
    ("[timeouts]\nconnect = -1.5\n", 2, "timeouts.connect", "must be greater than 0"),
    ("[retry]\nmax_attempts = 0\n", 2, "retry.max_attempts", "at least 1"),
    ("[retry]\nmax_attempts = 2.5\n", 2, "retry.max_attempts", "expected a whole number"),
    ("flush_interval = 0.01\n", 1, "flush_interval", "at least 0.05 and at most 10"),
    ("timeouts = 5\n", 1, "timeouts", "expected a table, got integer 5"),
    (P + "max_concurrency = 0\n", 3, "providers.p.max_concurrency", "at least 1"),
    ("[providers.'my p']\nbase_url = 'http://h'\n", 1, 'providers."my p"', "1 to 32"),
    (f"[providers.{'a' * 33}]\nbase_url = 'http://h'\n", 1, f"providers.{'a' * 33}", "1 to 32"),
    ("[providers.p]\nbase_url = 'ftp://h'\n", 2, "providers.p.base_url", "http:// or https://"),
    ("ui = {}\n[providers.p]\napi_key_env = 'K'\n", 2, "providers.p",
     "missing required key 'base_url'; add e.g. base_url = \"http://localhost:8000/v1\""),
    (P + "models = ['a', 3]\n", 3, "providers.p.models", "item 2 must be a non-empty string"),
    (P + "[providers.p.headers]\nX = 1\n", 4, "providers.p.headers.X", "expected a string"),
    (P + 'headers = { X = "1\\n2" }\n', 3, "providers.p.headers.X", "must be one line"),
    ("default_provider = 'q'\n" + P, 1, "default_provider", "'q' is not defined; use one of: p"),
    ("data_dir = 'relative/dir'\n", 1, "data_dir", "absolute"),
    ("default_model = ''\n", 1, "default_model", "must not be empty"),
    ("providers.p.base_url = 5\n", 1, "providers.p.base_url", "expected a string"),
    ("timeouts = { connect = 'x' }\n", 1, "timeouts.connect", "expected a number"),
    ('[ "providers" . "p" ]\nbase_url = "http://h"\n"max_concurrency" = -1\n', 3,
     "providers.p.max_concurrency", "at least 1"),
    ("[default_model.x]\n", 1, "default_model", "expected a string"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "line", "key", "fragment"), ERRORS)
def test_each_problem_is_one_config_error_with_line_and_key(
    tmp_path: Path, text: str, line: int, key: str | None, fragment: str
) -> None:
    path = write(tmp_path, text)
    error = error_of(lambda: load_config(path))
    assert error is not None
    assert (error.path, error.line, error.key) == (path, line, key)
    assert str(error).startswith(f"{path}:{line}: " + (f"key '{key}': " if key else ""))
    assert fragment in str(error)


def test_config_from_dict_without_text() -> None:
    error = error_of(lambda: config_from_dict({"retry": {"max_atempts": 1}}, source="inline"))
    assert error is not None
    assert (error.line, error.key, str(error.path)) == (None, "retry.max_atempts", "inline")
    # With no [providers], default_provider may name one discovered from the environment.
    assert config_from_dict({"default_provider": "ollama"}).default_provider == "ollama"


def test_secrets_are_not_echoed(tmp_path: Path) -> None:
    error = error_of(lambda: load_config(write(tmp_path, P + f"api_key_env = '{SECRET}'\n")))
    assert error is not None
    assert error.key == "providers.p.api_key_env"
    assert "NAME of a variable" in str(error)
    assert SECRET not in str(error)
    config = load_config(write(tmp_path, FULL))
    for shown in (repr(config), str(config), repr(config.providers[0])):
        assert SECRET not in shown
        assert "hidden-token" not in shown
    assert "X-Extra" in repr(config)


@pytest.mark.parametrize(("data", "line"), [(b"a = 1\n\xff = 2\n", 2), (b"\n\n# \xff", 3)])
def test_non_utf8_file(tmp_path: Path, data: bytes, line: int) -> None:
    error = error_of(lambda: load_config(write(tmp_path, data)))
    assert error is not None
    assert error.line == line
    assert "byte 0xff is not valid UTF-8; save the file as UTF-8" in str(error)
    bom = load_config(write(tmp_path, b"\xef\xbb\xbfdefault_model = 'm'\n"))  # is fine
    assert bom.default_model == "m"


def test_unreadable_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "config.toml"
    path.mkdir()
    with pytest.raises(ConfigError, match=f"^{path}: cannot read it: Is a directory; make it"):
        load_config(path)
    path.rmdir()
    path.symlink_to(tmp_path / "gone.toml")
    with pytest.raises(ConfigError, match="symbolic link to a missing file"):
        load_config(path)

    def denied(self: Path) -> bytes:  # chmod 000 does not stop root, as in CI containers
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(ConfigError, match="cannot read it: Permission denied"):
        load_config(path)


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


KNOWN_KEYS = [*(spec.name for cls in DATACLASSES for spec in fields(cls)), "openai", "X-Extra"]
KEYS = st.sampled_from(KNOWN_KEYS) | st.text(max_size=8)
SCALARS = st.booleans() | st.integers() | st.floats() | st.text(max_size=12) | st.dates()
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=12,
)


@given(st.dictionaries(KEYS, VALUES, max_size=6))
def test_any_toml_dict_gives_a_config_or_an_error_with_a_line(data: dict[str, object]) -> None:
    error_of(lambda: config_from_dict(data))  # any other exception fails the test
    text = tomli_w.dumps(data)
    error = error_of(lambda: config_from_dict(tomllib.loads(text), text=text))
    if error is not None:  # a schema problem: its key's line is always found
        assert error.key is not None
        assert error.line is not None, (text, str(error))


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=150)
@given(st.text(max_size=120) | st.binary(max_size=60))
def test_any_file_gives_a_config_or_a_config_error(tmp_path: Path, content: str | bytes) -> None:
    error = error_of(lambda: load_config(write(tmp_path, content)))
    assert error is None or error.line is None or error.line >= 1
