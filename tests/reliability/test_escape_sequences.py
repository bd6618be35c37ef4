"""Model output with terminal control sequences is shown, never obeyed.

A reply may hold OSC 52 (set the clipboard), CSI 2J (clear the screen), OSC 8 (a
hidden link), C1 controls such as CSI as one byte (0x9b), a bare CR that would
overwrite its line, BEL, DEL and NUL. The store keeps the text exactly; whatever
reaches a terminal shows the controls as visible symbols:

- the app: the bytes it would write (its rendered screen) and its SVG screenshot;
- `ask`, one model or several, text or `--json`; `sessions export` to stdout;
- JSON exports (stdout or file) escape every control character and load back exact.

A Markdown export written to a file is data, not terminal output: it keeps the text
verbatim, like the store (the JSON export is the exact and terminal-safe one).
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from textual.app import App

from copilot_tui.core.demo_server import Behaviour, DemoServer
from copilot_tui.core.events import AssistantMessageEvent, SessionErrorEvent
from copilot_tui.safe_text import printable
from tests.cli.support import Cli, stored
from tests.conftest import ConfigFactory
from tests.helpers import of_type
from tests.ui.harness import active, make_app, reply_texts, restored, wait_until

pytestmark = pytest.mark.bad_input

HOSTILE = (
    "clear \x1b[2J\x1b[H clip \x1b]52;c;aGk=\x07 "
    "link \x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\ "
    "csi \x9b2J osc \x9d0;title\x9c cr over\rwrite bell \x07 del \x7f nul \x00 "
    "keep: tab\tand\nnew line, é 日本"
)
# What Textual itself writes between the characters of the screen: colours (SGR) and
# cursor moves. Anything else that is not printable would come from the text.
RENDERER_SEQUENCE = re.compile(r"\x1b\[[0-9;]*[mH]")


def controls(text: str) -> list[str]:
    """The control characters in `text`, line breaks and tabs aside."""
    return [ch for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\t"]


def terminal_output(app: App[None]) -> str:
    """Exactly what the app would write to the terminal to draw its current screen."""
    update = app.screen._compositor.render_full_update()
    return update.render_segments(app.console)


def assert_safe_for_a_terminal(text: str) -> None:
    assert controls(text) == [], sorted(set(controls(text)))


def assert_app_screen_is_safe(app: App[None]) -> None:
    drawn = terminal_output(app)
    assert "\x1b[" in drawn  # it does draw with colours: the check below means something
    assert_safe_for_a_terminal(RENDERER_SEQUENCE.sub("", drawn))
    assert_safe_for_a_terminal(app.export_screenshot())


def test_printable_leaves_no_control_character_in_any_text() -> None:
    every_character = "".join(map(chr, range(0x3000)))  # Cc is all below 0xa0
    shown = printable(every_character)
    assert_safe_for_a_terminal(shown)
    assert printable(HOSTILE).count("\n") == HOSTILE.count("\n")
    assert "\t" in printable(HOSTILE)
    assert printable(printable(HOSTILE)) == printable(HOSTILE)  # idempotent


# -- the app -------------------------------------------------------------------------


async def test_the_app_shows_the_sequences_and_never_draws_them(
    make_config: ConfigFactory, tmp_path: Path, server: DemoServer
) -> None:
    server.enqueue(Behaviour(text=HOSTILE, delay=0.02), match="reply")
    server.enqueue(
        Behaviour(status=500, body=f"boom {HOSTILE}", content_type="text/plain"), match="fail"
    )
    app = make_app(make_config(), tmp_path / "ui.json")
    async with app.run_test(size=(100, 30)) as pilot:
        await restored(pilot)
        pane = active(app)
        pane.prompt.insert("reply with escapes")
        await pilot.press("enter")
        await wait_until(pilot, lambda: "clip" in "".join(reply_texts(pane)))
        await pilot.pause()
        assert_app_screen_is_safe(app)  # while it streams
        await wait_until(pilot, lambda: pane.state == "idle" and "日本" in reply_texts(pane)[0])
        await pilot.pause()
        (shown,) = reply_texts(pane)
        assert shown == printable(HOSTILE)
        assert_app_screen_is_safe(app)
        pane.prompt.insert("fail with escapes")
        await pilot.press("enter")
        await wait_until(pilot, lambda: pane.state == "error")
        await pilot.pause()
        assert_app_screen_is_safe(app)
        reply = of_type(pane.session.get_events(), AssistantMessageEvent)[0]
        (error,) = of_type(pane.session.get_events(), SessionErrorEvent)
    assert reply.content == HOSTILE  # kept exactly
    assert error.message.isprintable()


# -- the command line ----------------------------------------------------------------


def test_ask_prints_the_sequences_made_visible(provider: DemoServer, cli: Cli) -> None:
    provider.enqueue(Behaviour(text=HOSTILE, delay=0.001))
    result = cli("ask", "--session", "chat", "--model", "test", "hi")
    assert result == (0, printable(HOSTILE) + "\n", "")
    for visible in ("␛[2J␛[H", "␛]52;c;aGk=␇", "␛]8;;http://evil.example/␛\\", "\\x9b2J", "␀"):
        assert visible in result.out
    assert "overwrite" in result.out  # the bare CR is dropped: nothing is overwritten
    raw = result.out.encode("utf-8")
    assert not re.search(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]", raw)
    (reply,) = of_type(stored("chat").events, AssistantMessageEvent)
    assert reply.content == HOSTILE  # stored as sent


def test_ask_with_several_models_prints_them_visible_too(provider: DemoServer, cli: Cli) -> None:
    provider.set_default(Behaviour(text=HOSTILE))
    sections = cli("ask", "--model", "a", "--model", "b\x1b[2J", "hi")
    assert sections.status == 0
    assert sections.out.count(printable(HOSTILE)) == 2
    document = cli("ask", "--json", "--model", "a", "--model", "b", "hi")
    assert document.status == 0
    assert [reply["content"] for reply in json.loads(document.out)["replies"]] == [HOSTILE] * 2
    for result in (sections, document):
        assert_safe_for_a_terminal(result.out)
        assert_safe_for_a_terminal(result.err)


def test_export_to_stdout_is_made_visible_and_json_stays_exact(
    provider: DemoServer, cli: Cli
) -> None:
    provider.enqueue(Behaviour(text=HOSTILE))
    assert cli("ask", "--session", "chat", "--model", "test", "hello").status == 0
    markdown = cli("sessions", "export", "chat")
    assert markdown.status == 0
    assert printable(HOSTILE).split("\n")[0] in markdown.out
    document = cli("sessions", "export", "chat", "--format", "json")
    data = json.loads(document.out)
    assert data["session"]["session_id"] == "chat"
    assert [event["type"] for event in data["events"]][:2] == ["user.message", "assistant.message"]
    assert data["events"][1]["content"] == HOSTILE
    for result in (markdown, document):
        assert_safe_for_a_terminal(result.out)


def test_export_to_a_file_is_exact_and_private(
    provider: DemoServer, cli: Cli, tmp_path: Path
) -> None:
    provider.enqueue(Behaviour(text=HOSTILE))
    assert cli("ask", "--session", "chat", "--model", "test", "hello").status == 0
    as_json, as_markdown = tmp_path / "chat.json", tmp_path / "chat.md"
    for target in (as_json, as_markdown):
        result = cli("sessions", "export", "chat", "-o", str(target))
        assert (result.status, result.out) == (0, "")
        assert result.err == f"exported chat to {target}\n"
        assert target.stat().st_mode & 0o777 == 0o600
    text = as_json.read_text(encoding="utf-8")
    assert_safe_for_a_terminal(text)
    assert json.loads(text)["events"][1]["content"] == HOSTILE
    markdown = as_markdown.read_bytes().decode("utf-8")
    assert HOSTILE in markdown  # verbatim, CR and all
