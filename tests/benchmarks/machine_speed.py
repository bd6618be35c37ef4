"""How fast this machine runs Python right now: the CPU time of a fixed loop.

CPU figures move with the host: on the shared 2-core sandbox this loop's time varied
1.9x within an hour. Read before each run, it tells a slow run of the app from a run
on a slow machine, and lets two runs of the suite be compared.
"""

from __future__ import annotations

import time

LOOP = 1_000_000  # iterations: ~0.1-0.2 s


def loop_cpu_s() -> float:
    """CPU seconds of a fixed pure-Python loop (lower is a faster machine)."""
    start = time.process_time()
    total = 0
    for number in range(LOOP):
        total += number * number
    return time.process_time() - start
