"""A/B runs in the library: broadcast, each session's entry, winner marks."""

from __future__ import annotations

import time

import pytest

from copilot_tui.core import CopilotClient, InvalidArgumentError
from copilot_tui.core.compare import broadcast, compare_entry, entry_of, mark_winner
from copilot_tui.core.demo_server import Behaviour, DemoServer
from tests.conftest import ConfigFactory
from tests.helpers import wait_for


async def test_broadcast_streams_to_every_session_at_once(
    client: CopilotClient, server: DemoServer
) -> None:
    sessions = [
        await client.create_session(model=model) for model in ("model-a", "model-b", "model-a")
    ]
    started = time.monotonic()
    run = await broadcast(sessions, "[[tokens=20 delay=0.05]] compare me")
    await wait_for(lambda: not any(s.is_busy for s in sessions), timeout=10)
    assert time.monotonic() - started < 1.8  # three ~1 s replies, together
    entries = [entry_of(s, run) for s in sessions]
    assert [e.model for e in entries] == ["model-a", "model-b", "model-a"]
    for entry in entries:
        assert entry.prompt is not None
        assert entry.prompt.compare_id == run
        assert entry.reply is not None
        assert entry.reply.status == "complete"
        assert entry.figures is not None
        assert entry.figures.output_tokens == 20
    bodies = [r.body for r in server.requests]
    assert sorted(b["model"] for b in bodies) == ["model-a", "model-a", "model-b"]
    assert all(len(b["messages"]) == 1 for b in bodies)  # each with its own (empty) history


async def test_a_failing_target_has_its_error_in_its_entry(
    client: CopilotClient, server: DemoServer
) -> None:
    good, bad = await client.create_session(), await client.create_session(model="broken")
    server.enqueue(Behaviour(status=500), match="same prompt")
    # The one 500 goes to whichever request comes first; find which session got it.
    run = await broadcast([good, bad], "same prompt")
    await wait_for(lambda: not good.is_busy and not bad.is_busy)
    entries = [entry_of(s, run) for s in (good, bad)]
    failed = [e for e in entries if e.error is not None]
    finished = [e for e in entries if e.error is None]
    assert len(failed) == 1
    assert len(finished) == 1
    assert "500" in failed[0].error.message  # type: ignore[union-attr]
    assert finished[0].reply is not None
    assert finished[0].reply.status == "complete"


async def test_winner_marks_are_exclusive_and_survive_a_new_client(
    make_config: ConfigFactory,
) -> None:
    config = make_config()
    async with CopilotClient(config, environ={}) as first:
        a, b = (
            await first.create_session(session_id="a"),
            await first.create_session(session_id="b"),
        )
        run = await broadcast([a, b], "which is better?")
        await wait_for(lambda: not a.is_busy and not b.is_busy)
        await mark_winner([a, b], run, a)
        await mark_winner([a, b], run, b)
        assert entry_of(a, run).reply.winner is False  # type: ignore[union-attr]
        assert entry_of(b, run).reply.winner is True  # type: ignore[union-attr]
    async with CopilotClient(config, environ={}) as second:
        record = await second.read_session("b")
        reply = compare_entry("b", "m", record.events, run).reply
        assert reply is not None
        assert reply.winner is True
        resumed = await second.resume_session("a")
        assert entry_of(resumed, run).reply.winner is False  # type: ignore[union-attr]


async def test_latest_turn_without_a_compare_id_and_marking_unknown_replies(
    client: CopilotClient,
) -> None:
    session = await client.create_session()
    await session.send_and_wait("first")
    await session.send_and_wait("second")
    entry = entry_of(session, None)
    assert entry.prompt is not None
    assert entry.prompt.content == "second"
    assert entry_of(session, "no-such-run").reply is None
    with pytest.raises(InvalidArgumentError, match="no finished reply"):
        await session.set_winner("nope")
