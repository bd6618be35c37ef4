"""Reads of a trickling stream are a frame apart; a fast stream is read at once."""

from __future__ import annotations

import time

import httpcore

from copilot_tui.core.client import CopilotClient
from copilot_tui.core.events import AssistantMessageDeltaEvent, SessionEvent
from copilot_tui.core.read_pacing import PacedStream

MAX_BYTES = 1024


def paced(*reads: bytes, interval: float) -> PacedStream:
    return PacedStream(httpcore.AsyncMockStream(list(reads)), interval)


async def seconds_between_reads(stream: PacedStream) -> float:
    await stream.read(MAX_BYTES)
    ended = time.monotonic()
    await stream.read(MAX_BYTES)
    return time.monotonic() - ended


async def test_after_a_short_read_the_next_one_waits_out_the_interval() -> None:
    stream = paced(b"one token", b"the next", interval=0.2)
    assert await seconds_between_reads(stream) >= 0.2


async def test_after_a_full_read_the_next_one_starts_at_once() -> None:
    stream = paced(b"x" * MAX_BYTES, b"more", interval=5.0)
    assert await seconds_between_reads(stream) < 1.0


async def test_a_trickled_reply_arrives_whole_in_a_few_deltas(client: CopilotClient) -> None:
    """The client's default transport: 200 tokens 2 ms apart would be ~200 reads."""
    deltas: list[str] = []

    def collect(event: SessionEvent) -> None:
        if isinstance(event, AssistantMessageDeltaEvent):
            deltas.append(event.delta_content)

    session = await client.create_session()
    session.on(collect)
    reply = await session.send_and_wait("[[tokens=200 delay=0.002]] trickle", timeout=30)
    assert reply is not None
    assert "".join(deltas) == reply.content
    assert len(deltas) < 60  # ~0.4 s of tokens at most one read per 1/60 s, plus slack
