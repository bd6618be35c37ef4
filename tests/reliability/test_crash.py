"""Crash safety: `copilot-tui ask` killed with SIGKILL in the middle of a long reply.

The child is the real command streaming from the scripted server. The test reads its
stdout as it arrives, noting when each piece came, then kills it at several points. A
new process then resumes the session with a second prompt. The store must hold the
prompt and the reply as far as it was saved, marked "interrupted": a prefix of what the
child printed, missing at most the last `flush_interval` (0.5 s, the shipped default) of
text, plus some slack for scheduling on a loaded machine. The file must pass SQLite's
`integrity_check` and the full-text index its own check.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import pytest

from copilot_tui.core.demo_server import Behaviour, DemoServer
from copilot_tui.core.events import AssistantMessageEvent, SessionEvent, UserMessageEvent
from copilot_tui.core.store import SessionStore

pytestmark = pytest.mark.crash

FLUSH_INTERVAL = 0.5  # config.flush_interval's default, which the test config keeps
SLACK = 0.25  # the save itself, event-loop and pipe-reading delays on two busy cores
REPLY = " ".join(f"w{number:05d}" for number in range(4000))  # ~20 s at this pace
PACE = 0.004  # seconds between tokens
PROMPT = "tell me a long story"
SESSION = "crashy"


class StreamLog:
    """What a child wrote to stdout, piece by piece, with when the test read each piece."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.pieces: list[tuple[float, bytes]] = []
        self.started = threading.Event()
        self._reader = threading.Thread(target=self._read, args=(stream.fileno(),), daemon=True)
        self._reader.start()

    def _read(self, fd: int) -> None:
        while piece := os.read(fd, 65536):
            self.pieces.append((time.monotonic(), piece))
            self.started.set()

    def finish(self) -> str:
        """Everything written, once the child is gone."""
        self._reader.join(timeout=10)
        return b"".join(piece for _, piece in self.pieces).decode()

    def first_beyond(self, length: int) -> float:
        """When the text printed first grew past `length` bytes."""
        printed = 0
        for moment, piece in self.pieces:
            printed += len(piece)
            if printed > length:
                return moment
        return float("inf")


def _ask(prompt: str) -> subprocess.Popen[bytes]:
    command = ["-m", "copilot_tui", "ask", "--model", "test", "--session", SESSION, prompt]
    return subprocess.Popen(
        [sys.executable, *command],
        env=dict(os.environ),  # the isolated config and data directory, and the server
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _kill_mid_reply(kill_after: float) -> tuple[str, float, StreamLog]:
    """Run `ask` and SIGKILL it `kill_after` s after its first text; (stderr, when, log)."""
    child = _ask(PROMPT)
    log = StreamLog(child.stdout)  # type: ignore[arg-type]
    try:
        assert log.started.wait(timeout=30), "the reply never started"
        time.sleep(max(0.0, log.pieces[0][0] + kill_after - time.monotonic()))
        killed_at = time.monotonic()
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=10) == -signal.SIGKILL
    finally:
        child.kill()
        child.wait()
    assert child.stderr is not None
    return child.stderr.read().decode(), killed_at, log


def _assert_intact(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        connection.execute("INSERT INTO events_fts (events_fts) VALUES ('integrity-check')")


def _stored(path: Path) -> list[SessionEvent]:
    store = SessionStore(path)
    try:
        return store.load_events(SESSION)
    finally:
        store.close()


def _conversation(events: list[SessionEvent]) -> list[tuple[str, str, str]]:
    """(kind, status, text) of each prompt and reply, in order."""
    return [
        ("reply", event.status, event.content)
        if isinstance(event, AssistantMessageEvent)
        else ("prompt", "", event.content)
        for event in events
        if isinstance(event, AssistantMessageEvent | UserMessageEvent)
    ]


def _saved_before_the_kill(store: Path, log: StreamLog, killed_at: float) -> str:
    """The reply as the kill left it; checks it is all but the last ~0.5 s of the text."""
    printed = log.finish()
    assert REPLY.startswith(printed)
    ((_, _, asked), (_, status, saved)) = _conversation(_stored(store))
    assert (asked, status) == (PROMPT, "streaming")
    assert printed.startswith(saved)
    lost = killed_at - log.first_beyond(len(saved))
    print(f"{len(saved)} of {len(printed)} bytes printed were saved; {lost:.3f} s lost")
    assert lost <= FLUSH_INTERVAL + SLACK
    return saved


@pytest.mark.parametrize("kill_after", [0.3, 1.45, 2.95])
def test_a_kill_mid_reply_keeps_the_prompt_and_the_reply_but_its_last_half_second(
    provider: DemoServer, tmp_path: Path, kill_after: float
) -> None:
    provider.enqueue(Behaviour(text=REPLY, delay=PACE), Behaviour(text="back again"))
    store = tmp_path / "data" / "sessions.db"
    stderr, killed_at, log = _kill_mid_reply(kill_after)
    assert stderr == ""
    _assert_intact(store)
    saved = _saved_before_the_kill(store, log, killed_at)
    resumed = _ask("are you there?")
    out, err = resumed.communicate(timeout=60)
    assert (resumed.returncode, out, err) == (0, b"back again\n", b"")  # its lock died with it
    assert _conversation(_stored(store)) == [
        ("prompt", "", PROMPT),
        ("reply", "interrupted", saved),
        ("prompt", "", "are you there?"),
        ("reply", "complete", "back again"),
    ]
    _assert_intact(store)
