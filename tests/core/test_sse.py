"""Tests of the incremental SSE parser against the WHATWG parsing rules."""

from __future__ import annotations

import pytest

from copilot_tui.core.sse import SSEEvent, SSEParser


def parse(*chunks: str) -> list[SSEEvent]:
    parser = SSEParser()
    events = [event for chunk in chunks for event in parser.feed(chunk)]
    return events + parser.close()


# --- examples from the spec -------------------------------------------------------


SPEC_CASES = {  # the spec's examples and rules: name -> (stream, events)
    "multi-line data": ("data: YHOO\ndata: +2\ndata: 10\n\n", [SSEEvent("YHOO\n+2\n10")]),
    "comments and id": (
        ": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\n",
        [SSEEvent("first event", id="1"), SSEEvent("second event")],
    ),
    "one space stripped": (
        "data:test\n\ndata: test\n\ndata:  test\n\n",
        [SSEEvent("test"), SSEEvent("test"), SSEEvent(" test")],
    ),
    # "data" alone gives "", twice "\n"; the last block lacks its blank line.
    "field without colon": ("data\n\ndata\ndata\n\ndata:\n", [SSEEvent(""), SSEEvent("\n")]),
    "no data, no event": ("event: ping\n\nid: 7\n\n: comment\n\nretry: 5\n\n", []),
    "event type for one event": (
        "event: add\ndata: 1\n\ndata: 2\n\nevent:\ndata: 3\n\n",
        [SSEEvent("1", event="add"), SSEEvent("2"), SSEEvent("3")],
    ),
    "event type reset without data": ("event: x\n\ndata: 1\n\n", [SSEEvent("1")]),
    "id with NUL ignored": (
        "id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\n",
        [SSEEvent("a", id="1"), SSEEvent("b", id="1")],
    ),
    "unknown fields": ("foo: bar\nDATA: no\ndata: yes\n\n", [SSEEvent("yes")]),
    "absurd retry": ("retry: " + "9" * 5000 + "\ndata: x\n\n", [SSEEvent("x")]),
}


@pytest.mark.parametrize(("stream", "expected"), SPEC_CASES.values(), ids=list(SPEC_CASES))
def test_spec_rules(stream: str, expected: list[SSEEvent]) -> None:
    assert parse(stream) == expected


def test_id_persists_until_reset() -> None:
    parser = SSEParser()
    events = parser.feed("id: a\ndata: 1\n\ndata: 2\n\nid\ndata: 3\n\n")
    assert [event.id for event in events] == ["a", "a", None]
    assert parser.last_event_id is None


def test_id_block_without_data_still_sets_last_event_id() -> None:
    parser = SSEParser()
    assert parser.feed("id: 42\n\n") == []
    assert parser.last_event_id == "42"
    assert parser.feed("data: x\n\n") == [SSEEvent("x", id="42")]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("3000", 3000), ("0", 0), ("30s", None), ("-1", None), ("", None), ("٣", None)],
)
def test_retry_accepts_ascii_digits_only(value: str, expected: int | None) -> None:
    parser = SSEParser()
    assert parser.feed(f"retry: {value}\ndata: x\n\n") == [SSEEvent("x", retry=expected)]
    assert parser.retry == expected


def test_retry_is_kept_by_the_parser_but_not_copied_to_later_events() -> None:
    parser = SSEParser()
    assert parser.feed("retry: 10\n\ndata: x\n\n") == [SSEEvent("x")]
    assert parser.retry == 10


def test_leading_bom_is_skipped_once() -> None:
    assert parse("\ufeffdata: a\n\n") == [SSEEvent("a")]
    assert parse("\ufeff", "data: a\n\n") == [SSEEvent("a")]
    # A second BOM belongs to the field name, which is then unknown.
    assert parse("\ufeff\ufeffdata: a\n\n") == []
    # A BOM later in the stream is ordinary text.
    assert parse("data: a\n\n\ufeffdata: b\n\n") == [SSEEvent("a")]


# --- line endings -----------------------------------------------------------------


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_each_line_ending(ending: str) -> None:
    stream = ending.join(["event: e", "data: a", "data: b", "", "data: c", "", ""])
    assert parse(stream) == [SSEEvent("a\nb", event="e"), SSEEvent("c")]


