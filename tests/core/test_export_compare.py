"""Compare-run exports: the entries of a run, its Markdown layout and safety, its file name."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from copilot_tui.core.events import (
    AssistantMessageEvent,
    AssistantUsageEvent,
    MessageStatus,
    SessionErrorEvent,
    SessionEvent,
    UserMessageEvent,
)
from copilot_tui.core.export_compare import (
    compare_entries,
    compare_filename,
    export_compare_markdown,
)
from copilot_tui.core.metadata import SessionMetadata, SessionRecord

RUN = "abc123def456"
T0 = datetime(2026, 11, 21, 13, 3, tzinfo=UTC)
PROMPT = "Which bird is fastest?"


def shown(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def turn(
    sid: str,
    text: str,
    *,
    run: str | None = RUN,
    prompt: str = PROMPT,
    second: int = 0,
    status: MessageStatus = "complete",
    winner: bool = False,
) -> list[SessionEvent]:
    """One prompt of run `run` and `sid`'s reply to it, with usage once it finished."""
    asked = UserMessageEvent(
        session_id=sid, content=prompt, compare_id=run, timestamp=T0 + timedelta(seconds=second)
    )
    message_id = f"{sid}-{second}"
    answer = AssistantMessageEvent(
        session_id=sid,
        id=message_id,
        message_id=message_id,
        reply_to=asked.id,
        model=f"model-{sid}",
        content=text,
        status=status,
        ttft_s=0.31,
        duration_s=2.40,
        winner=winner,
    )
    usage = AssistantUsageEvent(
        session_id=sid,
        message_id=message_id,
        model=answer.model,
        input_tokens=12,
        output_tokens=340,
    )
    return [asked, answer] if status == "streaming" else [asked, answer, usage]


def record(sid: str, events: list[SessionEvent]) -> SessionRecord:
    return SessionRecord(
        SessionMetadata(sid, "", f"model-{sid}", T0, T0, len(events)), None, events
    )


def failed(sid: str, second: int = 0) -> list[SessionEvent]:
    events = turn(sid, "", status="error", second=second)[:2]
    error = SessionErrorEvent(
        session_id=sid, error_type="server", message="500 from *server*", message_id=events[1].id
    )
    return [*events, error]


def three_way_run(*, winner: bool = True) -> str:
    records = [
        record("a", [*turn("a", "old", run="other", second=-60), *turn("a", "Falcon.", second=5)]),
        record("b", turn("b", "Swift **bird**.", second=1, winner=winner)),
        record("c", failed("c", second=2)),
        record("d", turn("d", "Still typ", status="streaming", second=3)),
    ]
    entries = compare_entries(RUN, records)
    return export_compare_markdown(RUN, entries, {"a": "Birds [A]", "c": ""})


def parsed(markdown: str) -> list[tuple[str, str]]:
    """(kind, text) of the headings and code blocks, in document order."""
    tokens = MarkdownIt("commonmark").parse(markdown)
    found = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            found.append((token.tag, tokens[index + 1].content))
        elif token.type == "fence":
            found.append(("fence", token.content))
    return found


def section(markdown: str, name: str) -> str:
    return markdown.split(f"## {name}", 1)[1].split("\n## ", 1)[0]


def test_compare_entries_take_each_records_turn_of_the_run() -> None:
    records = [
        record("a", [*turn("a", "first", second=0), *turn("a", "later", run="x", second=9)]),
        record("b", turn("b", "second", second=1)),
        record("z", turn("z", "none", run=None)),
    ]
    entries = compare_entries(RUN, records)
    assert [e.session_id for e in entries] == ["a", "b", "z"]
    assert [e.reply.content if e.reply else None for e in entries] == ["first", "second", None]
    assert entries[0].figures is not None
    assert entries[0].figures.output_tokens == 340


def test_markdown_has_the_prompt_once_and_one_section_per_entry_in_order() -> None:
    text = three_way_run()
    assert parsed(text) == [
        ("h1", f"Compare run {RUN}"),
        ("fence", PROMPT + "\n"),
        ("h2", r"model-a · a · Birds \[A\]"),
        ("h2", "model-b · b"),
        ("h2", "model-c · c"),
        ("h2", "model-d · d"),
    ]
    assert text.count(PROMPT) == 1
    assert f"- Ran: {shown(T0 - timedelta(seconds=60))}" not in text  # another run's prompt
    assert f"- Ran: {shown(T0)}" in text.splitlines()
    assert "- Sessions: 4" in text.splitlines()
    assert "old" not in text


def test_each_section_shows_figures_reply_error_and_status() -> None:
    text = three_way_run()
    figures = "*first token 0.31 s · total 2.40 s · 12 in · 340 out · 163 tok/s*"
    a = section(text, "model-a")
    assert a.splitlines()[2:5] == [figures, "", "Falcon."]
    assert "Swift **bird**." in section(text, "model-b")  # replies stay Markdown, verbatim
    c = section(text, "model-c")
    assert r"> **Error:** 500 from \*server\*" in c.splitlines()
    assert "*(failed)*" in c
    assert "*(no figures)*" in c  # a failed reply's figures would compare nothing
    d = section(text, "model-d")
    assert "*(no figures)*" in d
    assert "*(still streaming when exported)*" in d
    assert "Still typ" in d


def test_the_winner_is_named_at_the_top_and_marked_in_its_section() -> None:
    text = three_way_run()
    header = text.split("**Prompt**", 1)[0]
    assert "- Winner: model-b · b" in header.splitlines()
    mark = f"**★ Winner of compare run `{RUN}`**"
    assert section(text, "model-b").splitlines()[:3] == [" · b", "", mark]
    assert text.count("★") == 1


def test_without_a_winner_there_is_no_mark() -> None:
    text = three_way_run(winner=False)
    assert "Winner" not in text
    assert "★" not in text


def test_a_hostile_prompt_and_an_open_code_block_cannot_break_the_structure() -> None:
    hostile = "```\n# heading\n## fake · section\n````\n<div>"
    records = [
        record("a", turn("a", "```python\nprint(1)\n", prompt=hostile)),
        record("b", turn("b", "fine", prompt=hostile, second=1)),
    ]
    text = export_compare_markdown(RUN, compare_entries(RUN, records))
    assert parsed(text) == [
        ("h1", f"Compare run {RUN}"),
        ("fence", hostile + "\n"),
        ("h2", "model-a · a"),
        ("fence", "print(1)\n"),  # closed after the reply, so the next section is one
        ("h2", "model-b · b"),
    ]


def test_a_run_nobody_has_is_just_its_heading() -> None:
    text = export_compare_markdown("nope", [])
    assert parsed(text) == [("h1", "Compare run nope")]
    assert "- Ran:" not in text


def test_filename_of_a_usual_id() -> None:
    assert compare_filename(RUN) == f"compare-{RUN}.md"
    assert compare_filename("../../etc/passwd") == "compare-etc-passwd.md"
    assert compare_filename("") == "compare-run.md"


@given(st.text())
def test_filename_is_always_safe(compare_id: str) -> None:
    name = compare_filename(compare_id)
    assert re.fullmatch(r"compare-[A-Za-z0-9_-]+\.md", name)
    assert len(name) <= 80
