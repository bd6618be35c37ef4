"""The library alone: import time (target 1b) and streaming throughput (target 7).

    python -m tests.benchmarks --only bench_library [--quick]

1b: each sample is a fresh interpreter timing one import statement with
`time.perf_counter()` (interpreter start-up is not counted, .pyc files are warm). The
target applies to `from copilot_tui import CopilotClient`, which imports the client
and everything it needs. This venv has the dev tools, and one of them (textual-dev)
pulls in click: with click importable, httpx imports its command-line client at import
time (click, rich.progress, pygments; roughly 60-70 ms here). A third figure hides
click, which is what an install with only the runtime dependencies pays.

7: the scripted server runs in its own process pinned to one core, the client (see
library_throughput.py) in another pinned to the other core. tokens/s = server-side
tokens / wall time from the first send to the last `session.idle`; every run checks
that the delta handlers received exactly the text the server sent.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

from tests.benchmarks.library_server import core_split, pinned_to, scripted_server
from tests.benchmarks.report import Measurement

IMPORT_TARGET_S = 0.15
THROUGHPUT_TARGET = 50_000.0
_IMPORT_CORE = "import copilot_tui.core"
_IMPORT_CLIENT = "from copilot_tui import CopilotClient"
# Runs before the timed import: makes `import click` fail as if it were not installed.
_HIDE_CLICK = "sys.modules['click'] = None"
_REPO = Path(__file__).resolve().parents[2]


def run(quick: bool) -> list[Measurement]:
    return [*import_times(runs=7 if quick else 21), throughput(quick)]


# -- 1b: import time ---------------------------------------------------------------------


def import_times(runs: int) -> list[Measurement]:
    cases = {
        "core": (_IMPORT_CORE, ""),
        "client": (_IMPORT_CLIENT, ""),
        "client_no_click": (_IMPORT_CLIENT, _HIDE_CLICK),
        "floor": ("import asyncio, httpx", _HIDE_CLICK),
    }
    for statement, before in cases.values():
        _timed_import(statement, before)  # warm-up: writes .pyc files, fills the OS cache
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):  # interleaved, so a burst of load hits every case alike
        for name, (statement, before) in cases.items():
            samples[name].append(_timed_import(statement, before))
    floor = {"asyncio_httpx_without_click_median_s": statistics.median(samples["floor"])}
    return [
        _import_measurement(f"`{_IMPORT_CORE}` (fresh interpreter)", samples["core"], {}),
        _import_measurement(
            f"`{_IMPORT_CLIENT}` (fresh interpreter, this venv)", samples["client"], floor
        ),
        _import_measurement(
            f"`{_IMPORT_CLIENT}`, click hidden (runtime deps only: httpx skips its CLI)",
            samples["client_no_click"],
            floor,
        ),
    ]


def _import_measurement(name: str, samples: list[float], extra: dict[str, float]) -> Measurement:
    return Measurement("1b", name, "s", samples, IMPORT_TARGET_S, extra=extra)


def _timed_import(statement: str, before: str) -> float:
    code = (
        f"import sys, time\n{before}\n"
        f"started = time.perf_counter()\n{statement}\n"
        "print(time.perf_counter() - started)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=_REPO
    )
    return float(done.stdout)


# -- 7: streaming throughput -------------------------------------------------------------


def throughput(quick: bool) -> Measurement:
    sessions, tokens, runs = (16, 5_000, 3) if quick else (16, 20_000, 5)
    client_core, server_core = core_split()
    results = []
    with scripted_server(server_core) as server:
        for _ in range(runs):
            server_cpu_before = server.cpu_seconds()
            result = _client_run(server.base_url, client_core, sessions, tokens)
            result["server_cpu_s"] = server.cpu_seconds() - server_cpu_before
            results.append(result)
    return Measurement(
        "7",
        f"{sessions} sessions x {tokens:,} tokens, full speed: server tokens / wall",
        "tokens/s",
        [r["server_tokens"] / r["wall_s"] for r in results],
        THROUGHPUT_TARGET,
        higher_is_better=True,
        note=_pinning_note(client_core, server_core),
        extra=_throughput_extra(results),
    )


def _client_run(base_url: str, core: int | None, sessions: int, tokens: int) -> dict[str, float]:
    command = [sys.executable, "-m", "tests.benchmarks.library_throughput", base_url]
    command += ["--sessions", str(sessions), "--tokens", str(tokens)]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=False,
        cwd=_REPO,
        preexec_fn=pinned_to(core),
    )
    if done.returncode != 0:
        raise RuntimeError(f"the throughput client failed: {done.stderr[-2000:]}")
    result: dict[str, float] = json.loads(done.stdout)
    _check_delivery(result, sessions * tokens)
    return result


def _check_delivery(result: dict[str, float], tokens: int) -> None:
    """A figure only counts if every token's text reached the handlers, once."""
    if result["server_tokens"] != tokens:
        raise RuntimeError(f"the server reported {result['server_tokens']} tokens, not {tokens}")
    delivered, expected = result["delivered_chars"], result["expected_chars"]
    if not delivered == expected == result["final_chars"]:
        raise RuntimeError(
            f"handlers got {delivered} characters, the server sent {expected}, "
            f"the final replies hold {result['final_chars']}"
        )


def _throughput_extra(results: list[dict[str, float]]) -> dict[str, float]:
    def median(key: str) -> float:
        return statistics.median(r[key] for r in results)

    tokens = results[0]["server_tokens"]
    return {
        "client_cpu_s_median": median("cpu_s"),
        "client_cpu_us_per_token_median": median("cpu_s") / tokens * 1e6,
        "client_capacity_tokens_per_cpu_s": tokens / median("cpu_s"),
        "server_cpu_s_median": median("server_cpu_s"),
        "wall_s_median": median("wall_s"),
        "delta_events_median": median("deltas"),
    }


def _pinning_note(client_core: int | None, server_core: int | None) -> str:
    if client_core is None:
        return "fewer than 2 usable cores: client and server were not pinned"
    return f"client pinned to CPU {client_core}, server to CPU {server_core}"
