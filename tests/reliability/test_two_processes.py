"""Two copilot-tui processes on one store.

Different sessions: both write at once (prompts, partial saves every 50 ms, replies)
and nothing is lost. The same session: it is open in one process at a time. The second
process gets one clear "in use" line (CLI) or notice (app) and touches nothing, so the
first one's live reply is neither marked interrupted nor interleaved with other turns;
once the first lets go (closing the session, exiting or being killed) it opens.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from copilot_tui.core.client import CopilotClient
from copilot_tui.core.demo_server import Behaviour, DemoServer
from copilot_tui.core.events import (
    AssistantMessageEvent,
    SessionEvent,
    UserMessageEvent,
)
from copilot_tui.core.store import SessionStore
from tests.conftest import ConfigFactory
from tests.ui.harness import make_app, restored, save_tabs, seed_session, wait_until

pytestmark = pytest.mark.crash

TURNS = 12
LONG = " ".join(f"w{number:04d}" for number in range(600))  # ~3 s at 5 ms a token

# One process's work: TURNS prompts to its own session, each reply saved while streaming.
_WRITER = """
import asyncio, json, sys, time
from copilot_tui.core.client import CopilotClient

async def write(session_id, turns):
    started = time.monotonic()
    async with CopilotClient() as client:
        session = await client.create_session(model="test", session_id=session_id)
        replies = [
            (await session.send_and_wait(f"{session_id} prompt {n}")).content
            for n in range(turns)
        ]
    print(json.dumps({"replies": replies, "started": started, "ended": time.monotonic()}))

asyncio.run(write(sys.argv[1], int(sys.argv[2])))
"""

# Keeps a session open (as a tab would) until its stdin closes.
_HOLDER = """
import asyncio, sys
from copilot_tui.core.client import CopilotClient

async def hold(session_id):
    async with CopilotClient() as client:
        await client.resume_session(session_id)
        print("holding", flush=True)
        await asyncio.to_thread(sys.stdin.readline)

