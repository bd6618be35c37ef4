"""Every failure ends as one `session.error` with an actionable message; the session
stays usable; what is retryable is retried within bounds."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import time

import pytest

from copilot_tui.core import (
    CopilotClient,
    SessionErrorEvent,
    SessionEventError,
    SessionInfoEvent,
)
from copilot_tui.core.config import ProviderConfig, RetryPolicy, Timeouts
from copilot_tui.core.demo_server import Behaviour, DemoServer
from tests.conftest import ConfigFactory
from tests.helpers import last_reply, of_type, recorder

JSON = "application/json"
CONTEXT_BODY = (
    '{"error": {"message": "This model\'s maximum context length is 8192 tokens",'
    ' "code": "context_length_exceeded"}}'
)
HTML = "<html><body><h1>502 Bad Gateway</h1></body></html>"

# behaviour, error_type, status_code, fragment of the message, requests made (3 attempts max)
FAILURES = {
    "403": (Behaviour(status=403), "permission", 403, "no access to model", 1),
    "413": (Behaviour(status=413), "context_length", 413, "too long for model", 1),
    "400-context": (
        Behaviour(status=400, body=CONTEXT_BODY, content_type=JSON),
        "context_length",
        400,
        "start a new session",
        1,
    ),
    "400": (Behaviour(status=400), "bad_request", 400, "400 Bad Request from http", 1),
    "500": (Behaviour(status=500), "server", 500, "the server failed", 1),
    "502": (Behaviour(status=502), "server", 502, "gave up after 3 attempts", 3),
    "503": (Behaviour(status=503), "server", 503, "unavailable or overloaded", 3),
    "504": (Behaviour(status=504), "server", 504, "504 Gateway Timeout", 3),
    "429-no-retry-after": (Behaviour(status=429), "rate_limit", 429, "rate limited", 3),
    "cut-before-first-token": (
        Behaviour(cut_after=0),
        "connection",
        None,
        "gave up after 3 attempts",
        3,
    ),
    "html-page": (
        Behaviour(body=HTML),
        "protocol",
        None,
        "text/html instead of an event stream",
        1,
    ),
}


async def expect_error(client: CopilotClient, prompt: str = "hello") -> SessionEventError:
    session = await client.create_session()
    events = recorder(session)
    with pytest.raises(SessionEventError) as caught:
        await session.send_and_wait(prompt)
    (error,) = of_type(events, SessionErrorEvent)
    assert error.message == caught.value.message
    # The session stays usable once the server behaves.
    reply = await session.send_and_wait("and now?")
    assert reply is not None
    assert reply.status == "complete"
    return caught.value


@pytest.mark.parametrize("name", FAILURES)
async def test_failure_kinds(name: str, client: CopilotClient, server: DemoServer) -> None:
    behaviour, error_type, status, fragment, attempts = FAILURES[name]
    server.enqueue(*[behaviour] * attempts)
    error = await expect_error(client)
    assert error.error_type == error_type
    assert error.status_code == status
    assert fragment in error.message
    assert len(server.requests) == attempts + 1  # then the follow-up that works


async def test_401_names_the_variable_to_set(
    make_config: ConfigFactory, server: DemoServer
) -> None:
    provider = ProviderConfig(name="test", base_url=server.base_url, api_key_env="TEST_KEY")
    server.enqueue(Behaviour(status=401))
    config = make_config(providers=(provider,), default_model="m")
    async with CopilotClient(config, environ={"TEST_KEY": "sk-wrong"}) as client:
        error = await expect_error(client)
    assert error.error_type == "authentication"
    assert "401 Unauthorized from http://127.0.0.1" in error.message
    assert "set TEST_KEY to a valid API key" in error.message
    assert "sk-wrong" not in error.message
    assert server.requests[0].headers["authorization"] == "Bearer sk-wrong"


async def test_missing_key_variable_is_a_configuration_error(
    make_config: ConfigFactory, server: DemoServer
) -> None:
    provider = ProviderConfig(name="test", base_url=server.base_url, api_key_env="MISSING_KEY")
    async with CopilotClient(
        make_config(providers=(provider,), default_model="m"), environ={}
    ) as client:
        session = await client.create_session()
        with pytest.raises(SessionEventError, match="MISSING_KEY is not set") as caught:
            await session.send_and_wait("hi")
    assert caught.value.error_type == "configuration"
    assert server.requests == []


async def test_unknown_model_is_a_clear_404(make_config: ConfigFactory) -> None:
    with DemoServer(models=("known",)) as strict:
        provider = ProviderConfig(name="test", base_url=strict.base_url)
        async with CopilotClient(make_config(providers=(provider,)), environ={}) as client:
            session = await client.create_session(model="gpt-9")
            with pytest.raises(SessionEventError) as caught:
                await session.send_and_wait("hi")
    assert caught.value.error_type == "not_found"
    assert "model 'gpt-9' not found at http://127.0.0.1" in caught.value.message


async def test_retry_after_is_honoured(client: CopilotClient, server: DemoServer) -> None:
    server.enqueue(Behaviour(status=429, headers={"Retry-After": "1"}))
    session = await client.create_session()
    events = recorder(session)
    started = time.monotonic()
    reply = await session.send_and_wait("patience")
    assert time.monotonic() - started >= 1.0
    assert reply is not None
    assert reply.status == "complete"
    assert len(server.requests) == 2
    (info,) = of_type(events, SessionInfoEvent)
    assert info.info_type == "retry"
    assert "retrying in 1.0 s (attempt 2 of 3)" in info.message


async def test_retry_after_beyond_the_limit_is_reported_not_waited(
    make_config: ConfigFactory, server: DemoServer
) -> None:
    policy = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05, max_retry_after=5)
    server.enqueue(Behaviour(status=429, headers={"Retry-After": "3600"}))
    async with CopilotClient(make_config(retry=policy), environ={}) as client:
        session = await client.create_session()
        started = time.monotonic()
        with pytest.raises(SessionEventError, match="rate limited"):
            await session.send_and_wait("now")
    assert time.monotonic() - started < 1
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("behaviour", "fragment"),
    [
        (Behaviour(cut_after=3), "closed mid-reply"),
        (Behaviour(malformed_at=3), "malformed chunk from http://127.0.0.1"),
        (Behaviour(error_at=3), "mid-stream"),
    ],
)
async def test_failure_after_text_keeps_the_partial_reply_and_does_not_retry(
    behaviour: Behaviour, fragment: str, client: CopilotClient, server: DemoServer
) -> None:
    server.enqueue(behaviour)
    session = await client.create_session()
    with pytest.raises(SessionEventError, match=fragment):
        await session.send_and_wait("[[tokens=10]] go")
    assert last_reply(session).status == "error"
    assert last_reply(session).content
    assert len(server.requests) == 1


async def test_idle_stream_fails_as_a_retryable_timeout(
    make_config: ConfigFactory, server: DemoServer
) -> None:
    server.enqueue(Behaviour(silence_after=0), Behaviour(silence_after=0))
    config = make_config(timeouts=Timeouts(connect=2, idle=0.3), retry=RetryPolicy(max_attempts=2))
    async with CopilotClient(config, environ={}) as client:
        error = await expect_error(client)
    assert error.error_type == "timeout"
    assert "sent nothing for 0.3 s (timeouts.idle)" in error.message
    assert "gave up after 2 attempts" in error.message


async def test_connection_refused(make_config: ConfigFactory) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    provider = ProviderConfig(name="test", base_url=f"http://127.0.0.1:{port}/v1")
    async with CopilotClient(
        make_config(providers=(provider,), default_model="m"), environ={}
    ) as client:
        session = await client.create_session()
        with pytest.raises(
            SessionEventError, match=r"cannot connect to http://127\.0\.0\.1"
        ) as caught:
            await session.send_and_wait("anyone?")
    assert caught.value.error_type == "connection"
    assert "is the server running?" in caught.value.message


async def test_one_failing_session_leaves_the_others_streaming(
    client: CopilotClient, server: DemoServer
) -> None:
    healthy = [await client.create_session() for _ in range(2)]
    failing = await client.create_session()
    server.enqueue(Behaviour(status=500), match="doomed")
    results = await asyncio.gather(
        failing.send_and_wait("doomed"),
        *(s.send_and_wait("[[tokens=30 delay=0.01]] fine") for s in healthy),
        return_exceptions=True,
    )
    assert isinstance(results[0], SessionEventError)
    assert all(
        not isinstance(r, BaseException) and r and r.status == "complete" for r in results[1:]
    )


async def test_stop_aborts_running_turns_and_keeps_partial_replies(
    make_config: ConfigFactory,
) -> None:
    config = make_config()
    client = CopilotClient(config, environ={})
    session = await client.create_session()
    streaming = asyncio.Event()
    session.on("assistant.message_delta", lambda event: streaming.set())
    await session.send("[[never_end=true delay=0.005]] endless")
    await asyncio.wait_for(streaming.wait(), 5)
    await client.stop()
    async with CopilotClient(dataclasses.replace(config), environ={}) as again:
        resumed = await again.resume_session(session.session_id)
        reply = last_reply(resumed)
    assert reply.type == "assistant.message"
    assert reply.status == "aborted"
    assert reply.content
