"""Socket reads paced to at most 30 a second while a reply trickles in.

A server that streams a token every few milliseconds wakes the client once per token:
httpcore, anyio and the whole delta pipeline run a thousand times for a thousand
tokens, ~0.5 ms of CPU each time. Text needs no more than the 12 frames a second the
app draws (30 keeps what arrives within ~33 ms of the screen), so after a short read
(the sender is trickling) the next read waits out the rest of the interval and gets
all that arrived meanwhile in one piece. A full read means more is waiting: the next
read starts at once, so a fast stream is never slowed down.

Imported only by the thread that builds the connection pool: httpcore is not loaded
while the app starts.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

READ_INTERVAL = 1 / 30  # seconds: the shortest gap between waits for the network
LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)  # httpx's defaults


class PacedStream(httpcore.AsyncNetworkStream):
    """A network stream whose reads, after a short one, start `interval` apart."""

    def __init__(self, stream: httpcore.AsyncNetworkStream, interval: float) -> None:
        self._stream = stream
        self._interval = interval
        self._next_read = 0.0  # monotonic time before which a read waits

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        wait = self._next_read - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        data = await self._stream.read(max_bytes, timeout)
        full = len(data) >= max_bytes
        self._next_read = 0.0 if full else time.monotonic() + self._interval
        return data

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._stream.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._stream.start_tls(ssl_context, server_hostname, timeout)
        return PacedStream(stream, self._interval)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


SocketOptions = Iterable[httpcore.SOCKET_OPTION]


class PacedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's asyncio network backend, its streams paced by `PacedStream`."""

    def __init__(self, interval: float = READ_INTERVAL) -> None:
        self._backend = httpcore.AnyIOBackend()
        self._interval = interval

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: SocketOptions | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        return PacedStream(stream, self._interval)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: SocketOptions | None = None
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._backend.connect_unix_socket(path, timeout, socket_options)
        return PacedStream(stream, self._interval)

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


def paced_transport() -> httpx.AsyncHTTPTransport:
    """httpx's default transport, reading through a `PacedBackend`.

    httpx takes no network backend, so its pool is replaced by one with the same
    settings. Should a future httpx keep its pool elsewhere, the transport is left as
    it is: unpaced, still correct.
    """
    ssl_context = httpx.create_ssl_context()  # loads the CA bundle: build it once
    transport = httpx.AsyncHTTPTransport(verify=ssl_context, limits=LIMITS)
    if isinstance(getattr(transport, "_pool", None), httpcore.AsyncConnectionPool):
        transport._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=LIMITS.max_connections,
            max_keepalive_connections=LIMITS.max_keepalive_connections,
            keepalive_expiry=LIMITS.keepalive_expiry,
            network_backend=PacedBackend(),
        )
    return transport
