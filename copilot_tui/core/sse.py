"""Incremental parser for Server-Sent Events (`text/event-stream`), no I/O.

Follows the parsing rules of the WHATWG HTML standard ("Server-sent events",
"Interpreting an event stream"). Feed it decoded text in chunks of any size; it
returns the events each chunk completes.

This is the hot path of streaming, so it works on whole chunks with `str.find`,
`str.split` and `str.replace` rather than character by character, and chunks
that hold only LF line endings (what every common server sends) skip the CR
handling entirely.

Only CRLF, LF and CR end a line. `str.splitlines` is deliberately not used: it
also breaks on U+2028, U+0085, VT, FF and others, which may appear raw inside
JSON strings in `data:` lines.
"""

from __future__ import annotations

from dataclasses import dataclass

_BOM = "\ufeff"
# An event's fields in `SSEEvent` order; the hot path builds these, not SSEEvents.
_Block = tuple[str, str, str | None, int | None]


@dataclass(frozen=True, slots=True)
class SSEEvent:
    """One dispatched event.

    Attributes:
        data: The event's `data` lines joined with "\\n".
        event: The event type; "message" when the server sent none.
        id: The last event ID in effect when the event was dispatched. As in the
            spec it persists across events until the server sets it again; None
            when it was never set or the server reset it with an empty `id`.
        retry: The reconnection time in milliseconds if this event's block had a
            valid `retry` field, else None. `SSEParser.retry` keeps the latest.
    """

    data: str
    event: str = "message"
    id: str | None = None
    retry: int | None = None


