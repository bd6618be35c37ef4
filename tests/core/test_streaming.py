"""Turns through the shared client: concurrency, order, queueing, abort, timeouts."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from copilot_tui.core import (
    AssistantMessageDeltaEvent,
    AssistantMessageEvent,
    AssistantUsageEvent,
    CopilotClient,
    SessionEvent,
    SessionIdleEvent,
)
from copilot_tui.core.demo_server import Behaviour, DemoServer
from copilot_tui.core.store import SessionStore
from tests.conftest import ConfigFactory
from tests.helpers import last_reply, of_type, recorder, wait_for


async def test_three_one_second_replies_stream_concurrently(client: CopilotClient) -> None:
    sessions = [await client.create_session() for _ in range(3)]
    started = time.monotonic()
    # 20 tokens 50 ms apart: each reply takes about one second on its own.
    replies = await asyncio.gather(
        *(s.send_and_wait(f"[[tokens=20 delay=0.05]] question {i}") for i, s in enumerate(sessions))
    )
    elapsed = time.monotonic() - started
    assert all(r is not None and r.status == "complete" for r in replies)
    assert min(r.duration_s or 0 for r in replies if r) >= 0.9
    assert elapsed < 1.8, f"three 1 s replies took {elapsed:.2f} s together"


async def test_event_sequence_of_one_turn(client: CopilotClient) -> None:
    session = await client.create_session()
    events = recorder(session)
    reply = await session.send_and_wait("hello there")
    await wait_for(lambda: events[-1].type == "session.idle")
    types = [e.type for e in events]
    assert types[:3] == ["user.message", "session.title_changed", "assistant.turn_start"]
    assert types[-3:] == ["assistant.message", "assistant.usage", "session.idle"]
    assert set(types[3:-3]) == {"assistant.message_delta"}
    deltas = "".join(e.delta_content for e in of_type(events, AssistantMessageDeltaEvent))
    assert reply is not None
    assert deltas == reply.content
    (usage,) = of_type(events, AssistantUsageEvent)
    assert usage.output_tokens > 0
    assert usage.input_tokens > 0
    assert {e.session_id for e in events} == {session.session_id}
    assert session.title == "hello there"


async def test_messages_sent_during_a_turn_queue_and_run_in_order(
    client: CopilotClient, server: DemoServer
) -> None:
    session = await client.create_session()
    first = await session.send("[[tokens=10 delay=0.02]] first")
    second = await session.send("second")
    assert session.queued_count == 1
    assert session.is_busy
    third = await session.send_and_wait("third")
    assert third is not None
    assert "third" in third.content
    prompts = [r.body["messages"][-1]["content"] for r in server.requests if r.body]
    assert prompts == ["[[tokens=10 delay=0.02]] first", "second", "third"]
    # The second request already carried the first turn's reply.
    second_request = server.requests[1].body
    assert [m["role"] for m in second_request["messages"]] == ["user", "assistant", "user"]
    replies = of_type(session.get_events(), AssistantMessageEvent)
    assert [r.reply_to for r in replies] == [first, second, third.reply_to]


async def test_abort_stops_the_stream_and_keeps_the_partial_reply(
    client: CopilotClient, server: DemoServer
) -> None:
    endless = await client.create_session()
    other = await client.create_session()
    events = recorder(endless)
    await endless.send("[[never_end=true delay=0.005]] go on forever")
    other_reply = asyncio.ensure_future(other.send_and_wait("[[tokens=30 delay=0.01]] finish me"))
    await wait_for(lambda: any(e.type == "assistant.message_delta" for e in events))
    await endless.abort()
    final = of_type(events, AssistantMessageEvent)[-1]
    assert final.status == "aborted"
    assert final.aborted
    assert final.content
    idle = events[-1]
    assert isinstance(idle, SessionIdleEvent)
    assert idle.aborted
    await wait_for(lambda: server.disconnects == 1 and server.active_streams <= 1)
    finished = await other_reply
    assert finished is not None
    assert finished.status == "complete"
    assert last_reply(endless).content == final.content


async def test_send_and_wait_times_out_but_the_turn_goes_on(client: CopilotClient) -> None:
    session = await client.create_session()
    with pytest.raises(TimeoutError, match="the turn goes on"):
        await session.send_and_wait("[[tokens=20 delay=0.02]] slow", timeout=0.1)
    assert session.is_busy
    await wait_for(lambda: not session.is_busy)
    reply = last_reply(session)
    assert reply.status == "complete"
    assert reply.content


async def test_a_raising_handler_breaks_neither_the_turn_nor_other_handlers(
    client: CopilotClient, caplog: pytest.LogCaptureFixture
) -> None:
    session = await client.create_session()

    def broken(event: SessionEvent) -> None:
        raise ValueError("handler bug")

    session.on(broken)
    seen = recorder(session)
    with caplog.at_level(logging.ERROR):
        reply = await session.send_and_wait("still fine?")
    assert reply is not None
    assert reply.status == "complete"
    assert any(e.type == "assistant.message" for e in seen)
    assert "handler bug" in caplog.text


async def test_typed_subscription_and_unsubscribe(client: CopilotClient) -> None:
    session = await client.create_session()
    finals: list[SessionEvent] = []
    unsubscribe = session.on("assistant.message", finals.append)
    await session.send_and_wait("one")
    unsubscribe()
    await session.send_and_wait("two")
    assert [e.type for e in finals] == ["assistant.message"]
    with pytest.raises(ValueError, match="unknown event type"):
        session.on("assistant.mesage", finals.append)


async def test_partial_reply_is_saved_while_it_streams(client: CopilotClient) -> None:
    session = await client.create_session()
    events = recorder(session)
    await session.send("[[tokens=200 delay=0.01]] a long one")
    await wait_for(lambda: sum(e.type == "assistant.message_delta" for e in events) > 20)
    await asyncio.sleep(0.15)  # three flush intervals of 50 ms
    path = client.config.data_dir / "sessions.db"  # type: ignore[operator]
    reader = SessionStore(path)
    try:
        row = of_type(reader.load_events(session.session_id), AssistantMessageEvent)[-1]
    finally:
        reader.close()
    assert row.type == "assistant.message"
    assert row.status == "streaming"
    assert len(row.content) > 20
    await session.abort()


async def test_model_and_system_message_go_into_each_request(
    client: CopilotClient, server: DemoServer
) -> None:
    session = await client.create_session(model="alpha", system_message="Be terse.")
    await session.send_and_wait("first")
    await session.set_model("beta")
    await session.send_and_wait("second")
    bodies = [r.body for r in server.requests if r.body]
    assert [b["model"] for b in bodies] == ["alpha", "beta"]
    assert all(b["messages"][0] == {"role": "system", "content": "Be terse."} for b in bodies)
    assert all(
        b["stream"] is True and b["stream_options"] == {"include_usage": True} for b in bodies
    )


async def test_provider_concurrency_limit_queues_the_rest(
    make_config: ConfigFactory, server: DemoServer
) -> None:
    config = make_config()
    limited = config.providers[0].__class__(
        name="test", base_url=server.base_url, default_model="m", max_concurrency=2
    )
    server.set_default(Behaviour(tokens=10, delay=0.03))
    async with CopilotClient(make_config(providers=(limited,)), environ={}) as client:
        sessions = [await client.create_session() for _ in range(4)]
        peak = 0

        async def watch() -> None:
            nonlocal peak
            while True:
                peak = max(peak, server.active_streams)
                await asyncio.sleep(0.005)

        watcher = asyncio.ensure_future(watch())
        started = time.monotonic()
        await asyncio.gather(*(s.send_and_wait(f"q{i}") for i, s in enumerate(sessions)))
        watcher.cancel()
    assert peak == 2
    assert time.monotonic() - started >= 0.5  # two waves of ~0.3 s
