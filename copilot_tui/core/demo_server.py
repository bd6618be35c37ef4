"""A scripted OpenAI-compatible server on the loopback interface.

It is the offline demo model the app talks to when there is no account or network, and
the test double every integration test talks to: a `Behaviour` decides how each
chat-completions request is answered (delays, error statuses, cut or silent streams,
malformed chunks, ...). Standard library only.
"""

from __future__ import annotations

import asyncio
import dataclasses
import signal
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from copilot_tui.core import demo_cli as cli
from copilot_tui.core import demo_http as http
from copilot_tui.core import demo_replies as replies

_READ_LIMIT = 1 << 20
_START_STOP_TIMEOUT = 5.0
_TEXT_FIELDS = frozenset({"body", "content_type", "text", "done"})


@dataclass(frozen=True)
class Behaviour:
    """How the server answers one chat-completions request.

    Chunk numbers count content chunks from 1; the opening role chunk is not counted.
    """

    status: int = 200  # non-200: an error response (`body`, or an OpenAI-style JSON error)
    headers: Mapping[str, str] = field(default_factory=dict)  # extra response headers
    body: str | None = None  # raw body sent instead of a reply, even with status 200
    content_type: str | None = None  # of `body`; text/html by default
    text: str | None = None  # exact reply text; None: a generated demo reply
    tokens: int | None = None  # length of the generated reply; None: the short demo reply
    headers_delay: float = 0.0  # seconds before the status line and headers
    ttft: float = 0.0  # seconds between the headers and the first chunk
    delay: float = 0.0  # seconds between content chunks
    cut_after: int | None = None  # drop the connection after this many content chunks
    malformed_at: int | None = None  # send `data: {not json` instead of this chunk
    error_at: int | None = None  # send an error event instead of this chunk, then [DONE]
    silence_after: int | None = None  # after this many chunks, send nothing until the client goes
    never_end: bool = False  # stream tokens (at least 1 ms apart) until the client goes
    big_chunk_bytes: int | None = None  # the whole reply as one content chunk of this size
    keepalive_every: int | None = None  # a `: keep-alive` comment before every Nth chunk
    split_writes: bool = False  # each event in two socket writes, split mid-line
    done: str | None = None  # end the reply with the marker "DONE-<done>" (benchmarks)


@dataclass(frozen=True)
class RecordedRequest:
    """A request the server received; header names are lower-cased, body is parsed JSON."""

    method: str
    path: str
    headers: Mapping[str, str]
    body: Any


def apply_directives(prompt: str, base: Behaviour) -> Behaviour:
    """Override `base` with the `[[key=value ...]]` directives found in a prompt.

    Keys are `Behaviour` field names, plus `retry_after=N` for the Retry-After header;
    unknown keys are ignored.
    """
    directives = replies.parse_directives(prompt)
    names = {f.name for f in dataclasses.fields(Behaviour)} - {"headers"}
    overrides: dict[str, Any] = {
        key: raw if key in _TEXT_FIELDS else replies.parse_scalar(raw)
        for key, raw in directives.items()
        if key in names
    }
    headers = dict(base.headers)
    if "retry_after" in directives:
        headers["Retry-After"] = directives["retry_after"]
    return dataclasses.replace(base, headers=headers, **overrides)