asyncio.run(hold(sys.argv[1]))
"""


def _python(*argv: str, **options: Any) -> subprocess.Popen[str]:
    # os.environ: the isolated config and data directory (tests/conftest.py), the server.
    return subprocess.Popen([sys.executable, *argv], env=dict(os.environ), text=True, **options)


def _ask(session_id: str, prompt: str) -> subprocess.Popen[str]:
    command = ["-m", "copilot_tui", "ask", "--model", "test", "--session", session_id, prompt]
    return _python(*command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _finished(child: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = child.communicate(timeout=60)
    return child.returncode, out, err


def _events(path: Path, session_id: str) -> list[SessionEvent]:
    store = SessionStore(path)
    try:
        return store.load_events(session_id)
    finally:
        store.close()


def _talk(events: list[SessionEvent]) -> list[tuple[str, str]]:
    """(status, text) of each prompt ("asked") and reply, in order."""
    return [
        (event.status, event.content)
        if isinstance(event, AssistantMessageEvent)
        else ("asked", event.content)
        for event in events
        if isinstance(event, AssistantMessageEvent | UserMessageEvent)
    ]


def _assert_intact(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        connection.execute("INSERT INTO events_fts (events_fts) VALUES ('integrity-check')")


def _in_use(session_id: str, pid: int) -> str:
    return (
        f"session '{session_id}' is in use by another copilot-tui process (pid {pid}); "
        "close it there first, or open another session"
    )


def _write_at_once(names: tuple[str, ...]) -> dict[str, Any]:
    """Run one `_WRITER` per name, all at once; what each reports."""
    writers = {
        name: _python("-c", _WRITER, name, str(TURNS), stdout=subprocess.PIPE) for name in names
    }
    reports = {name: writer.communicate(timeout=60)[0] for name, writer in writers.items()}
    assert [writer.returncode for writer in writers.values()] == [0] * len(names)
    return {name: json.loads(report) for name, report in reports.items()}


def test_two_processes_writing_different_sessions_lose_nothing(
    provider: DemoServer, tmp_path: Path
) -> None:
    provider.set_default(Behaviour(tokens=120, delay=0.001))
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("flush_interval = 0.05\n")  # many partial saves: many writes at once
    reports = _write_at_once(("left", "right"))
    assert reports["left"]["started"] < reports["right"]["ended"]  # they ran at the same time
    assert reports["right"]["started"] < reports["left"]["ended"]
    store = tmp_path / "data" / "sessions.db"
    _assert_intact(store)
    for name, report in reports.items():
        assert len(set(report["replies"])) == TURNS  # each reply is its own text
        expected = [
            pair
            for number, reply in enumerate(report["replies"])
            for pair in (("asked", f"{name} prompt {number}"), ("complete", reply))
        ]
        assert _talk(_events(store, name)) == expected


def test_a_second_process_cannot_open_a_session_while_it_streams(
    provider: DemoServer, tmp_path: Path
) -> None:
    provider.enqueue(Behaviour(text=LONG, delay=0.005), Behaviour(text="my turn now"))
    store = tmp_path / "data" / "sessions.db"
    first = _ask("shared", "first")
    assert first.stdout is not None
    # From the pipe itself: a text-mode read would buffer what follows, and
    # communicate() below would not see it.
    assert os.read(first.stdout.fileno(), 5) == b"w0000"  # it is streaming
    second = _finished(_ask("shared", "second"))
    during = _talk(_events(store, "shared"))
    assert first.poll() is None, "the first process ended too soon to prove anything"
    assert second == (1, "", f"copilot-tui: error: {_in_use('shared', first.pid)}\n")
    assert [status for status, _ in during] == ["asked", "streaming"]  # untouched
    assert _finished(first) == (0, LONG[5:] + "\n", "")
    assert _talk(_events(store, "shared")) == [("asked", "first"), ("complete", LONG)]
    assert _finished(_ask("shared", "second")) == (0, "my turn now\n", "")  # released at exit
    _assert_intact(store)


async def test_a_session_closed_in_one_process_opens_in_another(
    provider: DemoServer, make_config: ConfigFactory
) -> None:
    provider.enqueue(Behaviour(text="hello from the other process"))
    async with CopilotClient(make_config(), environ={}) as client:
        session = await client.create_session(session_id="passed-on")
        refused = await asyncio.to_thread(_finished, _ask("passed-on", "may I?"))
        await session.disconnect()
        allowed = await asyncio.to_thread(_finished, _ask("passed-on", "now?"))
    assert refused == (1, "", f"copilot-tui: error: {_in_use('passed-on', os.getpid())}\n")
    assert allowed == (0, "hello from the other process\n", "")


async def test_two_clients_of_one_process_share_a_session_without_marking_its_reply(
    provider: DemoServer, make_config: ConfigFactory
) -> None:
    provider.enqueue(Behaviour(text=LONG, delay=0.002))
    config = make_config()
    async with (
        CopilotClient(config, environ={}) as first,
        CopilotClient(config, environ={}) as second,
    ):
        session = await first.create_session(session_id="both")
        streaming = asyncio.Event()
        session.on("assistant.message_delta", lambda _: streaming.set())
        reply = asyncio.ensure_future(session.send_and_wait("go"))
        await asyncio.wait_for(streaming.wait(), timeout=10)
        again = await second.resume_session("both")  # one process: allowed, as before
        seen = [e.status for e in again.get_events() if isinstance(e, AssistantMessageEvent)]
        assert seen == ["streaming"]  # not "interrupted": it is live in the other client
        finished = await reply
    assert finished is not None
    assert (finished.status, finished.content) == ("complete", LONG)


async def test_the_app_reopens_the_other_tabs_and_says_which_one_is_in_use(
    make_config: ConfigFactory, tmp_path: Path
) -> None:
    config = make_config()
    seed_session(config, "busy", title="Busy elsewhere", turns=[("q", "a")])
    seed_session(config, "free", title="Free", turns=[("q", "a")])
    save_tabs(tmp_path / "ui.json", ["busy", "free"], active="busy")
    holder = _python("-c", _HOLDER, "busy", stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None
        assert await asyncio.to_thread(holder.stdout.readline) == "holding\n"
        app = make_app(config, tmp_path / "ui.json")
        async with app.run_test(size=(100, 30)) as pilot:
            await restored(pilot)
            await wait_until(pilot, lambda: bool(app._notifications))
            notices = [str(notice.message) for notice in app._notifications]
            tabs = [pane.session.session_id for pane in app.tabs.panes]
            assert app.is_running
    finally:
        holder.communicate("\n", timeout=30)
    assert tabs == ["free"]
    assert notices == [_in_use("busy", holder.pid)]
