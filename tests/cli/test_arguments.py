"""Argument handling: help, version, the UI launch, and one-line errors with exit status 2."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path
from typing import Any

import pytest

import copilot_tui.app
from tests.cli.support import Cli, one_error_line


@pytest.fixture
def ui_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []

    def fake_run_app(**kwargs: Any) -> int:
        calls.append(kwargs)
        return 7

    monkeypatch.setattr(copilot_tui.app, "run_app", fake_run_app)
    return calls


def test_help_describes_every_command(cli: Cli) -> None:
    result = cli("--help")
    assert result.status == 0
    for usage in (
        "copilot-tui [--session ID] [--model M]",
        "copilot-tui ask [--session ID] [--model M] [PROMPT ...]",
        "copilot-tui ask --model A --model B [--model C ...] [--json] [PROMPT ...]",
        "copilot-tui sessions list [--json]",
        "copilot-tui sessions delete ID",
        "copilot-tui sessions rename ID TITLE",
        "copilot-tui sessions export ID [--format md|json] [-o FILE]",
        "copilot-tui compare export COMPARE_ID [-o FILE]",
    ):
        assert usage in result.out
    assert cli("sessions", "export", "-h").status == 0
    compare_help = " ".join(cli("compare", "export", "-h").out.split())
    assert "'ask --model A --model B ...' prints the run's id" in compare_help
    ask_help = cli("ask", "--help").out
    for text in ("--json", "Repeat it to ask several models", "compare run ID: N replies"):
        assert text in " ".join(ask_help.split())


def test_version_comes_from_the_package_metadata(cli: Cli) -> None:
    result = cli("--version")
    assert result.status == 0
    assert result.out.strip() == f"copilot-tui {importlib.metadata.version('copilot-tui')}"


def test_no_command_launches_the_ui_with_session_and_model(
    cli: Cli, ui_calls: list[dict[str, Any]]
) -> None:
    assert cli().status == 7
    assert cli("--session", "user-123-chat", "--model", "ollama:llama3.2").status == 7
    assert ui_calls == [
        {"session_id": None, "model": None},
        {"session_id": "user-123-chat", "model": "ollama:llama3.2"},
    ]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["--bogus"], "unrecognized arguments: --bogus"),
        (["sessions"], "required: ACTION"),
        (["sessions", "delete"], "required: ID"),
        (["sessions", "rename", "chat"], "required: TITLE"),
        (["sessions", "rename", "chat", "   "], "the title is empty"),
        (["sessions", "list", "extra"], "unrecognized arguments: extra"),
        (["sessions", "export", "chat", "--format", "pdf"], "invalid choice: 'pdf'"),
        (["ask", "--model", " ", "hi"], "the model name is empty"),
        (["ask", "--session", "chat", "--model", "a", "--model", "b", "hi"], "--session takes one"),
        (["ask", "--json", "--json=x", "hi"], "--json: ignored explicit argument 'x'"),
        (["--session", "chat", "sessions", "list"], "before 'sessions' are for the UI"),
        (["compare"], "required: ACTION"),
        (["compare", "export"], "required: COMPARE_ID"),
        (["compare", "export", " "], "the compare id is empty"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(
    cli: Cli, argv: list[str], expected: str, ui_calls: list[dict[str, Any]]
) -> None:
    result = cli(*argv)
    assert expected in one_error_line(result, 2)
    assert result.out == ""
    assert ui_calls == []


def test_control_characters_in_arguments_are_shown_not_sent(cli: Cli) -> None:
    line = one_error_line(cli("sessions", "list", "\x1b[2J\nx"), 2)
    assert "\x1b" not in line
    assert "␛[2J x" in line


def test_an_unusable_store_is_one_line_exit_1(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv("COPILOT_TUI_DATA_DIR", str(blocker))
    one_error_line(cli("sessions", "list"), 1)
