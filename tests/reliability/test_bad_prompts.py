"""Bad prompts: blank ones are ignored; a 1 MB paste, NUL and terminal escape sequences
are sent and stored exactly (read back from the store) and shown safely, in the app
(the editor while it is typed, the conversation and the tab once sent) and in `ask`.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot

from copilot_tui.core.client import CopilotClient
from copilot_tui.core.config import Config
from copilot_tui.core.demo_server import DemoServer
from copilot_tui.core.events import UserMessageEvent
from copilot_tui.widgets.messages import UserMessage
from copilot_tui.widgets.session_pane import SessionPane
from tests.cli.support import Cli, one_error_line, stored, stored_sessions
from tests.conftest import ConfigFactory
from tests.helpers import of_type
from tests.reliability.test_escape_sequences import (
    assert_app_screen_is_safe,
    assert_safe_for_a_terminal,
)
from tests.ui.harness import active, make_app, restored, wait_until

pytestmark = pytest.mark.bad_input

# Every kind of control an editor keeps as text (line breaks aside: see below).
UNSAFE = (
    "nul \x00 esc \x1b[2J\x1b[H osc52 \x1b]52;c;aGk=\x07 "
    "osc8 \x1b]8;;http://x\x1b\\x\x1b]8;;\x1b\\ "
    "c1 \x9b2J \x9d0;t\x9c del \x7f bs \x08 bel \x07 so \x0e end"
)
LINE = "0123456789abcdef" * 4 + "\n"
MEGABYTE = LINE * (1_000_000 // len(LINE)) + UNSAFE  # a big paste, its end the worst part


def posted_prompts(server: DemoServer) -> list[str]:
    """The last user message of every chat request the server got."""
    bodies = [r.body for r in server.requests if r.method == "POST"]
    return [body["messages"][-1]["content"] for body in bodies]


async def stored_prompts(config: Config, session_id: str) -> list[str]:
    """The prompts of a session as the store has them (read by a new client)."""
    async with CopilotClient(config, environ={}) as reader:
        record = await reader.read_session(session_id)
    return [event.content for event in of_type(record.events, UserMessageEvent)]


async def paste(pilot: Pilot[None], pane: SessionPane, text: str, held: str = "") -> None:
    """Paste `text` as a terminal does (the app hands it to the focused prompt); wait
    until the prompt holds it (or `held`)."""
    pilot.app.post_message(events.Paste(text))
    await wait_until(pilot, lambda: pane.prompt.text == (held or text), timeout=30)
    await pilot.pause()


async def send_and_wait(pilot: Pilot[None], pane: SessionPane) -> None:
    before = len(of_type(pane.session.get_events(), UserMessageEvent))
    await pilot.press("enter")
    await wait_until(
        pilot,
        lambda: (
            len(of_type(pane.session.get_events(), UserMessageEvent)) > before
            and pane.state == "idle"
        ),
        timeout=30,
    )
    await pilot.pause()


# -- blank prompts -------------------------------------------------------------------


async def test_blank_prompts_are_ignored_in_the_app(
    make_config: ConfigFactory, tmp_path: Path, server: DemoServer
) -> None:
    config = make_config()
    app = make_app(config, tmp_path / "ui.json")
    async with app.run_test(size=(100, 30)) as pilot:
        await restored(pilot)
        pane = active(app)
        for blank in ("", " ", "\n\n", " \t\n \u3000"):
            pane.prompt.clear()
            pane.prompt.insert(blank)
            await pilot.press("enter")
            await pilot.pause()
            assert pane.state == "idle"
            assert not pane.query(UserMessage)
        pane.prompt.clear()
        pane.prompt.insert("not blank")
        await send_and_wait(pilot, pane)  # the same keys do send a real prompt
        session_id = pane.session.session_id
    assert posted_prompts(server) == ["not blank"]
    assert await stored_prompts(config, session_id) == ["not blank"]


@pytest.mark.parametrize("stdin", ["", "  \n\n", "\t\r\n"])
def test_a_blank_prompt_to_ask_is_a_usage_error(
    provider: DemoServer,
    monkeypatch: pytest.MonkeyPatch,
    cli: Cli,
    stdin: str,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    for argv in (["--model", "test"], ["--model", "test", "-"], ["--model", "test", " "]):
        line = one_error_line(cli("ask", *argv), 2)
        assert "the prompt is empty" in line
    assert provider.requests == []
    assert stored_sessions() == []


# -- a megabyte ----------------------------------------------------------------------


async def test_a_1_mb_paste_is_sent_and_stored_whole_and_shown_folded(
    make_config: ConfigFactory, tmp_path: Path, server: DemoServer
) -> None:
    config = make_config()
    app = make_app(config, tmp_path / "ui.json")
    async with app.run_test(size=(100, 30)) as pilot:
        await restored(pilot)
        pane = active(app)
        await paste(pilot, pane, MEGABYTE)
        assert_app_screen_is_safe(app)
        await send_and_wait(pilot, pane)
        (shown,) = pane.query(UserMessage)
        assert " more lines (977 KB in all; Ctrl+E exports it)" in str(shown.render())
        assert_app_screen_is_safe(app)
        session_id = pane.session.session_id
    assert posted_prompts(server) == [MEGABYTE]
    assert await stored_prompts(config, session_id) == [MEGABYTE]


def test_a_1_mb_prompt_on_stdin_is_sent_and_stored_whole(
    provider: DemoServer, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    one_line = MEGABYTE.replace("\n", " ")  # a paste with no line break at all
    for number, prompt in enumerate((MEGABYTE, one_line)):
        monkeypatch.setattr("sys.stdin", io.StringIO(prompt + "\n"))
        result = cli("ask", "--session", f"big-{number}", "--model", "test")
        assert result.status == 0, result.err
        assert_safe_for_a_terminal(result.out + result.err)
        assert [e.content for e in of_type(stored(f"big-{number}").events, UserMessageEvent)] == [
            prompt
        ]
    assert posted_prompts(provider) == [MEGABYTE, one_line]


# -- NUL and escape sequences --------------------------------------------------------


async def test_nul_and_escapes_in_a_prompt_are_kept_exactly_and_shown_safely(
    make_config: ConfigFactory, tmp_path: Path, server: DemoServer
) -> None:
    config = make_config()
    app = make_app(config, tmp_path / "ui.json")
    async with app.run_test(size=(100, 30)) as pilot:
        await restored(pilot)
        pane = active(app)
        await paste(pilot, pane, UNSAFE)
        assert_app_screen_is_safe(app)  # in the editor, before it is sent
        await send_and_wait(pilot, pane)
        assert_app_screen_is_safe(app)  # in the conversation, the tab and the status line
        await paste(pilot, pane, "line\r\nbreaks\rend", held="line\nbreaks\nend")
        await send_and_wait(pilot, pane)
        session_id = pane.session.session_id
        title = pane.title
    # The editor holds lines, not line-ending bytes: CR LF and CR become LF.
    expected = [UNSAFE, "line\nbreaks\nend"]
    assert posted_prompts(server) == expected
    assert await stored_prompts(config, session_id) == expected
    assert title.startswith("nul")
    assert title.isprintable()


def test_nul_and_escapes_in_a_prompt_to_ask_are_kept_exactly_and_shown_safely(
    provider: DemoServer, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    with_breaks = UNSAFE + "\r\nsecond\rline\x0bthird\x85fourth"
    monkeypatch.setattr("sys.stdin", io.StringIO(with_breaks))
    outputs = [cli("ask", "--session", "piped", "--model", "test")]
    outputs.append(cli("ask", "--session", "argued", "--model", "test", "say", UNSAFE))
    outputs.append(cli("sessions", "list"))
    outputs.append(cli("sessions", "list", "--json"))
    for result in outputs:
        assert result.status == 0, result.err
        assert_safe_for_a_terminal(result.out + result.err)
    prompts = {
        session_id: [e.content for e in of_type(stored(session_id).events, UserMessageEvent)]
        for session_id in ("piped", "argued")
    }
    assert prompts == {"piped": [with_breaks], "argued": [f"say {UNSAFE}"]}
    assert posted_prompts(provider) == [with_breaks, f"say {UNSAFE}"]
    listed = {entry["session_id"]: entry["title"] for entry in json.loads(outputs[3].out)}
    assert listed["argued"].startswith("say nul")
    assert listed["argued"].isprintable()
