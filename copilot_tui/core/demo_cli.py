"""The demo server's command line, and the request log benchmarks read.

A benchmark drives the app in a terminal and the demo server in another process; the
log says when each chat request arrived and when its last byte was written. Times are
`time.monotonic()` (CLOCK_MONOTONIC on Linux, shared by every process), so they compare
directly with the benchmark's own clock. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections.abc import Awaitable, Sequence
from pathlib import Path

PROMPT_TAIL_CHARS = 40


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The options of `python -m copilot_tui.core.demo_server`."""
    parser = argparse.ArgumentParser(description="Serve copilot-tui's offline demo model.")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: any free)")
    parser.add_argument("--delay", type=float, default=0.02, help="seconds between tokens")
    parser.add_argument("--ttft", type=float, default=0.3, help="seconds to the first token")
    parser.add_argument("--models", default="demo,demo-terse", help="comma-separated, or *")
    parser.add_argument(
        "--log", type=Path, metavar="FILE", help="append a JSON line per chat request start and end"
    )
    return parser.parse_args(argv)


class RequestLog:
    """Appends `{"event", "mono", "path", "prompt_tail"}` JSON lines to a file.

    The file is opened for each line: two lines a request cost little, and a reader
    (the benchmark, polling) always sees whole lines.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def write(self, event: str, path: str, prompt: str) -> None:
        """Record `event` ("req_start" or "req_end") for a request to `path` now."""
        line = {
            "event": event,
            "mono": time.monotonic(),
            "path": path,
            "prompt_tail": prompt[-PROMPT_TAIL_CHARS:],
        }
        with self._lock, self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")


async def logged(
    log: RequestLog | None, path: str, prompt: str, answering: Awaitable[None]
) -> None:
    """Await `answering`, between a "req_start" and a "req_end" line when there is a log.

    "req_end" is written even when the client went away mid-reply.
    """
    if log is None:
        await answering
        return
    log.write("req_start", path, prompt)
    try:
        await answering
    finally:
        log.write("req_end", path, prompt)
