"""Benchmark: `copilot-tui ask` with one model, then three at once, as real processes.

    python -m tests.benchmarks.bench_ask_fanout [--runs 5] [--json PATH]

The scripted demo server answers every request at a fixed pace (about 1 s a reply), so
the ratio fan-out / single shows what asking three models costs: about 1 when they run
at once (the time of the slowest reply), 3 if they ran one after another (the sum).
Times are whole processes, interpreter start-up included, as a user would feel them.
Nothing leaves 127.0.0.1; config and sessions live in a temporary directory.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from copilot_tui.core.demo_server import Behaviour, DemoServer

TOKENS, DELAY = 100, 0.01  # about 1 s a reply
SINGLE = ("--model", "bench-a")
FANOUT = ("--model", "bench-a", "--model", "bench-b", "--model", "bench-c")
_PROVIDER_VARIABLES = ("OPENAI_API_KEY", "GITHUB_TOKEN", "GH_TOKEN", "OLLAMA_HOST")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(argv)
    pace = Behaviour(tokens=TOKENS, delay=DELAY)
    with DemoServer(default=pace, models=None) as server, tempfile.TemporaryDirectory() as home:
        env = _environment(server.base_url, Path(home))
        _ask(env, SINGLE)  # warm-up, not measured: creates the store, fills the OS caches
        single = [_ask(env, SINGLE) for _ in range(args.runs)]
        fanout = [_ask(env, FANOUT) for _ in range(args.runs)]
    report = _report(single, fanout, args.runs)
    print("\n".join(_table(report)))
    if args.json is not None:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5, help="runs of each command (default 5)")
    parser.add_argument("--json", metavar="PATH", help="also write the figures to PATH as JSON")
    return parser.parse_args(argv)


def _environment(base_url: str, home: Path) -> dict[str, str]:
    """This process's environment with a private config and store, and only the server."""
    env = {k: v for k, v in os.environ.items() if k not in _PROVIDER_VARIABLES}
    env.update(
        OPENAI_BASE_URL=base_url,
        COPILOT_TUI_CONFIG=str(home / "config" / "config.toml"),
        COPILOT_TUI_DATA_DIR=str(home / "data"),
    )
    return env


def _ask(env: Mapping[str, str], models: Sequence[str]) -> float:
    """Seconds one `copilot-tui ask` process takes, start to exit."""
    command = [sys.executable, "-m", "copilot_tui", "ask", *models, "How fast do pelicans fly?"]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[2:])} failed ({done.returncode}): {done.stderr}")
    return elapsed


def _figures(samples: list[float]) -> dict[str, Any]:
    return {
        "median_s": round(statistics.median(samples), 3),
        "min_s": round(min(samples), 3),
        "max_s": round(max(samples), 3),
        "samples_s": [round(sample, 3) for sample in samples],
    }


def _report(single: list[float], fanout: list[float], runs: int) -> dict[str, Any]:
    return {
        "runs": runs,
        "pace": {"tokens": TOKENS, "delay_s": DELAY},
        "single": {"models": 1, **_figures(single)},
        "fanout": {"models": FANOUT.count("--model"), **_figures(fanout)},
        "ratio_fanout_to_single": round(statistics.median(fanout) / statistics.median(single), 3),
    }


def _table(report: Mapping[str, Any]) -> list[str]:
    pace, runs = report["pace"], report["runs"]
    lines = [
        f"copilot-tui ask: 1 model vs {report['fanout']['models']} at once "
        f"({pace['tokens']} tokens {pace['delay_s']} s apart; {runs} runs each, whole processes)",
        f"{'':<20}{'median':>10}{'min':>10}{'max':>10}",
    ]
    fanout_label = f"{report['fanout']['models']} models (fan-out)"
    for label, key in (("1 model", "single"), (fanout_label, "fanout")):
        row = report[key]
        cells = "".join(f"{row[name]:>8.2f} s" for name in ("median_s", "min_s", "max_s"))
        lines.append(f"{label:<20}{cells}")
    ratio = report["ratio_fanout_to_single"]
    lines.append(f"fan-out / single: {ratio:.2f}  (1 = the slowest reply's time, 3 = the sum)")
    return lines


if __name__ == "__main__":
    sys.exit(main())
