"""An unusable data directory stops the CLI and the app at start with one clear line.

Both run as real processes through the real entry point (the app headless), so what is
checked is exactly what a user sees on stderr: one `copilot-tui: error:` line, never a
traceback, and exit status 1 (the same for the CLI and the app; 2 is for bad arguments
and config). The store a failed start found is left intact.

- Read-only: the data directory is `chmod 0500`. Root ignores permission bits, so when
  the tests run as root the child drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from
  its capability bounding set before it starts; it then obeys them like any user.
- Full disk: the child runs under `RLIMIT_FSIZE` (with SIGXFSZ ignored), so the kernel
  refuses to grow any file past the limit, as a full disk would, without needing a real
  one. SQLite reports such a refused write as a disk I/O error.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from copilot_tui.core.events import UserMessageEvent
from copilot_tui.core.store import SessionStore

pytestmark = pytest.mark.crash

# The app through the real entry point (`copilot-tui` with no command), headless.
_APP = """
import functools, sys
from textual.app import App
App.run = functools.partialmethod(App.run, headless=True)
from copilot_tui.__main__ import main
sys.exit(main([]))
"""
_ARGV = {
    "cli": ["-m", "copilot_tui", "ask", "--model", "demo", "hello"],
    "app": ["-c", _APP],
}
_READ_ONLY_NEW = "cannot be opened; check the permissions of it and its directory"
_READ_ONLY_OLD = "is read-only; make the file and its directory writable"
_DISK_FULL = "cannot be written (disk I/O error); check the disk and its free space"

_PR_CAPBSET_DROP = 24  # <linux/prctl.h>
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH = 1, 2
_LIBC = ctypes.CDLL(None, use_errno=True)  # loaded here: a forked child only calls it

Preexec = Callable[[], None]


def _obey_permissions() -> None:
    """In the child, before exec: make root subject to permission bits (no-op otherwise)."""
    if os.geteuid() != 0:
        return
    for capability in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if _LIBC.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def _disk_with(free_bytes: int) -> Preexec:
    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a refused write, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (free_bytes, free_bytes))

    return limit


def _run(kind: str, preexec: Preexec) -> subprocess.CompletedProcess[str]:
    # os.environ holds the isolated config and data directory (tests/conftest.py).
    return subprocess.run(
        [sys.executable, *_ARGV[kind]],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        preexec_fn=preexec,
    )


def _seed(data: Path) -> Path:
    """A store as an earlier run left it: one session with one prompt."""
    path = data / "sessions.db"
    store = SessionStore(path)
    store.create_session("kept", model="demo")
    store.append_event(UserMessageEvent(session_id="kept", id="kept-u", content="keep me"))
    store.close()
    return path


def _assert_kept(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    store = SessionStore(path)
    try:
        assert [event.id for event in store.load_events("kept")] == ["kept-u"]
    finally:
        store.close()


def _assert_one_line(done: subprocess.CompletedProcess[str], path: Path, advice: str) -> None:
    assert done.stderr == f"copilot-tui: error: session store {path} {advice}\n"
    assert (done.returncode, done.stdout) == (1, "")


@pytest.mark.parametrize("kind", ["cli", "app"])
def test_a_read_only_new_data_directory_stops_with_one_line(kind: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    data.chmod(0o500)
    try:
        done = _run(kind, _obey_permissions)
    finally:
        data.chmod(0o700)
    _assert_one_line(done, data / "sessions.db", _READ_ONLY_NEW)
    assert list(data.iterdir()) == []


@pytest.mark.parametrize("kind", ["cli", "app"])
def test_a_read_only_data_directory_with_a_store_stops_with_one_line(
    kind: str, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    path = _seed(data)
    data.chmod(0o500)
    try:
        done = _run(kind, _obey_permissions)
    finally:
        data.chmod(0o700)
    _assert_one_line(done, path, _READ_ONLY_OLD)
    _assert_kept(path)


@pytest.mark.parametrize("kind", ["cli", "app"])
@pytest.mark.parametrize("free_bytes", [0, 40_001], ids=["full", "nearly-full"])
def test_a_full_disk_stops_a_first_start_with_one_line(
    kind: str, free_bytes: int, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    done = _run(kind, _disk_with(free_bytes))
    _assert_one_line(done, data / "sessions.db", _DISK_FULL)
    # What the failed start left behind does not break the next start, once there is room.
    listed = subprocess.run(
        [sys.executable, "-m", "copilot_tui", "sessions", "list"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (listed.returncode, listed.stdout, listed.stderr) == (0, "no sessions yet\n", "")


@pytest.mark.parametrize("kind", ["cli", "app"])
def test_a_full_disk_stops_a_start_with_a_store_with_one_line(kind: str, tmp_path: Path) -> None:
    path = _seed(tmp_path / "data")
    done = _run(kind, _disk_with(0))
    _assert_one_line(done, path, _DISK_FULL)
    _assert_kept(path)
