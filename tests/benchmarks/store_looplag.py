"""Target 6c's client: how late the event loop wakes up while replies stream and are saved.

    python -m tests.benchmarks.store_looplag BASE_URL DATA_DIR [--noop-store | --idle S]
        [--sessions 8] [--tokens 4000] [--flush 0.05]

A monitor task sleeps 1 ms at a time and records how late each wake-up is, while
several sessions of one real CopilotClient stream long replies from the scripted server
(another process) and the store saves partial text every `--flush` seconds plus each
final reply. Every store operation's start and end on the store's worker thread are
recorded too; a wake-up "overlaps the store" when one ran between the moment the
monitor should have woken and the moment it did. With `--noop-store` the store calls
return at once without running (nothing is saved): the same streaming without the store.
With `--idle S` the monitor runs S seconds alone: how late this machine wakes anyway.

Prints one JSON object with the lag figures in milliseconds (see `LagSummary`).
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import json
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from copilot_tui.core import Config, CopilotClient, CopilotSession, ProviderConfig, SessionEvent
from copilot_tui.core.async_store import AsyncSessionStore
from copilot_tui.core.store import SessionStore

MODEL = "bench-model"
TICK_S = 0.001
TOKEN_DELAY_S = 0.002
WARM_UP_TOKENS = 20


@dataclass
class Recording:
    """Wake-ups as (due, woke) and store operations as (start, end), perf_counter seconds."""

    wakeups: list[tuple[float, float]] = field(default_factory=list)
    store_ops: list[tuple[float, float]] = field(default_factory=list)


@dataclass(frozen=True)
class LagSummary:
    wakeups: int
    max_ms: float
    p99_ms: float
    overlapping_wakeups: int
    overlapping_max_ms: float
    overlapping_p99_ms: float
    store_ops: int
    store_op_max_ms: float
    store_busy_fraction: float


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def overlaps_store(wakeup: tuple[float, float], starts: list[float], ends: list[float]) -> bool:
    """Whether a store operation ran while the wake-up was overdue.

    The worker runs one operation at a time, so the operations are ordered and disjoint:
    only the last one to start before the wake-up can still have been running.
    """
    due, woke = wakeup
    last = bisect.bisect_left(starts, woke) - 1
    return last >= 0 and ends[last] > due


def summarise(recording: Recording) -> LagSummary:
    ops = sorted(recording.store_ops)
    starts, ends = [start for start, _ in ops], [end for _, end in ops]
    lags = [(woke - due) * 1000 for due, woke in recording.wakeups]
    flags = [overlaps_store(w, starts, ends) for w in recording.wakeups]
    overlapping = [lag for lag, flag in zip(lags, flags, strict=True) if flag]
    durations = [(end - start) * 1000 for start, end in ops]
    span = recording.wakeups[-1][1] - recording.wakeups[0][0] if recording.wakeups else 1.0
    return LagSummary(
        wakeups=len(lags),
        max_ms=max(lags, default=0.0),
        p99_ms=percentile(lags, 0.99),
        overlapping_wakeups=len(overlapping),
        overlapping_max_ms=max(overlapping, default=0.0),
        overlapping_p99_ms=percentile(overlapping, 0.99),
        store_ops=len(ops),
        store_op_max_ms=max(durations, default=0.0),
        store_busy_fraction=sum(durations) / 1000 / span,
    )


def instrument(store: AsyncSessionStore, recording: Recording, noop: bool) -> None:
    """Record when each store operation runs on the worker; with `noop`, run none."""
    original = store.run

    async def timed_run(operation: Callable[[SessionStore], Any]) -> Any:
        def timed(opened: SessionStore) -> Any:
            started = time.perf_counter()
            try:
                return operation(opened)
            finally:
                recording.store_ops.append((started, time.perf_counter()))

        return None if noop else await original(timed)

    store.run = timed_run  # type: ignore[method-assign]


async def monitor(stop: asyncio.Event, recording: Recording) -> None:
    while not stop.is_set():
        due = time.perf_counter() + TICK_S
        await asyncio.sleep(TICK_S)
        recording.wakeups.append((due, time.perf_counter()))


def _setter(done: asyncio.Event) -> Callable[[SessionEvent], None]:
    return lambda _event: done.set()


async def stream_all(sessions: list[CopilotSession], tokens: int) -> None:
    idle = [asyncio.Event() for _ in sessions]
    unsubscribe = [
        session.on("session.idle", _setter(done))
        for session, done in zip(sessions, idle, strict=True)
    ]
    for number, session in enumerate(sessions):
        await session.send(f"Reply {number} [[tokens={tokens} delay={TOKEN_DELAY_S} ttft=0]]")
    await asyncio.gather(*(done.wait() for done in idle))
    for stop in unsubscribe:
        stop()


async def measure(args: argparse.Namespace) -> LagSummary:
    provider = ProviderConfig(
        name="bench", base_url=args.base_url, default_model=MODEL, max_concurrency=args.sessions
    )
    config = Config(providers=(provider,), data_dir=args.data_dir, flush_interval=args.flush)
    recording = Recording()
    async with CopilotClient(config, environ={}) as client:
        titled = [{"model": MODEL, "title": f"lag {n}"} for n in range(args.sessions)]
        sessions = [await client.create_session(options) for options in titled]
        # Not measured: the first turn opens the connections and imports what httpx
        # imports on first use, tens of milliseconds that have nothing to do with saving.
        await stream_all(sessions, WARM_UP_TOKENS)
        instrument(client._started().services.store, recording, args.noop_store)
        stop = asyncio.Event()
        watching = asyncio.ensure_future(monitor(stop, recording))
        await stream_all(sessions, args.tokens)
        stop.set()
        await watching
    return summarise(recording)


async def idle_loop(seconds: float) -> LagSummary:
    """The machine's own noise: the monitor alone, in a loop with nothing else to do."""
    recording = Recording()
    stop = asyncio.Event()
    watching = asyncio.ensure_future(monitor(stop, recording))
    await asyncio.sleep(seconds)
    stop.set()
    await watching
    return summarise(recording)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("base_url")
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--noop-store", action="store_true")
    parser.add_argument("--idle", type=float, default=0.0, help="only the monitor, this long")
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--tokens", type=int, default=4000)
    parser.add_argument("--flush", type=float, default=0.05)
    args = parser.parse_args(argv)
    summary = asyncio.run(idle_loop(args.idle) if args.idle else measure(args))
    print(json.dumps(asdict(summary)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