def test_mixed_line_endings() -> None:
    assert parse("data: a\r\ndata: b\rdata: c\n\r\n") == [SSEEvent("a\nb\nc")]
    assert parse("data: a\r\rdata: b\r\r") == [SSEEvent("a"), SSEEvent("b")]  # CR CR: two


def test_crlf_split_between_chunks_is_one_line_ending() -> None:
    # If the LF were a second line ending, "a" would be dispatched on its own.
    assert parse("data: a\r", "\ndata: b\r", "\n\r", "\n") == [SSEEvent("a\nb")]


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\x85"])
def test_other_unicode_line_breaks_are_data(char: str) -> None:
    data = f'{{"content": "x{char}y"}}'
    assert parse(f"data: {data}\n\n") == [SSEEvent(data)]


# --- chunking ---------------------------------------------------------------------

MIXED_STREAM = (
    "\ufeff: keep-alive\r\n"
    "event: add\rid: 1\ndata: first\r\ndata:  second\r"
    "\r"
    "data\n"
    "retry: 250\r\n"
    "\r\n"
    "id: 2\n"
    'data: {"content": "a\u2028b"}\n'
    "\n"
)
MIXED_EVENTS = [
    SSEEvent("first\n second", event="add", id="1"),
    SSEEvent("", id="1", retry=250),
    SSEEvent('{"content": "a\u2028b"}', id="2"),
]


@pytest.mark.parametrize("split_at", range(len(MIXED_STREAM) + 1))  # 0: all in one chunk
def test_every_split_point_gives_the_same_events(split_at: int) -> None:
    assert parse(MIXED_STREAM[:split_at], MIXED_STREAM[split_at:]) == MIXED_EVENTS


def test_one_character_at_a_time() -> None:
    assert parse(*MIXED_STREAM) == MIXED_EVENTS


def test_empty_chunks_change_nothing() -> None:
    assert parse("", "data: a\r", "", "\n", "", "\n", "") == [SSEEvent("a")]


def test_events_are_returned_by_the_chunk_that_completes_them() -> None:
    parser = SSEParser()
    assert parser.feed("data: a\n") == []
    assert parser.feed("\ndata: b\n\ndata: c") == [SSEEvent("a"), SSEEvent("b")]
    assert parser.feed("\n\n") == [SSEEvent("c")]


def test_long_line_in_many_chunks() -> None:
    text = "x" * 10_000
    assert parse("data: ", *text, "\n\n") == [SSEEvent(text)]


# --- end of stream ----------------------------------------------------------------


def test_incomplete_event_is_discarded_by_default() -> None:
    parser = SSEParser()
    assert parser.feed("data: done\n\ndata: cut") == [SSEEvent("done")]
    assert parser.pending
    assert parser.close() == []
    assert not parser.pending


def test_incomplete_event_can_be_flushed() -> None:
    parser = SSEParser()
    parser.feed("event: e\ndata: a\ndata: cut")
    assert parser.close(flush_incomplete=True) == [SSEEvent("a\ncut", event="e")]


def test_flush_of_event_missing_only_the_blank_line() -> None:
    parser = SSEParser()
    parser.feed("data: a\n")
    assert parser.pending
    assert parser.close(flush_incomplete=True) == [SSEEvent("a")]


# fmt: off
PENDING_CASES = [
    ("", False), ("data: a\n\n", False), (": comment\n", False), ("unknown: x\n", False),
    ("d", True), ("data: a\n", True), ("event: e\n", True), ("id: 9\n", True),
    ("retry: 9\n", True), ("data: a\r", True),
]
# fmt: on


@pytest.mark.parametrize(("stream", "pending"), PENDING_CASES)
def test_pending(stream: str, pending: bool) -> None:
    parser = SSEParser()
    parser.feed(stream)
    assert parser.pending is pending


def test_flush_with_nothing_pending() -> None:
    parser = SSEParser()
    parser.feed("data: a\n\n: ping\n")
    assert parser.close(flush_incomplete=True) == []


def test_parser_is_reusable_after_close_and_keeps_reconnection_state() -> None:
    parser = SSEParser()
    parser.feed("id: 5\nretry: 100\ndata: a\n\nid: 6\nevent: e\ndata: lost")
    parser.close()
    assert parser.last_event_id == "5"
    assert parser.retry == 100
    assert parser.feed("\ufeffdata: b\n\n") == [SSEEvent("b", id="5")]
