"""One streaming Chat Completions request over the shared httpx client."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from copilot_tui.core.chat_chunks import DecodedChunk, decode_chunk
from copilot_tui.core.config import ProviderConfig, Timeouts
from copilot_tui.core.errors import ConfigError, ProviderError
from copilot_tui.core.history import ChatMessage
from copilot_tui.core.http_errors import server_message, status_error, transport_error
from copilot_tui.core.sse import SSEParser

MAX_ERROR_BODY = 64 * 1024
MAX_JSON_BODY = 16 * 1024 * 1024


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
    """Yield the chunks decoded from each network read until the reply is complete.

    Raises:
        ProviderError: for every failure, with `retryable` set where a retry may help.
    """
    headers = request_headers(request.provider, environ)
    # The read timeout is the idle timeout: it fires when the server sends nothing.
    timeout = httpx.Timeout(timeouts.idle, connect=timeouts.connect, pool=None)
    try:
        async with http.stream(
            "POST", request.url, json=request.body(), headers=headers, timeout=timeout
        ) as response:
            async for batch in _response_batches(response, request):
                yield batch
    except httpx.HTTPError as exc:
        raise transport_error(
            exc, url=request.url, provider=request.provider, timeouts=timeouts
        ) from exc


async def _response_batches(
    response: httpx.Response, request: ChatRequest
) -> AsyncGenerator[list[DecodedChunk]]:
    if response.status_code != 200:
        body = await read_limited(response, MAX_ERROR_BODY)
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
        raise await _not_a_stream(response, request, content_type)


async def _sse_batches(response: httpx.Response, url: str) -> AsyncGenerator[list[DecodedChunk]]:
    parser = SSEParser()
    finished = False
    async for text in response.aiter_text():
        events = parser.feed(text)
        if not events:
            continue
        batch = [decode_chunk(event.data, source=url) for event in events]
        yield batch
        if any(chunk.done for chunk in batch):
            return
        finished = finished or any(chunk.finish_reason for chunk in batch)
    if not finished:
        raise ProviderError(
            f"the connection to {url} closed mid-reply (no finish and no [DONE])",
            error_type="connection",
            retryable=True,
        )


async def _not_a_stream(
    response: httpx.Response, request: ChatRequest, content_type: str
) -> ProviderError:
    body = await read_limited(response, MAX_ERROR_BODY)
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
