"""The demo server's HTTP side: HTTP/1.1 framing and answering one chat request.

Standard library only, so the demo model runs wherever the app runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from copilot_tui.core import demo_replies as replies

if TYPE_CHECKING:
    from copilot_tui.core.demo_server import Behaviour

DONE_EVENT = b"data: [DONE]\n\n"
KEEPALIVE_COMMENT = b": keep-alive\n\n"
MALFORMED_EVENT = b"data: {not json\n\n"
_MAX_HEADERS = 100
_SPLIT_PAUSE = 0.001
_NEVER_END_MIN_DELAY = 0.001


class BadRequestError(Exception):
    """The bytes on the connection are not an HTTP/1.x request we can answer."""


class ClientGoneError(Exception):
    """The client closed the connection while we were still answering."""


@dataclass(frozen=True)
class HttpRequest:
    """One parsed HTTP request; header names are lower-cased."""

    method: str
    path: str
    version: str
    headers: Mapping[str, str]
    body: bytes

    @property
    def keep_alive(self) -> bool:
        """Whether the client wants the connection kept open after the response."""
        connection = self.headers.get("connection", "").lower()
        is_old = self.version == "HTTP/1.0"
        return connection == "keep-alive" if is_old else connection != "close"


def _head(status: int, request: HttpRequest, headers: Mapping[str, str]) -> bytes:
    connection = {"Connection": "keep-alive" if request.keep_alive else "close"}
    lines = [f"HTTP/1.1 {status} {replies.status_phrase(status)}"]
    lines += [f"{name}: {value}" for name, value in {**connection, **headers}.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


class Connection:
    """One client connection: reads requests, writes responses and chunked streams."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader, self._writer = reader, writer

    @property
    def client_gone(self) -> bool:
        """Whether the client has closed its side or the connection is already down."""
        return self._reader.at_eof() or self._writer.is_closing()

    async def read_request(self) -> HttpRequest | None:
        """Read one request; None when the client closed the connection between requests."""
        request_line = await self._reader.readline()
        if not request_line.strip():
            return None
        parts = request_line.decode("latin-1").split()
        if len(parts) != 3:
            raise BadRequestError(f"bad request line {request_line!r}")
        headers = await self._read_headers()
        length = int(headers.get("content-length", "0"))
        body = await self._reader.readexactly(length) if length > 0 else b""
        return HttpRequest(parts[0].upper(), parts[1], parts[2].upper(), headers, body)

    async def _read_headers(self) -> dict[str, str]:
        headers: dict[str, str] = {}
        for _ in range(_MAX_HEADERS):
            line = (await self._reader.readline()).decode("latin-1").strip()
            if not line:
                return headers
            name, _, value = line.partition(":")
            key, value = name.strip().lower(), value.strip()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        raise BadRequestError("too many headers")

    async def respond(
        self,
        request: HttpRequest,
        status: int,
        payload: Any,
        headers: Mapping[str, str] | None = None,
        content_type: str = "application/json",
    ) -> None:
        """Send a complete response; `payload` is JSON unless it is already bytes."""
        body = payload if isinstance(payload, bytes) else replies.json_bytes(payload)
        head = {"Content-Type": content_type, "Content-Length": str(len(body)), **(headers or {})}
        await self._write(_head(status, request, head) + body)

    async def start_stream(self, request: HttpRequest, headers: Mapping[str, str]) -> None:
        """Send the head of a 200 Server-Sent Events response with a chunked body."""
        sse = {"Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache"}
        head = {**sse, "Transfer-Encoding": "chunked", **headers}
        await self._write(_head(200, request, head))

    async def send_chunk(self, data: bytes, *, split: bool = False) -> None:
        """Send one piece of a chunked body; with `split`, in two writes cut mid-line."""
        half = len(data) // 2
        pieces = [data[:half], data[half:]] if split and half else [data]
        for number, piece in enumerate(pieces):
            if number:
                # The pause makes the halves leave as separate TCP segments.
                await asyncio.sleep(_SPLIT_PAUSE)
            await self._write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")

    async def end_stream(self) -> None:
        """End a chunked body with the zero-length chunk."""
        await self._write(b"0\r\n\r\n")

    def close(self) -> None:
        """Close the connection once everything written has been sent."""
        self._writer.close()

    def abort(self) -> None:
        """Drop the connection at once, discarding anything not yet sent."""
        self._writer.transport.abort()

    async def wait_for_client_to_leave(self) -> None:
        """Stay silent until the client closes the connection, then raise ClientGoneError."""
        with contextlib.suppress(ConnectionError):
            while await self._reader.read(65536):
                pass
        raise ClientGoneError

    async def _write(self, data: bytes) -> None:
        # Checking first matters: asyncio logs a warning for writes to a lost connection.
        if self.client_gone:
            raise ClientGoneError
        try:
            self._writer.write(data)
            await self._writer.drain()
        except ConnectionError as error:
            raise ClientGoneError from error


