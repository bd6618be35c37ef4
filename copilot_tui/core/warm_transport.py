"""The HTTP connection pool, built off the event loop while the client starts.

Building it loads the CA bundle into a TLS context: 40-90 ms that would otherwise
delay the first frame of the app. OpenSSL releases the GIL while it reads the
bundle, so a worker thread does it beside the start-up; the first request waits
for it only if it is not ready yet.
"""

from __future__ import annotations

import asyncio

import httpx


class WarmTransport(httpx.AsyncBaseTransport):
    """httpx's default transport with paced reads, built in a thread as soon as the
    loop can."""

    def __init__(self) -> None:
        self._building = asyncio.create_task(asyncio.to_thread(_build))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            transport = await asyncio.shield(self._building)
        except OSError as error:  # e.g. SSL_CERT_FILE names a file that is not there
            raise httpx.ConnectError(f"cannot set up TLS: {error}", request=request) from error
        return await transport.handle_async_request(request)

    async def aclose(self) -> None:
        try:
            transport = await asyncio.shield(self._building)
        except OSError:
            return  # nothing was built, nothing to close
        await transport.aclose()


def _build() -> httpx.AsyncHTTPTransport:
    from copilot_tui.core.read_pacing import paced_transport  # loads httpcore: not at start-up

    return paced_transport()