class SSEParser:
    """Turns an event stream, fed in arbitrary chunks, into `SSEEvent`s.

    Lines may be split anywhere between chunks, including between the CR and
    the LF of a CRLF. A UTF-8 BOM at the start of the stream is skipped.

    Example:
        >>> parser = SSEParser()
        >>> parser.feed("data: hel")
        []
        >>> parser.feed("lo\\n\\n")
        [SSEEvent(data='hello', event='message', id=None, retry=None)]
    """

    __slots__ = (
        "_at_stream_start",
        "_block_retry",
        "_data",
        "_event_type",
        "_id_buffer",
        "_last_event_id",
        "_partial",
        "_retry",
        "_skip_leading_lf",
    )

    def __init__(self) -> None:
        # Text of the current, not yet terminated line, kept as pieces so that a
        # long line arriving in many chunks is joined once, not quadratically.
        self._partial: list[str] = []
        self._at_stream_start = True
        self._skip_leading_lf = False
        # Buffers of the event being assembled (the spec's "data buffer" etc.).
        self._data: list[str] = []
        self._event_type = ""
        self._block_retry: int | None = None
        self._id_buffer: str | None = None
        # Stream state that outlives events (and close(), for reconnecting).
        self._last_event_id: str | None = None
        self._retry: int | None = None

    @property
    def pending(self) -> bool:
        """Whether text was received that has not yet formed a complete event.

        True while an unterminated line is buffered, or a `data`, `event`, `id`
        or `retry` field was read since the last blank line.
        """
        return bool(
            self._partial
            or self._data
            or self._event_type
            or self._block_retry is not None
            or self._id_buffer != self._last_event_id
        )

    @property
    def last_event_id(self) -> str | None:
        """The last event ID to send as `Last-Event-ID` when reconnecting, if any."""
        return self._last_event_id

    @property
    def retry(self) -> int | None:
        """The latest reconnection time (ms) the server asked for, if any."""
        return self._retry

    def feed(self, chunk: str) -> list[SSEEvent]:
        """Parses the next piece of the stream.

        Args:
            chunk: Decoded text; any length, split at any point.

        Returns:
            The events completed by this chunk, in stream order.
        """
        return [SSEEvent(*block) for block in self._blocks(chunk)]

    def feed_data(self, chunk: str) -> list[str]:
        """Like `feed`, but returns only each event's `data`.

        For consumers that read nothing else (a chat completion stream): it skips
        building an `SSEEvent` per event, which matters at one event per token.
        """
        return [block[0] for block in self._blocks(chunk)]

    def _blocks(self, chunk: str) -> list[_Block]:
        text = self._complete_lines_text(chunk)
        if text is None:
            return []
        lines = text.split("\n")
        tail = lines.pop()
        if tail:
            self._partial.append(tail)
        return self._process_lines(lines)

    def close(self, *, flush_incomplete: bool = False) -> list[SSEEvent]:
        """Ends the stream.

        The spec discards an event the stream ended in the middle of (no final
        blank line), and so does this method by default. Check `pending` first to
        learn whether something was cut off.

        Args:
            flush_incomplete: Instead of discarding it, finish the pending event
                as if the stream had ended with a line break and a blank line.

        Returns:
            The flushed event, if `flush_incomplete` and it had data; else [].

        Afterwards the parser accepts a new stream (a reconnection): only
        `last_event_id` and `retry` carry over, as they do in the spec.
        """
        events: list[SSEEvent] = []
        if flush_incomplete and self.pending:
            tail = "".join(self._partial)
            self._partial.clear()
            events = [SSEEvent(*block) for block in self._process_lines([tail, ""])]
        self._reset_stream()
        return events

    def _reset_stream(self) -> None:
        self._partial.clear()
        self._at_stream_start = True
        self._skip_leading_lf = False
        self._data.clear()
        self._event_type = ""
        self._block_retry = None
        self._id_buffer = self._last_event_id

    def _complete_lines_text(self, chunk: str) -> str | None:
        """Joins buffered text with `chunk`, LF-normalized; None if no line ended."""
        chunk = self._strip_stream_prefix(chunk)
        if "\n" not in chunk and "\r" not in chunk:
            if chunk:
                self._partial.append(chunk)
            return None
        if self._partial:
            self._partial.append(chunk)
            chunk = "".join(self._partial)
            self._partial.clear()
        if "\r" in chunk:
            # A CR at the very end may be the first half of a CRLF.
            self._skip_leading_lf = chunk[-1] == "\r"
            chunk = chunk.replace("\r\n", "\n").replace("\r", "\n")
        return chunk

    def _strip_stream_prefix(self, chunk: str) -> str:
        """Drops the BOM at stream start, or the LF of a CRLF split across chunks."""
        if not chunk:
            return chunk
        if self._skip_leading_lf:
            self._skip_leading_lf = False
            if chunk[0] == "\n":
                return chunk[1:]
        elif self._at_stream_start:
            self._at_stream_start = False
            if chunk[0] == _BOM:
                return chunk[1:]
        return chunk

    def _process_lines(self, lines: list[str]) -> list[_Block]:
        events: list[_Block] = []
        data = self._data
        for line in lines:
            if not line:
                event = self._end_block()
                if event is not None:
                    events.append(event)
            elif line.startswith("data:"):  # the common case, inlined
                data.append(line[6:] if line.startswith(" ", 5) else line[5:])
            elif line[0] != ":":  # lines starting with ":" are comments
                self._process_field(line)
        return events

    def _process_field(self, line: str) -> None:
        name, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event_type = value
        elif name == "id":
            if "\0" not in value:
                self._id_buffer = value or None
        elif name == "retry" and value.isascii() and value.isdigit():
            self._set_retry(value)
        # Any other field name is ignored, as the spec requires.

    def _set_retry(self, digits: str) -> None:
        try:
            milliseconds = int(digits)
        except ValueError:  # more digits than Python converts; not a real delay
            return
        self._retry = self._block_retry = milliseconds

    def _end_block(self) -> _Block | None:
        """Handles a blank line: dispatches the event if it has data."""
        self._last_event_id = self._id_buffer
        event_type = self._event_type or "message"
        retry = self._block_retry
        self._event_type = ""
        self._block_retry = None
        if not self._data:
            return None
        data = "\n".join(self._data)
        self._data.clear()
        return data, event_type, self._last_event_id, retry
