"""One run of each single-tab terminal scenario: start-up, a fast reply, a paced reply.

Each function starts the app in its own tmux server with a fresh copy of a seeded data
directory, measures, quits the app, and returns its figures (seconds, MiB).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.benchmarks.terminal_proc import peak_rss_mb, rss_mb
from tests.benchmarks.terminal_server import ServerProcess
from tests.benchmarks.terminal_setup import app_environment, prepare_home
from tests.benchmarks.tmux_driver import TmuxDriver

APP_COMMAND = (sys.executable, "-m", "copilot_tui")
READY = "Ask anything"
# Any text of a demo reply: at full speed the first frame may already be scrolled past
# its first line (the view follows the newest text).
FIRST_TEXT = r"You asked|offline demo model|Part \d+: "
RETYPE_EVERY = 0.2  # seconds: a probe the app swallowed (still starting) is typed again
# Set to a directory to keep every distinct screen of every run (for diagnosis).
TRACE_VARIABLE = "COPILOT_TUI_BENCH_TRACE"
Figures = dict[str, float]


@dataclass(frozen=True)
class Bench:
    """What every run of a series shares: a scratch directory and the model server."""

    scratch: Path
    server: ServerProcess


def new_tag() -> str:
    """A word unique to one run, so no marker can match text from another run."""
    return "w" + uuid.uuid4().hex[:7]


class ScreenTrace:
    """Appends each new screen to a file, stamped with seconds since the launch."""

    def __init__(self, path: Path, tmux: TmuxDriver) -> None:
        self._path, self._tmux, self._last = path, tmux, ""

    def __call__(self, screen: str, now: float) -> None:
        if screen != self._last:
            self._last = screen
            with self._path.open("a", encoding="utf-8") as out:
                out.write(f"===== {now - self._tmux.launched_at:.3f} s\n{screen}\n")


def _trace_file(name: str) -> Path | None:
    directory = os.environ.get(TRACE_VARIABLE)
    if not directory:
        return None
    Path(directory).mkdir(parents=True, exist_ok=True)
    return Path(directory) / f"{time.strftime('%H%M%S')}-{name}.txt"


@contextmanager
def running_app(
    bench: Bench, seed: Path | None, tabs: Sequence[str], active: str | None = None
) -> Iterator[TmuxDriver]:
    """The app, launched on a fresh copy of `seed` with `tabs` restored; quit afterwards."""
    root = Path(tempfile.mkdtemp(prefix="run-", dir=bench.scratch))
    try:
        run = prepare_home(root, bench.server.port, seed, tabs, active)
        with TmuxDriver(root) as tmux:
            if (trace := _trace_file(root.name)) is not None:
                tmux.observers.append(ScreenTrace(trace, tmux))
            tmux.launch(APP_COMMAND, env=app_environment(run), cwd=run.home)
            yield tmux
            tmux.quit()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def wait_for_probe(tmux: TmuxDriver, probe: str, timeout: float = 30.0) -> float:
    """Type `probe` and wait until it shows, typing it again while the app swallows it."""
    typed_at = time.monotonic()
    tmux.type_text(probe)

    def retype(now: float) -> None:
        nonlocal typed_at
        if now - typed_at > RETYPE_EVERY:
            typed_at = now
            tmux.type_text(probe)

    return tmux.wait_for(re.escape(probe), timeout, on_poll=retype)


def wait_until_usable(tmux: TmuxDriver) -> None:
    """Wait for the first frame, then until typed keys reach the prompt; leave it empty.

    The prompt is drawn before it has focus: keys typed while the app still restores
    tabs are lost, so a scenario must not type its prompt before this returns.
    """
    tmux.wait_for(READY, 60)
    wait_for_probe(tmux, f"zq{new_tag()}")
    tmux.send_keys("C-u")  # delete to the start of the line: the prompt is empty again
    tmux.wait_for(READY, 10)


def startup(bench: Bench, seed: Path, tabs: Sequence[str]) -> Figures:
    """Launch -> first usable frame, and launch -> a typed probe on screen."""
    with running_app(bench, seed, tabs, active=tabs[-1]) as tmux:
        ready = tmux.wait_for(READY, 60)
        cpu, rss = tmux.cpu_seconds(), rss_mb(tmux.pid)
        echoed = wait_for_probe(tmux, f"zq{new_tag()}")
        return {
            "startup_s": ready - tmux.launched_at,
            "echo_s": echoed - tmux.launched_at,
            "cpu_ready_s": cpu,
            "rss_ready_mb": rss,
        }


def type_prompt(tmux: TmuxDriver, text: str, timeout: float = 20.0) -> None:
    """Type a prompt and wait until its end shows (so Enter cannot overtake it)."""
    tmux.type_text(text)
    tmux.wait_for(re.escape(text[-20:]), timeout)


def reply(bench: Bench, seed: Path, tab: str, tokens: int, delay: float) -> Figures:
    """Enter -> first text, -> "DONE-<tag>" on screen; CPU in between; lag after the server.

    `seed` holds the session `tab`, opened as the only tab.
    """
    tag, timeout = new_tag(), 120.0
    with running_app(bench, seed, [tab], active=tab) as tmux:
        wait_until_usable(tmux)
        type_prompt(tmux, f"Benchmark reply [[tokens={tokens} delay={delay} done={tag}]]")
        time.sleep(0.3)  # let the echo frame settle: its CPU is not the reply's
        cpu_before, sent = tmux.cpu_seconds(), time.monotonic()
        tmux.send_keys("Enter")
        first = tmux.wait_for(FIRST_TEXT, timeout)
        done = tmux.wait_for(rf"DONE-{tag}\b", timeout)
        cpu = tmux.cpu_seconds() - cpu_before
        server_end = bench.server.finished_at(tag)
        return {
            "first_s": first - sent,
            "stream_s": done - sent,
            "cpu_s": cpu,
            "lag_s": done - server_end,
            "server_s": server_end - bench.server.started_at(tag),
            "request_s": bench.server.started_at(tag) - sent,
            "peak_rss_mb": peak_rss_mb(tmux.pid),
        }
