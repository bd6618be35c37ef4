"""Benchmark: the real app in a terminal (tmux), targets 1-5 of issue 5.

    python -m tests.benchmarks --only bench_terminal [--quick]

Every run starts the app in its own tmux server (120x40) with a fresh copy of a seeded
store, talks to the demo server running as a separate process (so its CPU is not the
app's), reads the screen every ~10 ms and quits the app. Each series drops its first run
(warm-up: OS caches, bytecode); figures are medians of the rest. Before each run a fixed
Python loop is timed (`machine_speed`): CPU figures move with the host. Times are
CLOCK_MONOTONIC, shared with the server's request log (lags after its last byte).
A failed run is reported on stderr with its last screen and leaves out its samples.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.benchmarks import terminal_tabs as tabs
from tests.benchmarks.machine_speed import loop_cpu_s
from tests.benchmarks.report import Measurement
from tests.benchmarks.terminal_scenarios import Bench, Figures, reply, startup
from tests.benchmarks.terminal_server import ServerProcess
from tests.benchmarks.terminal_setup import SeedSpec, seeded_data

INFO = float("inf")  # the target of a figure reported for information only
STORED = SeedSpec("s", count=1000, turns=10, digits=4)  # 1,000 sessions of 20 messages
TAB_SESSIONS = SeedSpec("t", count=9, turns=0)  # t1..t9: short ids, all fit the tab bar
BIG = SeedSpec("big", count=20, turns=1000, digits=2)  # 2,000 messages, ~1 MB each
HOME = SeedSpec("home", count=1, turns=1)
REPLY = SeedSpec("reply", count=1, turns=0)


@dataclass(frozen=True)
class Plan:
    runs: int  # per series, warm-up included
    memory_runs: int  # of the slow twenty-tab series
    keystrokes: int


def _series(name: str, runs: int, one_run: Callable[[], Figures]) -> list[Figures]:
    """`runs` runs of a scenario, the first (warm-up) dropped; failed runs are skipped."""
    kept: list[Figures] = []
    for number in range(runs):
        print(f"  {name} run {number + 1}/{runs}", file=sys.stderr, flush=True)
        try:
            speed = loop_cpu_s()
            figures = one_run() | {"machine_loop_s": speed}
        except Exception:  # one bad run must not lose the series
            print(traceback.format_exc(limit=3), file=sys.stderr, flush=True)
            continue
        print(f"    {_brief(figures)}", file=sys.stderr, flush=True)
        if number > 0:
            kept.append(figures)
    return kept


def _brief(figures: Figures) -> str:
    return ", ".join(f"{key}={value:.3g}" for key, value in figures.items())


def _measure(
    target_id: str, name: str, unit: str, runs: list[Figures], key: str, target: float
) -> Measurement:
    """One figure of a series, with the medians of its other figures as extras."""
    extra = {
        other: statistics.median(run[other] for run in runs)
        for other in (runs[0] if runs else {})
        if other != key
    }
    samples = [run[key] for run in runs]
    note = "information only" if target == INFO else ""
    return Measurement(target_id, name, unit, samples, target, note=note, extra=extra)


def _single_tab(bench: Bench, plan: Plan) -> list[Measurement]:
    stored = seeded_data([STORED])
    restored = STORED.ids()[:5]
    boot = _series("startup", plan.runs, lambda: startup(bench, stored, restored))
    one = seeded_data([REPLY])
    (tab,) = REPLY.ids()
    fast = _series("stream", plan.runs, lambda: reply(bench, one, tab, 3000, 0.0))
    paced = _series("paced", plan.runs, lambda: reply(bench, one, tab, 1000, 0.005))
    return [
        _measure("1", "start-up, 1,000 sessions, 5 tabs: launch -> first usable frame", "s",
                 boot, "startup_s", 0.6),
        _measure("1", "start-up: launch -> typed probe on screen (echo)", "s",
                 boot, "echo_s", INFO),
        _measure("2", "3,000 tokens at full speed: Enter -> end marker on screen", "s",
                 fast, "stream_s", 1.5),
        _measure("2", "3,000 tokens: app CPU from Enter to the end", "s", fast, "cpu_s", 1.5),
        _measure("2", "3,000 tokens: Enter -> first reply text", "s", fast, "first_s", INFO),
        _measure("2", "3,000 tokens: peak RSS", "MB", fast, "peak_rss_mb", INFO),
        _measure("3", "1,000 tokens at 5 ms: end on screen after the server's last byte",
                 "s", paced, "lag_s", 0.1),
        _measure("3", "1,000 tokens at 5 ms: app CPU from Enter to the end", "s",
                 paced, "cpu_s", 1.0),
        _measure("3", "machine speed before each paced run: a fixed loop's CPU", "s",
                 paced, "machine_loop_s", INFO),
    ]  # fmt: skip


def _many_tabs(bench: Bench, plan: Plan) -> list[Measurement]:
    tab_seed = seeded_data([TAB_SESSIONS])
    tab_ids = TAB_SESSIONS.ids()
    busy = _series(
        "eight tabs", plan.runs, lambda: tabs.eight_tabs(bench, tab_seed, tab_ids, plan.keystrokes)
    )
    big_seed = seeded_data([BIG, HOME])
    (home,), big_ids = HOME.ids(), BIG.ids()
    opened = _series(
        "big session", plan.runs, lambda: tabs.open_big_session(bench, big_seed, home, big_ids[6])
    )
    memory = _series(
        "20 big tabs", plan.memory_runs, lambda: tabs.many_big_tabs(bench, big_seed, big_ids)
    )
    return [
        _measure("4", "8 tabs streaming, typing in a 9th: keystroke -> on screen, p95", "ms",
                 busy, "key_p95_ms", 50),
        _measure("4", "8 tabs: slowest tab's done mark after its server finished", "s",
                 busy, "done_lag_max_s", 0.2),
        _measure("5", "open a 2,000-message session: Enter in picker -> usable", "s",
                 opened, "usable_s", 0.3),
        _measure("5", "RSS with 20 such sessions open, each tab shown once", "MB",
                 memory, "rss_mb", 250),
    ]  # fmt: skip


def run(quick: bool) -> list[Measurement]:
    """Every terminal figure; `quick`: 3 runs a series (2 kept), 30 keystrokes."""
    plan = Plan(runs=3, memory_runs=2, keystrokes=30) if quick else Plan(6, 6, 60)
    with tempfile.TemporaryDirectory(prefix="bench-terminal-") as scratch:
        root = Path(scratch)
        with ServerProcess(root / "server.jsonl") as server:
            bench = Bench(root, server)
            return _single_tab(bench, plan) + _many_tabs(bench, plan)