async def serve_connection(
    conn: Connection, answer: Callable[[HttpRequest], Awaitable[None]]
) -> None:
    """Answer requests on a connection until the client leaves or asks to close it."""
    try:
        while (request := await conn.read_request()) is not None:
            await answer(request)
            if not request.keep_alive or conn.client_gone:
                break
    except (BadRequestError, ClientGoneError, ConnectionError, asyncio.IncompleteReadError):
        pass  # A client that left, or a broken request: there is nobody sensible to answer.
    except ValueError:
        pass  # A request line or header too long, or a Content-Length that is no number.
    except asyncio.CancelledError:
        pass  # The server is stopping; ending quietly keeps asyncio from logging it.
    finally:
        conn.close()


@dataclass(frozen=True)
class ChatTurn:
    """A valid chat-completions request, the behaviour chosen for it and its prompt."""

    request: HttpRequest
    body: Mapping[str, Any]
    behaviour: Behaviour
    prompt: str
    model: str


async def answer_chat(conn: Connection, turn: ChatTurn, count: Callable[[str, int], Any]) -> None:
    """Answer a chat request as its behaviour says.

    `count` is called with ("active_streams", 1 or -1) and ("disconnects", 1).
    """
    behaviour, request = turn.behaviour, turn.request
    await asyncio.sleep(behaviour.headers_delay)
    if behaviour.status != 200 or behaviour.body is not None:
        await _answer_failure(conn, turn)
        return
    pieces = _reply_pieces(turn)
    prompt_size = replies.prompt_tokens(turn.body["messages"])
    completion = replies.Completion(turn.model, prompt_size, len(pieces))
    if turn.body.get("stream") is not True:
        await asyncio.sleep(behaviour.ttft)
        reply = completion.message("".join(pieces))
        await conn.respond(request, 200, reply, behaviour.headers)
        return
    options = turn.body.get("stream_options")
    usage = isinstance(options, dict) and options.get("include_usage") is True
    count("active_streams", 1)
    try:
        await conn.start_stream(request, behaviour.headers)
        streamer = ReplyStreamer(conn, behaviour, completion, usage)
        await streamer.run(itertools.cycle(pieces) if behaviour.never_end else pieces)
    except ClientGoneError:
        count("disconnects", 1)
        conn.abort()
    finally:
        count("active_streams", -1)


async def _answer_failure(conn: Connection, turn: ChatTurn) -> None:
    behaviour = turn.behaviour
    if behaviour.body is None:
        payload: Any = replies.error_payload(behaviour.status)
        content_type = behaviour.content_type or "application/json"
    else:
        payload = behaviour.body.encode()
        content_type = behaviour.content_type or "text/html; charset=utf-8"
    await conn.respond(turn.request, behaviour.status, payload, behaviour.headers, content_type)


def _reply_pieces(turn: ChatTurn) -> list[str]:
    behaviour, text = turn.behaviour, turn.behaviour.text
    text = replies.demo_reply(turn.prompt, turn.model, behaviour.tokens) if text is None else text
    text += replies.end_marker(behaviour.done)
    pieces = replies.split_reply(text, one_chunk_bytes=behaviour.big_chunk_bytes)
    return pieces or ([" ..."] if behaviour.never_end else [])


@dataclass(frozen=True)
class ReplyStreamer:
    """Streams one reply as Server-Sent Events, misbehaving as its `Behaviour` says."""

    conn: Connection
    behaviour: Behaviour
    completion: replies.Completion
    usage: bool

    async def run(self, pieces: Iterable[str]) -> None:
        """Send the opening chunk, one content chunk per piece, then the closing events.

        Raises:
            ClientGoneError: The client went away before the stream ended.
        """
        await asyncio.sleep(self.behaviour.ttft)
        await self._event(self.completion.chunk({"role": "assistant", "content": ""}))
        for number, piece in enumerate(pieces, start=1):
            if await self._interrupted(number):
                return
            await self._send_piece(number, piece)
        await self._event(self.completion.chunk({}, "stop"))
        if self.usage:
            await self._event(self.completion.usage_chunk())
        await self._end()

    async def _interrupted(self, number: int) -> bool:
        behaviour = self.behaviour
        if behaviour.cut_after is not None and number > behaviour.cut_after:
            self.conn.abort()
            return True
        if behaviour.silence_after is not None and number > behaviour.silence_after:
            await self.conn.wait_for_client_to_leave()
        if number == behaviour.error_at:
            message = "The demo server failed in the middle of the reply."
            await self._event({"error": {"message": message, "type": "server_error"}})
            await self._end()
            return True
        return False

    async def _send_piece(self, number: int, piece: str) -> None:
        behaviour = self.behaviour
        minimum_delay = _NEVER_END_MIN_DELAY if behaviour.never_end else 0.0
        delay = max(behaviour.delay, minimum_delay)
        if number > 1:  # Even a zero sleep lets other streams and stop() have a turn.
            await asyncio.sleep(delay)
        if behaviour.keepalive_every and number % behaviour.keepalive_every == 0:
            await self._send(KEEPALIVE_COMMENT)
        if number == behaviour.malformed_at:
            await self._send(MALFORMED_EVENT)
        else:
            await self._event(self.completion.chunk({"content": piece}))

    async def _event(self, payload: Any) -> None:
        await self._send(b"data: " + replies.json_bytes(payload) + b"\n\n")

    async def _send(self, data: bytes) -> None:
        await self.conn.send_chunk(data, split=self.behaviour.split_writes)

    async def _end(self) -> None:
        await self._send(DONE_EVENT)
        await self.conn.end_stream()
