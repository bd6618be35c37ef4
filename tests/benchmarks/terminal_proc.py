"""CPU and memory of a process (tree), read from /proc (Linux only)."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_PROC = Path("/proc")


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (field 3 onwards)."""
    try:
        raw = (_PROC / str(pid) / "stat").read_text(encoding="latin-1")
    except OSError:
        return None
    return raw[raw.rfind(")") + 2 :].split()


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    with contextlib.suppress(OSError):
        for task in (_PROC / str(pid) / "task").iterdir():
            with contextlib.suppress(OSError):
                kids += [int(kid) for kid in (task / "children").read_text().split()]
    return kids


def tree_pids(root: int) -> list[int]:
    """`root` and all its descendants."""
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += _children(pid)
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process: all its threads and its reaped children."""
    fields = _stat_fields(pid)
    # Fields 14-17: utime, stime, cutime, cstime, in clock ticks (10 ms here).
    return sum(int(tick) for tick in fields[11:15]) / CLOCK_TICKS if fields else 0.0


def tree_cpu_seconds(root: int) -> float:
    """CPU of a process and its living descendants (reaped ones count in their parent)."""
    return sum(cpu_seconds(pid) for pid in tree_pids(root))


def _status_kilobytes(pid: int, key: str) -> float:
    with contextlib.suppress(OSError):
        for line in (_PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith(key + ":"):
                return float(line.split()[1])
    return float("nan")


def rss_mb(pid: int) -> float:
    """Resident memory now (VmRSS), MiB."""
    return _status_kilobytes(pid, "VmRSS") / 1024


def peak_rss_mb(pid: int) -> float:
    """The most resident memory the process has had (VmHWM), MiB."""
    return _status_kilobytes(pid, "VmHWM") / 1024


def is_running(pid: int) -> bool:
    fields = _stat_fields(pid)
    return fields is not None and fields[0] != "Z"


def end_process(pid: int, grace: float = 2.0) -> None:
    """SIGTERM the process, then SIGKILL it if it is still there after `grace` seconds."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if not is_running(pid):
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
        deadline = time.monotonic() + grace
        while is_running(pid) and time.monotonic() < deadline:
            time.sleep(0.02)
