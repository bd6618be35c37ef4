"""Unit tests over httpx.MockTransport: failures no loopback server can produce."""

from __future__ import annotations

import json

import httpx
import pytest

from copilot_tui.core import CopilotClient, SessionEventError
from copilot_tui.core.config import Config, ProviderConfig, RetryPolicy

BASE = "https://models.example.test/v1"


def client_with(handler: httpx.MockTransport, **config: object) -> CopilotClient:
    provider = ProviderConfig(name="remote", base_url=BASE, default_model="m")
    settings = Config(providers=(provider,), retry=RetryPolicy(max_attempts=2, base_delay=0.01))
    return CopilotClient(settings, transport=handler, environ={})


def raising(exc: Exception) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    return httpx.MockTransport(handler)


@pytest.mark.parametrize(
    ("exc", "error_type", "fragment", "attempts"),
    [
        (
            httpx.ConnectError("[Errno -2] Name or service not known"),
            "connection",
            "cannot resolve host 'models.example.test'",
            2,
        ),
        (
            httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"),
            "connection",
            "TLS error connecting to https://models.example.test",
            1,
        ),
        (httpx.ConnectTimeout("timed out"), "timeout", "within 10 s (timeouts.connect)", 2),
        (httpx.UnsupportedProtocol("bad scheme"), "configuration", "invalid base_url", 1),
    ],
)
async def test_transport_failures(
    exc: Exception, error_type: str, fragment: str, attempts: int
) -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise exc

    async with client_with(httpx.MockTransport(handler)) as client:
        session = await client.create_session()
        with pytest.raises(SessionEventError) as caught:
            await session.send_and_wait("hi")
    assert caught.value.error_type == error_type
    assert fragment in caught.value.message
    assert len(calls) == attempts


async def test_a_server_that_ignores_stream_true_still_works() -> None:
    completion = {
        "choices": [{"message": {"role": "assistant", "content": "whole answer"}}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 2},
    }

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=completion)

    async with client_with(httpx.MockTransport(handler)) as client:
        session = await client.create_session()
        usage: list[object] = []
        session.on("assistant.usage", usage.append)
        reply = await session.send_and_wait("hi")
    assert reply is not None
    assert reply.content == "whole answer"
    assert len(usage) == 1


async def test_requests_carry_the_provider_headers_and_key() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = 'data: {"choices":[{"delta":{"content":"ok"},"finish_reason":"stop"}]}\n\n'
        return httpx.Response(200, text=body, headers={"content-type": "text/event-stream"})

    provider = ProviderConfig(
        name="remote", base_url=BASE, api_key_env="REMOTE_KEY", headers={"X-Team": "blue"}
    )
    config = Config(providers=(provider,), default_model="m")
    transport = httpx.MockTransport(handler)
    async with CopilotClient(config, transport=transport, environ={"REMOTE_KEY": "k1"}) as client:
        reply = await (await client.create_session()).send_and_wait("hi")
    assert reply is not None
    assert reply.content == "ok"
    (request,) = seen
    assert str(request.url) == f"{BASE}/chat/completions"
    assert request.headers["authorization"] == "Bearer k1"
    assert request.headers["x-team"] == "blue"
    assert json.loads(request.content)["model"] == "m"


async def test_list_models_reports_a_failing_provider_and_keeps_the_others() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "down.test":
            return httpx.Response(503)
        return httpx.Response(200, json={"models": [{"name": "llama3.2:3b"}, {"model": "qwen"}]})

    providers = (
        ProviderConfig(name="ollama", base_url="http://up.test/v1"),
        ProviderConfig(name="cloud", base_url="http://down.test/v1", models=("static-1",)),
    )
    config = Config(providers=providers, default_model="ollama:llama3.2:3b")
    async with CopilotClient(config, transport=httpx.MockTransport(handler), environ={}) as client:
        models = await client.list_models()
        assert [m.id for m in models] == ["llama3.2:3b", "qwen", "cloud:static-1"]
        assert len(client.model_errors) == 1
        assert "503" in client.model_errors[0]
        provider, name = client.providers.route("cloud:static-1")
        assert (provider.name, name) == ("cloud", "static-1")
        provider, name = client.providers.route("llama3.2:3b")
        assert (provider.name, name) == ("ollama", "llama3.2:3b")
