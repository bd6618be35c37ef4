"""The connection pool is built in a thread; a bundle that cannot load is a clear error."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from copilot_tui.core.demo_server import DemoServer
from copilot_tui.core.warm_transport import WarmTransport


async def test_requests_go_through_the_pool_built_in_a_thread(server: DemoServer) -> None:
    async with httpx.AsyncClient(transport=WarmTransport()) as http:
        reply = await http.get(f"{server.base_url}/models")
    assert reply.status_code == 200
    assert "data" in reply.json()


async def test_a_missing_ca_bundle_fails_the_request_not_the_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: DemoServer
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    transport = WarmTransport()
    async with httpx.AsyncClient(transport=transport) as http:
        with pytest.raises(httpx.ConnectError, match="cannot set up TLS"):
            await http.get(f"{server.base_url}/models")
