"""Bad config files: each problem is one line naming the file, its line and its key.

`load_config` raises one `ConfigError` per problem; every command of `copilot-tui`
(the UI too) then exits 2 with that line on stderr and no traceback, having created
nothing, and no command ever writes over a config file it could not use.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest

from copilot_tui.__main__ import main
from copilot_tui.app import CopilotApp
from copilot_tui.core.config import config_from_dict, load_config
from copilot_tui.core.errors import ConfigError

pytestmark = pytest.mark.bad_input


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


# -- load_config: one error per problem --------------------------------------------------

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
    ('"\\u001b[2J" = 1\n', 1, '"\\u001b[2J"', "unknown key '\"\\u001b[2J\"'"),
    ("a = '\x1b]52;c;aGk=\x07'\n", 1, None, "character '\\x1b'; fix the syntax"),
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
    assert str(error).isprintable()  # one line, and nothing a terminal would obey


def test_config_from_dict_without_text() -> None:
    error = error_of(lambda: config_from_dict({"retry": {"max_atempts": 1}}, source="inline"))
    assert error is not None
    assert (error.line, error.key, str(error.path)) == (None, "retry.max_atempts", "inline")
    # With no [providers], default_provider may name one discovered from the environment.
    assert config_from_dict({"default_provider": "ollama"}).default_provider == "ollama"


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


def test_load_never_writes(tmp_path: Path) -> None:
    for text in (P, "bad = = toml", "[retry]\nmax_atempts = 1\n"):
        path = write(tmp_path, text)
        path.chmod(0o644)
        before = (path.stat().st_mtime_ns, path.stat().st_mode, path.read_bytes())
        error_of(lambda: load_config(path))  # noqa: B023 - called at once
        assert (path.stat().st_mtime_ns, path.stat().st_mode, path.read_bytes()) == before
        assert os.listdir(tmp_path) == ["config.toml"]


# -- copilot-tui: every command stops with that one line, exit status 2 ----------------


class Problem(NamedTuple):
    text: str | None  # None: the file is made unreadable instead
    line: int | None
    key: str | None


PROBLEMS = {
    "malformed TOML": Problem("default_model = [unclosed\n", 1, None),
    "wrong type": Problem("[retry]\nbase_delay = 0.1\nmax_attempts = 'many'\n", 3,
                          "retry.max_attempts"),
    "unknown key": Problem("[ui]\ntheme = 'nord'\ncolour = 'red'\n", 3, "ui.colour"),
    "missing env var for a key": Problem(
        "default_model = 'm'\n\n[providers.p]\nbase_url = 'http://127.0.0.1:9/v1'\n"
        "api_key_env = 'UNSET_KEY_VARIABLE'\n", 5, "providers.p.api_key_env"),
    "not UTF-8": Problem("ui = {}\n# caf\xe9\n", 2, None),
    "unreadable (a directory)": Problem(None, None, None),
}  # fmt: skip
COMMANDS = {
    "the UI": [],
    "the UI on a session": ["--session", "chat"],
    "ask": ["ask", "hi"],
    "ask, several models": ["ask", "--model", "a", "--model", "b", "hi"],
    "sessions list": ["sessions", "list", "--json"],
    "sessions export": ["sessions", "export", "chat"],
    "sessions delete": ["sessions", "delete", "chat"],
}
# Only the commands that talk to a model need its key.
NEEDS_KEY = {"the UI", "the UI on a session", "ask", "ask, several models"}


def plant(config: Path, problem: Problem) -> None:
    config.parent.mkdir(parents=True, exist_ok=True)
    if problem.text is None:
        config.mkdir()
    else:
        encoding = "latin-1" if "\xe9" in problem.text else "utf-8"
        config.write_bytes(problem.text.encode(encoding))
        config.chmod(0o644)


def snapshot(config: Path) -> tuple[object, ...]:
    """What must not change: the file's bytes, mode and time, and its folder's listing."""
    info = config.stat()
    content = config.read_bytes() if config.is_file() else None
    return content, info.st_mode, info.st_mtime_ns, sorted(os.listdir(config.parent))


@pytest.mark.parametrize("problem", PROBLEMS.values(), ids=list(PROBLEMS))
def test_every_command_stops_with_one_line_naming_file_line_and_key(
    problem: Problem,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(CopilotApp, "run", lambda *_, **__: pytest.fail("the app started"))
    monkeypatch.setattr("sys.stdin", None)  # `ask` must stop before reading a prompt
    config = Path(os.environ["COPILOT_TUI_CONFIG"])
    plant(config, problem)
    before = snapshot(config)
    where = f"{config}:{problem.line}: " if problem.line else f"{config}: "
    what = f"key '{problem.key}': " if problem.key else ""
    for name, argv in COMMANDS.items():
        if problem.key == "providers.p.api_key_env" and name not in NEEDS_KEY:
            continue
        status = main(argv)
        out, err = capsys.readouterr()
        assert (status, out) == (2, ""), (name, err)
        assert err.startswith(f"copilot-tui: error: {where}{what}"), (name, err)
        assert err.endswith("\n")
        assert err[:-1].isprintable(), (name, err)  # one line, no traceback, no escapes
        assert snapshot(config) == before, name
    assert not (tmp_path / "data").exists()  # no store, no session, no UI state


def test_a_missing_key_variable_is_found_however_the_table_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = Path(os.environ["COPILOT_TUI_CONFIG"])
    config.parent.mkdir(parents=True)
    config.write_text(
        "providers.a = { base_url = 'http://h', api_key_env = 'SET_KEY' }\n"
        "[providers.b]\nbase_url = 'http://h'\n\n  api_key_env = 'NOT_SET_KEY'\n"
    )
    monkeypatch.setenv("SET_KEY", "k")
    assert main(["ask", "hi"]) == 2
    assert capsys.readouterr().err == (
        f"copilot-tui: error: {config}:5: key 'providers.b.api_key_env': environment "
        "variable NOT_SET_KEY is not set; export it or change api_key_env\n"
    )
    monkeypatch.setenv("NOT_SET_KEY", "   ")  # blank counts as unset
    assert main(["ask", "hi"]) == 2
    assert "NOT_SET_KEY is not set" in capsys.readouterr().err
