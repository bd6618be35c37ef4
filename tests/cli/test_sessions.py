"""`copilot-tui sessions list|delete|rename|export` against a store seeded by the library."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from copilot_tui.cli.sessions import session_table
from copilot_tui.cli.table import cell_width
from copilot_tui.core.demo_server import DemoServer
from copilot_tui.core.metadata import SessionMetadata
from tests.cli.support import Cli, one_error_line, seed, stored, stored_sessions

NOW = datetime(2026, 11, 21, 14, 3, tzinfo=UTC)


def test_list_with_no_sessions(cli: Cli) -> None:
    assert cli("sessions", "list") == (0, "no sessions yet\n", "")
    assert json.loads(cli("sessions", "list", "--json").out) == []


def test_list_is_a_table_newest_first(cli: Cli, provider: DemoServer) -> None:
    seed("older", "first question")
    seed("newer", "second question", "third question", title="Pelican questions")
    lines = cli("sessions", "list").out.splitlines()
    assert lines[0].split() == ["TITLE", "ID", "MODEL", "MODIFIED", "MSGS"]
    assert lines[1].split() == ["Pelican", "questions", "newer", "test", "just", "now", "4"]
    assert lines[2].split() == ["first", "question", "older", "test", "just", "now", "2"]
    assert lines[0].index("ID") == lines[1].index("newer") == lines[2].index("older")


def test_list_json_has_every_field(cli: Cli, provider: DemoServer) -> None:
    seed("chat", "hello")
    (item,) = json.loads(cli("sessions", "list", "--json").out)
    assert set(item) == {
        "session_id",
        "title",
        "model",
        "start_time",
        "modified_time",
        "message_count",
    }
    assert (item["session_id"], item["title"], item["model"]) == ("chat", "hello", "test")
    assert item["message_count"] == 2
    modified = datetime.fromisoformat(item["modified_time"])
    assert modified.utcoffset() is not None
    assert abs(modified - datetime.now(UTC)) < timedelta(minutes=5)


def test_list_truncates_titles_to_the_terminal(
    cli: Cli, provider: DemoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed("chat", "a long title " * 20)
    monkeypatch.setenv("COLUMNS", "60")
    lines = cli("sessions", "list").out.splitlines()
    assert all(cell_width(line) <= 60 for line in lines)
    assert "…" in lines[1]
    assert " chat " in lines[1]


def test_table_escapes_titles_and_aligns_wide_characters() -> None:
    sessions = [
        SessionMetadata("a", "日本語の題\x1b[2J", "m", NOW, NOW - timedelta(days=1), 3),
        SessionMetadata("b", "", "m", NOW, NOW - timedelta(minutes=5), 12),
    ]
    lines = session_table(sessions, NOW, 100)
    assert "\x1b" not in "".join(lines)
    assert "日本語の題␛[2J" in lines[1]
    assert "(untitled)" in lines[2]
    assert cell_width(lines[1][: lines[1].index(" a ")]) == cell_width(
        lines[2][: lines[2].index(" b ")]
    )
    assert lines[1].endswith("yesterday     3")
    assert lines[2].endswith("5 min ago    12")


def test_delete_and_rename(cli: Cli, provider: DemoServer) -> None:
    seed("keep", "hi")
    seed("drop", "hi")
    assert cli("sessions", "rename", "keep", "  Pelican questions ") == (0, "renamed keep\n", "")
    assert cli("sessions", "delete", "drop") == (0, "deleted drop\n", "")
    assert [(s.session_id, s.title) for s in stored_sessions()] == [("keep", "Pelican questions")]


@pytest.mark.parametrize(
    "argv",
    [
        ["sessions", "delete", "ghost"],
        ["sessions", "rename", "ghost", "New"],
        ["sessions", "export", "ghost"],
    ],
)
def test_an_unknown_session_is_one_line_exit_1(cli: Cli, argv: list[str]) -> None:
    line = one_error_line(cli(*argv), 1)
    assert "no session 'ghost'" in line
    assert "copilot-tui sessions list" in line


def test_export_format_follows_the_file_name_and_a_directory_gets_a_name(
    cli: Cli, provider: DemoServer, tmp_path: Path
) -> None:
    seed("user-123-chat", "hello", title="Pelican questions")
    assert cli("sessions", "export", "user-123-chat", "-o", str(tmp_path / "x.json")).status == 0
    assert json.loads((tmp_path / "x.json").read_text())["session"]["title"] == "Pelican questions"
    assert cli("sessions", "export", "user-123-chat", "-o", str(tmp_path)).status == 0
    named = tmp_path / "pelican-questions-user-123-chat.md"
    assert named.read_text().startswith("# Pelican questions\n")


def test_export_to_an_unwritable_place_is_one_line_exit_1(
    cli: Cli, provider: DemoServer, tmp_path: Path
) -> None:
    seed("chat", "hello")
    line = one_error_line(cli("sessions", "export", "chat", "-o", str(tmp_path / "no" / "x.md")), 1)
    assert "cannot write" in line
    assert stored("chat").metadata.message_count == 2
