"""Session exports: Markdown layout and safety, JSON round trip, file names, atomic writes."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from copilot_tui.core.errors import CopilotError, InvalidArgumentError
from copilot_tui.core.events import (
    AssistantMessageDeltaEvent,
    AssistantMessageEvent,
    AssistantTurnStartEvent,
    AssistantUsageEvent,
    MessageStatus,
    SessionErrorEvent,
    SessionEvent,
    SessionIdleEvent,
    SessionInfoEvent,
    SessionTitleChangedEvent,
    UserMessageEvent,
    event_from_payload,
)
from copilot_tui.core.export import (
    export_filename,
    export_json,
    export_markdown,
    write_export,
)
from copilot_tui.core.metadata import SessionMetadata, SessionRecord

SID = "user-123-chat"
T0 = datetime(2026, 11, 21, 13, 3, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def shown(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def record_of(
    events: list[SessionEvent], *, title: str = "Pelican questions", system: str | None = None
) -> SessionRecord:
    meta = SessionMetadata(SID, title, "gpt-4o", at(0), at(9), len(events))
    return SessionRecord(meta, system, events)


def prompt(text: str, minute: int = 0) -> UserMessageEvent:
    return UserMessageEvent(session_id=SID, content=text, timestamp=at(minute))


def reply(text: str, status: MessageStatus = "complete", minute: int = 1) -> AssistantMessageEvent:
    return AssistantMessageEvent(
        session_id=SID,
        message_id=f"m{minute}",
        id=f"m{minute}",
        reply_to="p",
        model="gpt-4o",
        content=text,
        status=status,
        ttft_s=0.25,
        duration_s=1.5,
        timestamp=at(minute),
    )


def every_kind() -> list[SessionEvent]:
    """A session holding every event type, and every way a reply can end."""
    return [
        prompt("How fast do pelicans fly?"),
        AssistantTurnStartEvent(session_id=SID, message_id="m1", reply_to="p", model="gpt-4o"),
        AssistantMessageDeltaEvent(session_id=SID, message_id="m1", delta_content="DELTA-ONLY"),
        SessionInfoEvent(session_id=SID, info_type="retry", message="INFO-ONLY"),
        reply("About **40 km/h**."),
        AssistantUsageEvent(
            session_id=SID, message_id="m1", model="gpt-4o", input_tokens=12, output_tokens=345
        ),
        SessionIdleEvent(session_id=SID),
        SessionTitleChangedEvent(session_id=SID, title="TITLE-EVENT-ONLY"),
        prompt("And swallows?", 2),
        reply("They fl", "aborted", 3),
        prompt("Go on", 4),
        reply("Partial", "interrupted", 5),
        prompt("Once more", 6),
        reply("", "error", 7),
        SessionErrorEvent(
            session_id=SID, error_type="server", message="500 from server", status_code=500
        ),
    ]


def headings(markdown: str) -> list[str]:
    tokens = MarkdownIt("commonmark").parse(markdown)
    return [
        f"{tokens[i].tag} {tokens[i + 1].content}"
        for i in range(len(tokens))
        if tokens[i].type == "heading_open"
    ]


def fences(markdown: str) -> list[str]:
    return [t.content for t in MarkdownIt("commonmark").parse(markdown) if t.type == "fence"]


def test_markdown_lays_out_metadata_turns_statuses_usage_and_errors() -> None:
    text = export_markdown(record_of(every_kind(), system="Be brief."))
    assert text.startswith("# Pelican questions\n")
    for line in (
        f"- Session: `{SID}`",
        "- Model: gpt-4o",
        f"- Created: {shown(at(0))}",
        f"- Modified: {shown(at(9))}",
        "- Messages: 15",
        f"### You · {shown(at(0))}",
        f"### gpt-4o · {shown(at(1))}",
        "About **40 km/h**.",
        "*12 tokens in · 345 out*",
        "*(reply aborted)*",
        "*(interrupted)*",
        "*(failed)*",
        "> **Error:** 500 from server",
    ):
        assert line in text.splitlines(), line
    assert "> **System message**" in text
    assert "> Be brief." in text
    assert text.count("### You ·") == 4
    assert "*(reply aborted)*" in text.split("They fl", 1)[1].split("###")[0]
    for transient in ("DELTA-ONLY", "INFO-ONLY", "TITLE-EVENT-ONLY"):
        assert transient not in text


def test_markdown_without_title_or_system_message_uses_the_id() -> None:
    text = export_markdown(record_of([prompt("hi"), reply("hello")], title=""))
    assert text.startswith(f"# {SID}\n")
    assert "System message" not in text


def test_a_prompt_cannot_break_the_document_structure() -> None:
    hostile = "# heading\n```\n### You · fake\n````\n<div>\n~~~"
    events: list[SessionEvent] = [prompt(hostile), reply("Fine."), prompt("next", 2)]
    text = export_markdown(record_of(events, system="```\r# system heading\n````"))
    assert headings(text) == [
        "h1 Pelican questions",
        f"h3 You · {shown(at(0))}",
        f"h3 gpt-4o · {shown(at(1))}",
        f"h3 You · {shown(at(2))}",
    ]
    assert fences(text)[1] == hostile + "\n"  # verbatim, in its own block


def test_a_reply_that_leaves_a_code_block_open_is_closed() -> None:
    events: list[SessionEvent] = [prompt("code?"), reply("```python\nprint(1)\n"), prompt("x", 2)]
    text = export_markdown(record_of(events))
    assert f"h3 You · {shown(at(2))}" in headings(text)
    assert "```python\nprint(1)\n```" in text


def test_a_title_with_markdown_syntax_stays_one_plain_heading() -> None:
    text = export_markdown(record_of([], title="*bold* [link](x)\n# two"))
    assert headings(text) == [r"h1 \*bold\* \[link\](x) # two"]


def test_json_round_trips_metadata_and_every_event() -> None:
    events = every_kind()
    data = json.loads(export_json(record_of(events, system="Be brief.")))
    session = data["session"]
    assert session["session_id"] == SID
    assert session["title"] == "Pelican questions"
    assert session["system_message"] == "Be brief."
    assert datetime.fromisoformat(session["modified_time"]) == at(9)
    assert datetime.fromisoformat(session["start_time"]).utcoffset() is not None
    rebuilt = [
        event_from_payload(
            item["type"],
            item,
            session_id=SID,
            event_id=item["id"],
            timestamp=datetime.fromisoformat(item["timestamp"]),
        )
        for item in data["events"]
    ]
    assert rebuilt == events
    assert data["events"][4]["status"] == "complete"
    assert data["events"][9]["status"] == "aborted"


def test_json_escapes_every_control_character() -> None:
    content = "ESC \x1b[2J CSI \x9b DEL \x7f é 日本"
    text = export_json(record_of([reply(content)]))
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f]", text)
    assert "é 日本" in text  # ensure_ascii=False: readable text stays readable
    assert json.loads(text)["events"][0]["content"] == content
    assert text.endswith("}\n")


def test_filename_from_title_and_id() -> None:
    record = record_of([])
    assert export_filename(record, "md") == "pelican-questions-user-123-chat.md"
    assert export_filename(record, "json") == "pelican-questions-user-123-chat.json"
    with pytest.raises(InvalidArgumentError):
        export_filename(record, "pdf")


@given(
    title=st.text(),
    session_id=st.from_regex(r"[A-Za-z0-9_.:@-]{1,64}", fullmatch=True),
    fmt=st.sampled_from(["md", "json"]),
)
def test_filename_is_always_safe(title: str, session_id: str, fmt: str) -> None:
    meta = SessionMetadata(session_id, title, "m", T0, T0, 0)
    name = export_filename(SessionRecord(meta, None, []), fmt)
    assert re.fullmatch(r"[A-Za-z0-9_-]+\.(md|json)", name)
    assert len(name) <= 80


def test_write_export_replaces_atomically_with_mode_0600(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    target.write_text("old")
    target.chmod(0o644)
    write_export(target, "new ✓\r\n")
    assert target.read_bytes() == "new ✓\r\n".encode()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert os.listdir(tmp_path) == ["out.md"]  # no temp file left behind


def test_write_export_failure_leaves_the_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.md"
    target.write_text("old")

    def failing_replace(source: object, destination: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(CopilotError, match=r"cannot write .*out\.md: No space left"):
        write_export(target, "new")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["out.md"]


def test_write_export_into_a_missing_directory_is_one_error(tmp_path: Path) -> None:
    with pytest.raises(CopilotError, match="No such file or directory"):
        write_export(tmp_path / "missing" / "out.md", "text")


def compare_turn(*, winner: bool) -> list[SessionEvent]:
    asked = prompt("A or B?")
    asked = dataclasses.replace(asked, id="p1", compare_id="abc123def456")
    return [asked, dataclasses.replace(reply("B."), reply_to="p1", winner=winner)]


def test_markdown_marks_a_compare_prompt_and_its_winning_reply() -> None:
    text = export_markdown(record_of([*compare_turn(winner=True), prompt("plain", 2)]))
    blocks = text.split("\n\n")
    prompt_heading = blocks.index(f"### You · {shown(at(0))}")
    assert blocks[prompt_heading + 1] == "*(compare run `abc123def456`)*"
    reply_heading = blocks.index(f"### gpt-4o · {shown(at(1))}")
    assert blocks[reply_heading + 1 : reply_heading + 3] == [
        "**★ Winner of compare run `abc123def456`**",
        "B.",
    ]
    assert text.count("compare run") == 2  # the plain prompt has no mark
    loser = export_markdown(record_of(compare_turn(winner=False)))
    assert "★" not in loser


def test_a_winner_without_its_prompt_and_a_hostile_run_id_stay_inline() -> None:
    orphan = export_markdown(record_of([compare_turn(winner=True)[1]]))
    assert "**★ Winner of its compare run**" in orphan.splitlines()
    hostile = UserMessageEvent(session_id=SID, content="x", compare_id="`a`\n# b", timestamp=T0)
    text = export_markdown(record_of([hostile]))
    assert "*(compare run `` `a` # b ``)*" in text.splitlines()
    assert headings(text) == ["h1 Pelican questions", f"h3 You · {shown(T0)}"]


def test_json_keeps_compare_ids_and_winner_marks() -> None:
    events = [*compare_turn(winner=True), prompt("plain", 2)]
    items = json.loads(export_json(record_of(events)))["events"]
    assert items[0]["compare_id"] == "abc123def456"
    assert items[1]["winner"] is True
    assert items[1]["reply_to"] == "p1"
    assert items[2]["compare_id"] is None
