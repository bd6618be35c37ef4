"""One streaming Chat Completions request over the shared httpx client."""

from __future__ import annotations

import asyncio
import codecs
from collections.abc import AsyncGenerator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from copilot_tui.core.chat_chunks import ChunkUsage, DecodedChunk, decode_chunk, decode_fields
from copilot_tui.core.config import ProviderConfig, Timeouts
from copilot_tui.core.errors import ConfigError, ProviderError
from copilot_tui.core.history import ChatMessage
from copilot_tui.core.http_errors import (
    CUT_ADVICE,
    credentials,
    redact,
    redact_error,
    server_message,
    status_error,
    transport_error,
)
from copilot_tui.core.sse import SSEParser
from copilot_tui.core.stream_guard import EventSizeGuard, with_advice

MAX_ERROR_BODY = 64 * 1024
MAX_JSON_BODY = 16 * 1024 * 1024
_BODY_END_GRACE_S = 0.05


@dataclass(frozen=True, slots=True)
class ChatRequest:
    """What one request asks: this model of this provider, with these messages."""

    provider: ProviderConfig
    model: str
    messages: Sequence[ChatMessage]

    @property
    def url(self) -> str:
        return f"{self.provider.base_url}/chat/completions"

    def body(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "messages": list(self.messages),
            "stream": True,
            "stream_options": {"include_usage": True},
        }


def request_headers(provider: ProviderConfig, environ: Mapping[str, str]) -> dict[str, str]:
    """Headers for a request to `provider`, with its key if it has one."""
    headers = {"Accept": "text/event-stream", **provider.headers}
    try:
        key = provider.resolve_api_key(environ)
    except ConfigError as exc:
        raise ProviderError(
            f"provider '{provider.name}': {exc.problem}", error_type="configuration"
        ) from None
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return headers


async def stream_chat(
    http: httpx.AsyncClient,
    request: ChatRequest,
    *,
    timeouts: Timeouts,
    environ: Mapping[str, str],
) -> AsyncGenerator[list[DecodedChunk]]:
    """Yield what each network read brought, until the reply is complete.

    A streamed reply yields one list per read, holding one chunk that merges the read's
    events (see `_decode_batch`); a whole JSON completion yields one list of one chunk.

    Raises:
        ProviderError: for every failure, with `retryable` set where a retry may help.
    """
    headers = request_headers(request.provider, environ)
    secrets = credentials(headers)
    # The read timeout is the idle timeout: it fires when the server sends nothing.
    timeout = httpx.Timeout(timeouts.idle, connect=timeouts.connect, pool=None)
    try:
        async with http.stream(
            "POST", request.url, json=request.body(), headers=headers, timeout=timeout
        ) as response:
            async for batch in _response_batches(response, request, secrets):
                yield batch
    except httpx.HTTPError as exc:
        error = transport_error(exc, url=request.url, provider=request.provider, timeouts=timeouts)
        raise redact_error(error, secrets) from exc
    except ProviderError as error:
        redact_error(error, secrets)
        raise


async def _response_batches(
    response: httpx.Response, request: ChatRequest, secrets: tuple[str, ...]
) -> AsyncGenerator[list[DecodedChunk]]:
    if response.status_code != 200:
        # Masked before it is cut to an excerpt, so no part of an echoed key is shown.
        body = redact(await read_limited(response, MAX_ERROR_BODY), secrets)
        raise status_error(response, body, provider=request.provider, model=request.model)
    content_type = response.headers.get("content-type", "text/event-stream").lower()
    if "json" in content_type:
        # Some servers ignore `stream: true` and answer with one whole completion.
        body = await read_limited(response, MAX_JSON_BODY)
        yield [decode_chunk(body, source=request.url)]
    elif "event-stream" in content_type:
        async for batch in _sse_batches(response, request.url):
            yield batch
    else:
        raise await _not_a_stream(response, request, content_type, secrets)