class DemoServer:
    """An OpenAI-compatible chat server on a background thread, scripted by `Behaviour`s.

    Answers `GET /v1/models` and `POST /v1/chat/completions` (also without `/v1`). A chat
    request is answered by the first queued behaviour that matches its last user
    message, else by `[[key=value]]` directives in that message applied to the default.

    Args:
        default: How requests are answered when nothing else says; zero delays if omitted.
        models: Model names the server knows; None accepts any name.
        host: Address to listen on.
        port: Port to listen on; 0 picks a free one.
        log: Where to record when each chat request starts and ends; None: nowhere.
    """

    def __init__(
        self,
        *,
        default: Behaviour | None = None,
        models: Sequence[str] | None = ("demo", "demo-terse"),
        host: str = "127.0.0.1",
        port: int = 0,
        log: cli.RequestLog | None = None,
    ) -> None:
        self._default = default or Behaviour()
        self._models = None if models is None else tuple(models)
        self._host, self._requested_port, self._log = host, port, log
        self._port: int | None = None
        self._lock = threading.Lock()
        self._queue: list[tuple[str | None, Behaviour]] = []
        self._requests: list[RecordedRequest] = []
        self._counters = {"disconnects": 0, "active_streams": 0, "connections": 0}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._listener: asyncio.Server | None = None
        self._connections: dict[asyncio.Task[Any], http.Connection] = {}

    def start(self) -> str:
        """Start serving, unless already started, and return the base URL."""
        if self._thread is None:
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="demo-server")
            thread.daemon = True
            thread.start()
            self._loop, self._thread = loop, thread
            opening = asyncio.run_coroutine_threadsafe(self._open_listener(), loop)
            try:
                self._port = opening.result(timeout=_START_STOP_TIMEOUT)
            except BaseException:
                self.stop()
                raise
        return self.base_url

    def stop(self) -> None:
        """Close the listener and every open connection, and join the thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        closing = asyncio.run_coroutine_threadsafe(self._close_everything(), loop)
        closing.result(timeout=_START_STOP_TIMEOUT)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=_START_STOP_TIMEOUT)
        loop.close()
        self._loop, self._thread, self._listener, self._port = None, None, None, None

    def __enter__(self) -> DemoServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The port the server listens on."""
        if self._port is None:
            raise RuntimeError("DemoServer is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """The OpenAI base URL, e.g. "http://127.0.0.1:PORT/v1"."""
        return f"http://{self._host}:{self.port}/v1"

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, in arrival order (a copy)."""
        with self._lock:
            return list(self._requests)

    @property
    def disconnects(self) -> int:
        """How many streams ended because the client went away mid-stream."""
        return self._count("disconnects", 0)

    @property
    def active_streams(self) -> int:
        """How many streams are being written right now."""
        return self._count("active_streams", 0)

    @property
    def connections_accepted(self) -> int:
        """How many TCP connections the server has accepted."""
        return self._count("connections", 0)

    def enqueue(self, *behaviours: Behaviour, match: str | None = None) -> None:
        """Queue behaviours for the next chat requests whose last user message has `match`.

        Args:
            behaviours: Used first in, first out, one per matching request.
            match: Text the last user message must contain; None matches any request.
        """
        with self._lock:
            self._queue += [(match, behaviour) for behaviour in behaviours]

    def set_default(self, behaviour: Behaviour) -> None:
        """Answer requests with `behaviour` when no queued behaviour or directive applies."""
        with self._lock:
            self._default = behaviour

    def _count(self, name: str, change: int) -> int:
        with self._lock:
            self._counters[name] += change
            return self._counters[name]

    def _behaviour_for(self, prompt: str) -> Behaviour:
        with self._lock:
            for index, (match, behaviour) in enumerate(self._queue):
                if match is None or match in prompt:
                    del self._queue[index]
                    return behaviour
            default = self._default
        return apply_directives(prompt, default)

    async def _open_listener(self) -> int:
        self._listener = await asyncio.start_server(
            self._serve_connection, self._host, self._requested_port, limit=_READ_LIMIT
        )
        port: int = self._listener.sockets[0].getsockname()[1]
        return port

    async def _close_everything(self) -> None:
        if self._listener is not None:
            self._listener.close()
        for task, conn in self._connections.items():
            conn.abort()
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)

    async def _serve_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        conn, task = http.Connection(reader, writer), asyncio.current_task()
        assert task is not None
        self._connections[task] = conn
        self._count("connections", 1)
        try:
            await http.serve_connection(conn, lambda request: self._answer(conn, request))
        finally:
            del self._connections[task]

    async def _answer(self, conn: http.Connection, request: http.HttpRequest) -> None:
        body = replies.parse_json(request.body)
        recorded = RecordedRequest(request.method, request.path, request.headers, body)
        with self._lock:
            self._requests.append(recorded)
        route = (request.method, request.path.split("?")[0].rstrip("/").removeprefix("/v1"))
        if route == ("GET", "/models"):
            await conn.respond(request, 200, replies.models_payload(self._models or ()))
        elif route == ("POST", "/chat/completions"):
            await self._serve_chat(conn, request, body)
        else:
            message = f"Unknown route {request.method} {request.path}"
            await conn.respond(request, 404, replies.error_payload(404, message))

    async def _serve_chat(
        self, conn: http.Connection, request: http.HttpRequest, body: Any
    ) -> None:
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            message = "The request body must be a JSON object with a `messages` list."
            await conn.respond(request, 400, replies.error_payload(400, message))
            return
        model = str(body.get("model", "demo"))
        if self._models is not None and model not in self._models:
            await conn.respond(request, 404, replies.model_not_found_payload(model))
            return
        prompt = replies.last_user_text(body["messages"])
        behaviour = self._behaviour_for(prompt)
        turn = http.ChatTurn(request, body, behaviour, replies.strip_directives(prompt), model)
        answering = http.answer_chat(conn, turn, self._count)
        await cli.logged(self._log, request.path, prompt, answering)


def main(argv: Sequence[str] | None = None) -> int:
    """Serve the demo model in the foreground until Ctrl-C or SIGTERM."""
    args = cli.parse_args(argv)
    models = None if args.models == "*" else [m for m in args.models.split(",") if m]
    pace = Behaviour(ttft=args.ttft, delay=args.delay)
    log = None if args.log is None else cli.RequestLog(args.log)
    server = DemoServer(default=pace, models=models, port=args.port, log=log)
    stop_requested = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop_requested.set())
    print(server.start(), flush=True)
    while not stop_requested.wait(0.5):
        continue
    server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
