"""Faults from the model server, through the library: every one ends as one `session.error`
that names the cause and the fix; a partial reply is stored and marked; what is retryable
is retried within bounds; another session streaming at the same time does not notice."""

from __future__ import annotations

import asyncio
import dataclasses
import time
import tracemalloc

import pytest

from copilot_tui.core import (
    CopilotClient,
    SessionErrorEvent,
    SessionEventError,
    SessionInfoEvent,
    stream_guard,
)
from copilot_tui.core.config import ProviderConfig, RetryPolicy
from copilot_tui.core.demo_server import Behaviour, DemoServer
from copilot_tui.core.errors import ProviderError
from copilot_tui.core.sse import SSEParser
from tests.conftest import ConfigFactory
from tests.helpers import last_reply, of_type, recorder, wait_for
from tests.reliability.fault_cases import (
    CASES,
    ENVIRON,
    FAULT_PROMPT,
)
from tests.reliability.fault_checks import (
    SteadyWatch,
    check_error,
    check_reply,
    check_retries,
    stored_outcome,
)
from tests.reliability.fault_endpoints import (
    fault_config,
    fault_endpoint,
)

pytestmark = pytest.mark.fault

ENDLESS = Behaviour(never_end=True, text="loop ", big_chunk_bytes=4096)  # 4 kB a millisecond


@pytest.mark.parametrize("name", CASES)
async def test_a_fault_ends_in_one_error_naming_cause_and_fix(
    name: str, make_config: ConfigFactory, server: DemoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = CASES[name]
    with fault_endpoint(case, server, monkeypatch) as endpoint:
        config = fault_config(make_config, server, case, endpoint)
        async with CopilotClient(config, environ=ENVIRON) as client:
            steady = await client.create_session()
            failing = await client.create_session(model=case.session_model)
            watch, events = SteadyWatch(steady, failing), recorder(failing)
            steady_turn = asyncio.ensure_future(steady.send_and_wait(case.steady_prompt(), 20))
            await wait_for(lambda: watch.received > 0)
            started = time.monotonic()
            with pytest.raises(SessionEventError) as caught:
                await failing.send_and_wait(FAULT_PROMPT, timeout=20)
            elapsed = time.monotonic() - started
            error = check_error(case, of_type(events, SessionErrorEvent))
            raised = caught.value
            assert (raised.message, raised.error_type) == (error.message, error.error_type)
            check_retries(case, endpoint, events)
            reply = last_reply(failing)
            check_reply(case, reply)
            watch.check(await steady_turn)
            if case.retry_after is not None:
                assert elapsed >= case.retry_after * (case.attempts - 1)
            if case.endpoint == "server":  # the session stays usable once the server is
                follow_up = await failing.send_and_wait("and now?", timeout=20)
                assert follow_up is not None
                assert follow_up.status == "complete"
        stored, stored_errors = await stored_outcome(config, failing.session_id, reply.message_id)
    assert stored == reply
    assert [stored_error.message for stored_error in stored_errors] == [error.message]


async def test_a_missing_key_variable_is_a_configuration_error(
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


async def test_retry_after_is_honoured_then_the_reply_arrives(
    client: CopilotClient, server: DemoServer
) -> None:
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
    assert not of_type(events, SessionErrorEvent)


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


async def test_a_reply_that_never_ends_is_aborted_and_only_its_text_stays(
    make_config: ConfigFactory, server: DemoServer
) -> None:
    """Abort ends it at once, keeps the text and frees the server; of all it streamed, the
    client keeps the reply's text and nothing per chunk, and copies it only a few times."""
    config = make_config()
    server.enqueue(ENDLESS, match="endless")
    async with CopilotClient(config, environ={}) as client:
        steady, endless = await client.create_session(), await client.create_session()
        steady_turn = asyncio.ensure_future(steady.send_and_wait("[[tokens=60 delay=0.01]] go"))
        tracemalloc.start()
        try:
            await endless.send("endless")
            await wait_for(lambda: len(endless.get_events()) == 2)  # prompt, streaming reply
            message_id = endless.get_events()[-1].id
            await wait_for(lambda: len(endless.partial_text(message_id) or "") > 64 << 10)
            held_before, _ = tracemalloc.get_traced_memory()
            text_before = len(endless.partial_text(message_id) or "")
            await wait_for(lambda: len(endless.partial_text(message_id) or "") > 1 << 20)
            started = time.monotonic()
            await endless.abort()
            aborting = time.monotonic() - started
            held_after, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        reply = last_reply(endless)
        await wait_for(lambda: server.disconnects == 1)
        steady_reply = await steady_turn
    grown, text_grown = held_after - held_before, len(reply.content) - text_before
    assert aborting < 1
    assert grown < 1.25 * text_grown + (256 << 10), (grown, text_grown)
    assert peak < 8 * len(reply.content), (peak, len(reply.content))
    assert reply.status == "aborted"
    assert not endless.is_busy
    assert steady_reply is not None
    assert steady_reply.status == "complete"
    stored, errors = await stored_outcome(config, endless.session_id, reply.message_id)
    assert stored == reply
    assert errors == []


async def test_a_reply_that_never_ends_stops_at_the_cap_so_memory_is_bounded(
    make_config: ConfigFactory, server: DemoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nobody aborts (a script's send_and_wait timed out, the turn goes on): the cap ends
    it, so memory has a ceiling however long the server would go on."""
    cap = 1 << 20
    monkeypatch.setattr(stream_guard, "MAX_REPLY_CHARS", cap)
    server.enqueue(ENDLESS)
    async with CopilotClient(make_config(), environ={}) as client:
        session = await client.create_session()
        tracemalloc.start()
        try:
            with pytest.raises(SessionEventError, match="passed 1,048,576 characters"):
                await session.send_and_wait("endless", timeout=20)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        await wait_for(lambda: server.disconnects == 1)
    assert cap < len(last_reply(session).content) < 2 * cap
    assert peak < 6 * cap, peak


def _event(size: int) -> str:
    return "data: " + "x" * size + "\n\n"


GUARDED_READS = {  # the reads of a stream (limit 100 characters), whether they are refused
    "one event too large": ([_event(150)], True),
    "one event too large, over many reads": (["data: " + "x" * 40, "x" * 40, "x" * 40], True),
    "a line that never ends": (["x" * 60] * 3, True),
    "data lines and never a blank line": (["data: x\n" * 30], True),
    "many small events in one read": ([_event(14) * 30], False),
    "events split across reads": (["data: " + "x" * 50, "x" * 30 + "\n\n"] * 5, False),
}


@pytest.mark.parametrize(("reads", "refused"), GUARDED_READS.values(), ids=list(GUARDED_READS))
def test_an_event_over_the_size_limit_stops_the_stream(
    reads: list[str], refused: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the 10 MB case goes through, read by read: memory held for one event is
    bounded, however the server cuts it; many events in one read are fine."""
    monkeypatch.setattr(stream_guard, "MAX_EVENT_CHARS", 100)
    parser, guard = SSEParser(), stream_guard.EventSizeGuard("http://127.0.0.1/v1")

    def stream() -> None:
        for text in reads:
            guard.check(text, parser.feed_data(text))

    if refused:
        with pytest.raises(ProviderError, match="sent a single event larger than") as caught:
            stream()
        assert caught.value.error_type == "protocol"
        assert not caught.value.retryable
    else:
        stream()


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
