"""Bad session ids: refused with a message that says what is wrong; nothing is created.

The rule: 1-64 characters of ASCII letters, digits and - _ . : @, not only dots. It is
checked by the library, by every command that takes an id, and by the app's dialog; a
second session with a taken id is refused too, however the two requests race.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input, Label

from copilot_tui.__main__ import main
from copilot_tui.core.client import CopilotClient
from copilot_tui.core.errors import InvalidSessionIdError, SessionExistsError
from copilot_tui.core.ids import ID_RULE, validate_session_id
from copilot_tui.screens.new_session import NewSessionScreen
from tests.conftest import ConfigFactory
from tests.reliability.test_escape_sequences import assert_app_screen_is_safe
from tests.ui.harness import make_app, restored, save_tabs, seed_session, wait_until

pytestmark = pytest.mark.bad_input

BAD_IDS = {  # name: (id, what the message must say)
    "empty": ("", "session id is empty"),
    "too long": ("x" * 65, "session id is 65 characters long"),
    "far too long": ("y" * 100_000, "session id is 100000 characters long"),
    "slash": ("a/b", "contains '/' at position 2"),
    "parent directory": ("../etc/passwd", "contains '/' at position 3"),
    "backslash": ("a\\b", "contains '\\\\' at position 2"),
    "dot": (".", "is only dots"),
    "dot dot": ("..", "is only dots"),
    "space": ("a b", "contains ' ' at position 2"),
    "leading space": (" id", "contains ' ' at position 1"),
    "tab": ("tab\there", "contains '\\t' at position 4"),
    "newline": ("new\nline", "contains '\\n' at position 4"),
    "NUL": ("nul\x00", "contains '\\x00' at position 4"),
    "ESC": ("a\x1b[2J", "contains '\\x1b' at position 2"),
    "C1 CSI": ("a\x9b2J", "contains '\\x9b' at position 2"),
    "DEL": ("a\x7f", "contains '\\x7f' at position 2"),
    "Cyrillic look-alike": ("\u0440\u0430\u0437", "contains '\\u0440' at position 1"),
    "Greek omicron": ("dem\u03bf", "contains '\\u03bf' at position 4"),
    "full-width": ("\uff55ser", "contains '\\uff55' at position 1"),
    "no-break space": ("a\u00a0b", "contains '\\xa0' at position 2"),
    "zero-width space": ("ab\u200b", "contains '\\u200b' at position 3"),
    "right-to-left override": ("\u202egnp.exe", "contains '\\u202e' at position 1"),
    "accent": ("caf\u00e9", "contains '\\xe9' at position 4"),
}
IDS = [bad for bad, _ in BAD_IDS.values()]
NAMES = list(BAD_IDS)


def test_the_rule_itself() -> None:
    for good in ("a", "x" * 64, "user-123-chat", "team.alpha:ticket_7@home", "...a", "-"):
        assert validate_session_id(good) == good
    with pytest.raises(InvalidSessionIdError, match="must be a string, got int"):
        validate_session_id(7)


@pytest.mark.parametrize(("bad", "fragment"), BAD_IDS.values(), ids=NAMES)
def test_each_bad_id_gets_one_clear_line(bad: str, fragment: str) -> None:
    with pytest.raises(InvalidSessionIdError) as caught:
        validate_session_id(bad)
    message = caught.value.message
    assert fragment in message
    assert message.endswith(f"; use {ID_RULE}")
    assert message.isprintable()  # one line, with look-alikes and controls as escapes
    assert len(message) < 250  # a 100,000-character id is not repeated back


# -- the library ---------------------------------------------------------------------


async def test_bad_ids_create_nothing_and_open_nothing(client: CopilotClient) -> None:
    for bad in IDS:
        with pytest.raises(InvalidSessionIdError, match="session id"):
            await client.create_session(session_id=bad)
        with pytest.raises(InvalidSessionIdError, match="session id"):
            await client.create_session({"session_id": bad})
        with pytest.raises(InvalidSessionIdError, match="session id"):
            await client.resume_session(bad)
    assert await client.list_sessions() == []
    assert client.open_sessions == ()


async def test_a_taken_id_is_refused_and_the_original_kept(client: CopilotClient) -> None:
    original = await client.create_session(session_id="user-1", model="m1", title="Mine")
    await original.disconnect()
    with pytest.raises(SessionExistsError, match="'user-1' already exists"):
        await client.create_session(session_id="user-1", model="m2", title="Theirs")
    (info,) = await client.list_sessions()
    assert (info.model, info.title) == ("m1", "Mine")
    resumed = await client.resume_session("user-1")
    with pytest.raises(SessionExistsError):
        await client.create_session({"session_id": "user-1"})
    assert resumed.model == "m1"


async def test_racing_creates_of_one_id_make_one_session(
    make_config: ConfigFactory,
) -> None:
    config = make_config()
    async with (
        CopilotClient(config, environ={}) as first,
        CopilotClient(config, environ={}) as second,  # another process, the same store
    ):
        attempts = [
            client.create_session(session_id="race", title=f"try {number}")
            for number in range(4)
            for client in (first, second)
        ]
        results = await asyncio.gather(*attempts, return_exceptions=True)
        made = [result for result in results if not isinstance(result, BaseException)]
        refused = [result for result in results if isinstance(result, SessionExistsError)]
        assert (len(made), len(refused)) == (1, 7), results
        (stored,) = await first.list_sessions()
    assert stored.title == made[0].title


# -- the command line ----------------------------------------------------------------

COMMANDS = {
    "the UI": ["--session", "{}"],
    "ask": ["ask", "--session", "{}", "hi"],
    "sessions delete": ["sessions", "delete", "{}"],
    "sessions rename": ["sessions", "rename", "{}", "New title"],
    "sessions export": ["sessions", "export", "{}", "-o", "out.md"],
}


@pytest.mark.parametrize(("bad", "fragment"), BAD_IDS.values(), ids=NAMES)
def test_every_command_refuses_a_bad_id_with_one_line(
    bad: str,
    fragment: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("copilot_tui.app.run_app", lambda **_: pytest.fail("the UI started"))
    for name, argv in COMMANDS.items():
        status = main([part.format(bad) if part == "{}" else part for part in argv])
        out, err = capsys.readouterr()
        assert (status, out) == (2, ""), name
        assert err.startswith("copilot-tui: error: argument "), (name, err)
        assert f"{fragment}; use {ID_RULE}" in err, (name, err)
        assert err.endswith("\n")
        assert err[:-1].isprintable(), (name, err)
    assert sorted(os.listdir(tmp_path)) == []  # no store, no export


# -- the app -------------------------------------------------------------------------


async def test_the_new_session_dialog_refuses_each_bad_id(
    make_config: ConfigFactory, tmp_path: Path
) -> None:
    config = make_config()
    seed_session(config, "taken", title="Taken")
    save_tabs(tmp_path / "ui.json", ["taken"])
    # The dialog trims the field, and an empty one means "a random id".
    cases = [(bad, fragment) for bad, fragment in BAD_IDS.values() if bad.strip() == bad != ""]
    cases = [(bad, fragment) for bad, fragment in cases if len(bad) < 100]
    app = make_app(config, tmp_path / "ui.json")
    async with app.run_test(size=(100, 30)) as pilot:
        await restored(pilot)
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, NewSessionScreen))
        dialog = app.screen
        for bad, fragment in [*cases, ("taken", "'taken' already exists")]:
            dialog.query_one("#id-input", Input).value = bad
            await pilot.press("ctrl+s")
            await wait_until(pilot, shows(dialog, fragment))
            assert errors_shown(dialog).isprintable()
            assert app.screen is dialog
        await pilot.press("escape")
    assert [s.session_id for s in await app.client.list_sessions()] == ["taken"]


async def test_a_pasted_id_shows_its_controls_and_is_refused(
    make_config: ConfigFactory, tmp_path: Path
) -> None:
    config = make_config()
    seed_session(config, "taken", title="Taken")
    save_tabs(tmp_path / "ui.json", ["taken"])
    app = make_app(config, tmp_path / "ui.json")
    async with app.run_test(size=(100, 30)) as pilot:
        await restored(pilot)
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, NewSessionScreen))
        dialog = app.screen
        await pilot.press("tab")  # to the id field
        app.post_message(events.Paste("id\x1b]52;c;aGk=\x07\x9b\x00"))
        id_input = dialog.query_one("#id-input", Input)
        await wait_until(pilot, lambda: id_input.value != "")
        assert id_input.value == "id␛]52;c;aGk=␇\\x9b␀"
        await pilot.press("ctrl+s")
        await wait_until(pilot, shows(dialog, "contains '\\u241b' at position 3"))
        assert_app_screen_is_safe(app)
        await pilot.press("escape")
    assert [s.session_id for s in await app.client.list_sessions()] == ["taken"]


def errors_shown(dialog: object) -> str:
    """The text of the dialog's id and create error labels."""
    assert isinstance(dialog, NewSessionScreen)
    labels = [dialog.query_one(f"#{name}", Label) for name in ("id-error", "create-error")]
    return " ".join(str(label.render()) for label in labels if label.display)


def shows(dialog: object, fragment: str) -> Callable[[], bool]:
    """A condition: the dialog shows an error with `fragment` in it."""
    return lambda: fragment in errors_shown(dialog)


async def test_bad_ids_in_the_saved_tabs_are_left_out(
    make_config: ConfigFactory, tmp_path: Path
) -> None:
    config = make_config()
    seed_session(config, "good", title="Good")
    state = {"open_sessions": ["../etc/passwd", "good", "a\x1b[2J", "x" * 65], "active": "a\x1b[2J"}
    (tmp_path / "ui.json").write_text(json.dumps(state))
    app = make_app(config, tmp_path / "ui.json")
    async with app.run_test(size=(100, 30)) as pilot:
        await restored(pilot)
        assert [pane.session.session_id for pane in app.tabs.panes] == ["good"]
        for notification in app._notifications:
            assert str(notification.message).isprintable()
    assert [s.session_id for s in await app.client.list_sessions()] == ["good"]
