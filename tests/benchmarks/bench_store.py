"""The session store: listing (6a), full-text search (6b) and loop lag while saving (6c).

    python -m tests.benchmarks --only bench_store [--quick]

6a and 6b run on a store built by store_data.py (10,000 sessions and 100,000 messages;
--quick: 20,000 messages), through a started `CopilotClient` (so the hop to the store's
worker thread and back is included) and, for 6a, on a `SessionStore` directly. The
first call of each kind is a warm-up, reported as `first_call_ms` but not a sample.

6c: see store_looplag.py for the method. Each round streams the same replies twice
from the scripted server (its own process), once saving for real ("real") and once with
store calls that return at once ("noop"), then times an idle loop ("idle"). The samples
are the real runs' worst and 99th-percentile lag of the wake-ups that were overdue
while a store operation ran: an upper bound on what the store costs the loop, since
streaming work and the machine's own hiccups meanwhile count too. `extra` holds the
baselines to judge it by: noop_* (streaming and machine, no store) and idle_* (the
machine alone), and store_excess_* (the real runs' figures minus the no-op runs', per
round): the estimate of what the store itself adds. Where noop_max_ms is above 5 ms
too, the worst lags come from streaming or the machine, not from the store.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from copilot_tui.core import Config, CopilotClient, ProviderConfig
from copilot_tui.core.store import SessionStore
from tests.benchmarks.library_server import scripted_server
from tests.benchmarks.report import Measurement
from tests.benchmarks.store_data import COMMON_WORD, RARE_WORD, StoreFacts, build_store

LIST_TARGET_MS, SEARCH_TARGET_MS, LAG_TARGET_MS = 50.0, 100.0, 5.0
SESSIONS = 10_000
_IDLE_S = 3.0
_REPO = Path(__file__).resolve().parents[2]
# Never contacted: a provider is configured only so the client starts no demo server.
_UNUSED_PROVIDER = ProviderConfig(name="bench", base_url="http://127.0.0.1:9/v1")


def run(quick: bool) -> list[Measurement]:
    messages, runs, lag_pairs = (20_000, 5, 1) if quick else (100_000, 15, 5)
    with tempfile.TemporaryDirectory(prefix="bench-store-") as home:
        facts = build_store(Path(home) / "sessions.db", sessions=SESSIONS, messages=messages)
        measured = [
            *asyncio.run(_client_figures(facts, runs)),
            _direct_listing(facts, runs),
            *loop_lag(Path(home), lag_pairs, quick),
        ]
    return measured


# -- 6a and 6b ---------------------------------------------------------------------------


async def _client_figures(facts: StoreFacts, runs: int) -> list[Measurement]:
    config = Config(providers=(_UNUSED_PROVIDER,), data_dir=facts.path.parent)
    async with CopilotClient(config, environ={}) as client:
        listing = await _timed_async(client.list_sessions, runs)
        common = await _timed_async(lambda: client.search_messages(COMMON_WORD), runs)
        rare = await _timed_async(lambda: client.search_messages(RARE_WORD), runs)
    size = f"{facts.messages:,} messages"
    return [
        _measurement("6a", f"client.list_sessions(), {facts.sessions:,} sessions", listing),
        _measurement("6b", f"client.search_messages({COMMON_WORD!r}): in most of {size}", common),
        _measurement(
            "6b", f"client.search_messages({RARE_WORD!r}): in {facts.rare_matches} of {size}", rare
        ),
    ]


def _direct_listing(facts: StoreFacts, runs: int) -> Measurement:
    store = SessionStore(facts.path)
    try:
        timed = _timed(store.list_sessions, runs)
    finally:
        store.close()
    return _measurement("6a", f"SessionStore.list_sessions(), {facts.sessions:,} sessions", timed)


def _measurement(target_id: str, name: str, timed: tuple[float, list[float], int]) -> Measurement:
    first, samples, results = timed
    target = LIST_TARGET_MS if target_id == "6a" else SEARCH_TARGET_MS
    extra = {"first_call_ms": first, "results": float(results)}
    return Measurement(target_id, name, "ms", samples, target, extra=extra)


async def _timed_async(
    call: Callable[[], Awaitable[list[Any]]], runs: int
) -> tuple[float, list[float], int]:
    """(first call ms, `runs` further calls ms, result count), timed on the event loop."""
    samples = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        results = await call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples[0], samples[1:], len(results)


def _timed(call: Callable[[], list[Any]], runs: int) -> tuple[float, list[float], int]:
    samples = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        results = call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples[0], samples[1:], len(results)


# -- 6c ----------------------------------------------------------------------------------


def loop_lag(data_dir: Path, pairs: int, quick: bool) -> list[Measurement]:
    sessions, tokens = (4, 1_500) if quick else (8, 4_000)
    options = ["--sessions", str(sessions), "--tokens", str(tokens), "--flush", "0.05"]
    runs: dict[str, list[dict[str, float]]] = {"real": [], "noop": [], "idle": []}
    with scripted_server() as server:
        for _ in range(pairs):  # interleaved, so a burst of load hits every kind alike
            runs["real"].append(_lag_run(server.base_url, data_dir, options))
            runs["noop"].append(_lag_run(server.base_url, data_dir, [*options, "--noop-store"]))
            runs["idle"].append(_lag_run(server.base_url, data_dir, ["--idle", str(_IDLE_S)]))
    load = f"{sessions} sessions x {tokens:,} tokens, partial saves every 50 ms"
    extra = _lag_extra(runs)
    return [
        Measurement(
            "6c",
            f"worst loop lag while the store worked ({load})",
            "ms",
            [run["overlapping_max_ms"] for run in runs["real"]],
            LAG_TARGET_MS,
            note="upper bound: streaming work and machine noise meanwhile count too",
            extra=extra,
        ),
        Measurement(
            "6c",
            f"p99 loop lag while the store worked ({load})",
            "ms",
            [run["overlapping_p99_ms"] for run in runs["real"]],
            LAG_TARGET_MS,
            extra=extra,
        ),
    ]


def _lag_run(base_url: str, data_dir: Path, options: list[str]) -> dict[str, float]:
    command = [sys.executable, "-m", "tests.benchmarks.store_looplag", base_url, str(data_dir)]
    done = subprocess.run(
        [*command, *options], capture_output=True, text=True, check=False, cwd=_REPO
    )
    if done.returncode != 0:
        raise RuntimeError(f"the loop-lag client failed: {done.stderr[-2000:]}")
    result: dict[str, float] = json.loads(done.stdout)
    return result


def _lag_extra(runs: dict[str, list[dict[str, float]]]) -> dict[str, float]:
    """Medians over the runs: the real runs' other figures and the two baselines."""
    names = {
        "real": ("max_ms", "p99_ms", "store_ops", "store_op_max_ms", "store_busy_fraction"),
        "noop": ("max_ms", "p99_ms"),
        "idle": ("max_ms", "p99_ms"),
    }
    medians = {
        f"{kind}_{key}": statistics.median(run[key] for run in runs[kind])
        for kind, keys in names.items()
        for key in keys
    }
    return medians | _excess_over_noop(runs["real"], runs["noop"])


def _excess_over_noop(
    real: list[dict[str, float]], noop: list[dict[str, float]]
) -> dict[str, float]:
    """How much later the loop woke while the store worked than with no store at all.

    Per round, then the median: a rough estimate of the lag the store itself adds (a
    negative value means the no-op run had the worse hiccup).
    """
    pairs = list(zip(real, noop, strict=True))
    return {
        "store_excess_p99_ms": statistics.median(
            r["overlapping_p99_ms"] - n["p99_ms"] for r, n in pairs
        ),
        "store_excess_max_ms": statistics.median(
            r["overlapping_max_ms"] - n["max_ms"] for r, n in pairs
        ),
    }
