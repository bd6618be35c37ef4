"""The scripted model server as a separate process, and CPU pinning for benchmarks.

The library benchmarks must not share an interpreter (or, where there are two cores, a
core) with the server they read from: a server in the client's process would compete
for the GIL and make the client look slower than it is.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_START_TIMEOUT_S = 15.0


def usable_cores() -> list[int]:
    """The CPU numbers this process may run on, in ascending order."""
    return sorted(os.sched_getaffinity(0))


def core_split() -> tuple[int | None, int | None]:
    """(client core, server core): two different cores, or (None, None) with fewer than 2."""
    cores = usable_cores()
    if len(cores) < 2:
        return None, None
    return cores[0], cores[-1]


def pinned_to(core: int | None) -> Callable[[], None] | None:
    """A `preexec_fn` that pins a child (and every thread it starts) to `core`."""
    if core is None:
        return None
    return lambda: os.sched_setaffinity(0, {core})


@dataclass(frozen=True)
class ScriptedServer:
    """A running server process: where it listens and how much CPU it has used."""

    base_url: str
    pid: int

    def cpu_seconds(self) -> float:
        """User plus system CPU time of the server process (all threads) so far."""
        return process_cpu_seconds(self.pid)


def process_cpu_seconds(pid: int) -> float:
    # Fields 14 and 15 of /proc/PID/stat, counted after the command name, which may
    # hold spaces but ends at the last ")".
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def scripted_server(core: int | None = None, *, delay: float = 0.0) -> Iterator[ScriptedServer]:
    """Run `python -m copilot_tui.core.demo_server` (by default at full speed).

    Any model name is accepted; prompts steer each reply with `[[tokens=N ...]]`.
    """
    command = [sys.executable, "-m", "copilot_tui.core.demo_server", "--port", "0"]
    command += ["--ttft", "0", "--delay", str(delay), "--models", "*"]
    server = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ | {"PYTHONUNBUFFERED": "1"},
        preexec_fn=pinned_to(core),  # runs in the child before it starts any thread
    )
    try:
        yield ScriptedServer(_base_url(server), server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=_START_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _base_url(server: subprocess.Popen[str]) -> str:
    assert server.stdout is not None
    line = server.stdout.readline().strip()  # the server prints its URL first, flushed
    if not line.startswith("http://127.0.0.1:"):
        raise RuntimeError(f"the scripted server did not start (it said {line!r})")
    return line
