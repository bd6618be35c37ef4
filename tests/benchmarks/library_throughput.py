"""Target 7's client: one CopilotClient streaming many replies at once, as its own process.

    python -m tests.benchmarks.library_throughput BASE_URL [--sessions 16] [--tokens 20000]

Prints one JSON object: server-side tokens, wall seconds from the first send to the last
`session.idle`, the process's CPU seconds in that window (every thread: the event loop
and the store's worker), and the text delivered to `assistant.message_delta` handlers
against what the server sent. bench_library runs it pinned to one core.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from copilot_tui.core import (
    AssistantMessageDeltaEvent,
    AssistantMessageEvent,
    AssistantUsageEvent,
    Config,
    CopilotClient,
    CopilotSession,
    ProviderConfig,
    SessionEvent,
)
from copilot_tui.core.demo_replies import demo_reply, strip_directives

MODEL = "bench-model"
WARM_UP_TOKENS = 20


@dataclass
class SessionTally:
    """What one session's handlers saw during the measured turn."""

    chars: int = 0
    deltas: int = 0
    server_tokens: int = 0
    idle: asyncio.Event = field(default_factory=asyncio.Event)

    def on_delta(self, event: SessionEvent) -> None:
        assert isinstance(event, AssistantMessageDeltaEvent)
        self.chars += len(event.delta_content)
        self.deltas += 1

    def on_usage(self, event: SessionEvent) -> None:
        assert isinstance(event, AssistantUsageEvent)
        self.server_tokens += event.output_tokens

    def on_idle(self, event: SessionEvent) -> None:
        self.idle.set()


def prompt_for(number: int, tokens: int) -> str:
    return f"Stream number {number}, please [[tokens={tokens} delay=0 ttft=0]]"


def client_config(base_url: str, data_dir: Path, sessions: int, flush: float) -> Config:
    provider = ProviderConfig(
        name="bench", base_url=base_url, default_model=MODEL, max_concurrency=sessions
    )
    return Config(providers=(provider,), data_dir=data_dir, flush_interval=flush)


async def _turn(sessions: list[CopilotSession], tokens: int) -> list[SessionTally]:
    """Send one prompt to every session at once; return when every session is idle."""
    tallies = [SessionTally() for _ in sessions]
    for session, tally in zip(sessions, tallies, strict=True):
        session.on("assistant.message_delta", tally.on_delta)
        session.on("assistant.usage", tally.on_usage)
        session.on("session.idle", tally.on_idle)
    for number, session in enumerate(sessions):
        await session.send(prompt_for(number, tokens))
    await asyncio.gather(*(tally.idle.wait() for tally in tallies))
    return tallies


async def measure(base_url: str, sessions: int, tokens: int, flush: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-throughput-") as home:
        config = client_config(base_url, Path(home), sessions, flush)
        async with CopilotClient(config, environ={}) as client:
            opened = [await client.create_session(model=MODEL) for _ in range(sessions)]
            await _turn(opened, WARM_UP_TOKENS)  # opens the connections; not measured
            for session in opened:
                await session.disconnect()  # drops the warm-up's handlers
            opened = [await client.resume_session(s.session_id) for s in opened]
            cpu_before, started = time.process_time(), time.perf_counter()
            tallies = await _turn(opened, tokens)
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu_before
            finals = [_final_reply(session) for session in opened]
    expected = [
        len(demo_reply(strip_directives(prompt_for(n, tokens)), MODEL, tokens))
        for n in range(sessions)
    ]
    return {
        "sessions": sessions,
        "server_tokens": sum(t.server_tokens for t in tallies),
        "wall_s": wall,
        "cpu_s": cpu,
        "deltas": sum(t.deltas for t in tallies),
        "delivered_chars": sum(t.chars for t in tallies),
        "expected_chars": sum(expected),
        "final_chars": sum(len(event.content) for event in finals),
    }


def _final_reply(session: CopilotSession) -> AssistantMessageEvent:
    return [e for e in session.get_events() if isinstance(e, AssistantMessageEvent)][-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("base_url")
    parser.add_argument("--sessions", type=int, default=16)
    parser.add_argument("--tokens", type=int, default=20_000)
    parser.add_argument(
        "--flush", type=float, default=Config().flush_interval, help="partial saves (s)"
    )
    args = parser.parse_args(argv)
    result = asyncio.run(measure(args.base_url, args.sessions, args.tokens, args.flush))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