async def _sse_batches(response: httpx.Response, url: str) -> AsyncGenerator[list[DecodedChunk]]:
    parser, guard = SSEParser(), EventSizeGuard(url)
    finished = False
    decoder = codecs.getincrementaldecoder(response.encoding or "utf-8")(errors="replace")
    async with _ReadAhead(response) as reads:
        while (received := await reads.take()) is not None:
            text = decoder.decode(received)
            datas = parser.feed_data(text)
            guard.check(text, datas)
            chunk, error = _decode_batch(datas, url)
            if chunk is not None:
                yield [chunk]
            if error is not None:
                raise with_advice(error)
            if chunk is not None and chunk.done:
                # The body's last bytes follow [DONE]: reading them lets the pool reuse
                # the connection (no new TCP and TLS handshake for the next turn).
                await reads.finish(_BODY_END_GRACE_S)
                return
            finished = finished or (chunk is not None and chunk.finish_reason is not None)
    if not finished:
        raise ProviderError(
            f"the connection to {url} closed mid-reply (no finish and no [DONE]): {CUT_ADVICE}",
            error_type="connection",
            retryable=True,
        )


def _decode_batch(datas: list[str], url: str) -> tuple[DecodedChunk | None, ProviderError | None]:
    """The events' payloads as one chunk: texts joined, the last usage and finish reason.

    Decoding stops at `[DONE]` (the chunk is then `done`) and at the first payload that
    fails, whose error comes back with the chunk of the payloads before it: their text
    still counts. The chunk is None when no payload was decoded.
    """
    texts: list[str] = []
    usage: ChunkUsage | None = None
    finish_reason: str | None = None
    done = False
    error: ProviderError | None = None
    for data in datas:
        try:
            text, new_usage, new_reason, done = decode_fields(data, source=url)
        except ProviderError as failure:
            error = failure
            break
        texts.append(text)
        usage, finish_reason = new_usage or usage, new_reason or finish_reason
        if done:
            break
    chunk = DecodedChunk("".join(texts), usage, finish_reason, done) if texts else None
    return chunk, error


class _ReadAhead:
    """Reads a response body in a task of its own and hands over all that has arrived.

    A server sends one HTTP chunk per token, and httpx yields them one by one even when
    a single network read brought hundreds. Reading them here, and parsing whatever has
    piled up whenever this task waits for the network, makes one batch (and so one
    delta event) per network read instead of one per token.
    """

    def __init__(self, response: httpx.Response) -> None:
        self._response = response
        self._received: list[bytes] = []
        self._ended = False
        self._error: Exception | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> _ReadAhead:
        self._task = asyncio.ensure_future(self._read())
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            await asyncio.wait({self._task})

    async def finish(self, grace: float) -> None:
        """Give the body up to `grace` seconds to end by itself before it is cut."""
        if self._task is not None and not self._task.done():
            await asyncio.wait({self._task}, timeout=grace)

    async def take(self) -> bytes | None:
        """Every byte received since the last call, waiting for some; None at the end.

        Raises:
            Exception: what reading the body raised (after the bytes before it).
        """
        while not self._received:
            if self._ended:
                if self._error is not None:
                    raise self._error
                return None
            self._waiter = asyncio.get_running_loop().create_future()
            await self._waiter
        received = b"".join(self._received)
        self._received.clear()
        return received

    async def _read(self) -> None:
        try:
            async for chunk in self._response.aiter_bytes():
                self._received.append(chunk)
                self._wake()
        except Exception as error:
            self._error = error
        finally:
            self._ended = True
            self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)


async def _not_a_stream(
    response: httpx.Response, request: ChatRequest, content_type: str, secrets: tuple[str, ...]
) -> ProviderError:
    body = redact(await read_limited(response, MAX_ERROR_BODY), secrets)
    message = server_message(body)
    detail = f" ({message})" if message else ""
    kind = content_type.split(";")[0] or "an unknown content type"
    return ProviderError(
        f"{request.url} answered with {kind} instead of an event stream{detail}: "
        f"check base_url of provider '{request.provider.name}' "
        "(most servers expect it to end in /v1)",
        error_type="protocol",
    )


async def read_limited(response: httpx.Response, limit: int) -> str:
    """At most `limit` bytes of the body, decoded leniently."""
    parts: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        parts.append(chunk)
        size += len(chunk)
        if size >= limit:
            break
    return b"".join(parts)[:limit].decode("utf-8", "replace")
