"""Opening, closing, restoring and acting on sessions from the keyboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input

from copilot_tui.app import CopilotApp
from copilot_tui.core.config import Config
from copilot_tui.core.demo_server import DemoServer
from copilot_tui.screens.dialogs import RenameScreen
from copilot_tui.screens.help import HelpScreen
from copilot_tui.screens.new_session import NewSessionScreen
from copilot_tui.screens.session_picker import SessionPicker
from copilot_tui.ui_state import load_ui_state
from copilot_tui.widgets.messages import UserMessage
from tests.conftest import ConfigFactory
from tests.ui.harness import (
    active,
    make_app,
    reply_texts,
    restored,
    save_tabs,
    seed_three,
    wait_until,
)


def read_only_export(folder: Path) -> str:
    (export,) = folder.glob("*.md")
    return export.read_text()


def three_seeded(make_config: ConfigFactory) -> Config:
    config = make_config()
    seed_three(config, answered=True)
    return config


def seeded_app(
    make_config: ConfigFactory, tmp_path: Path, tabs: list[str], active: str | None = None
) -> CopilotApp:
    """The app on three seeded sessions, with `tabs` saved as open."""
    state = tmp_path / "ui.json"
    save_tabs(state, tabs, active=active)
    return make_app(three_seeded(make_config), state)


async def test_restart_restores_tabs_order_active_and_drafts(
    make_config: ConfigFactory, tmp_path: Path
) -> None:
    config = three_seeded(make_config)
    state = tmp_path / "ui.json"
    save_tabs(state, ["gamma", "alpha"], active="alpha")
    app = make_app(config, state)
    async with app.run_test(size=(120, 40)) as pilot:
        await restored(pilot)
        assert [p.session.session_id for p in app.tabs.panes] == ["gamma", "alpha"]
        assert active(app).session.session_id == "alpha"
        assert reply_texts(active(app)) == ["alpha!"]
        await pilot.press("alt+1", *"half-typed", "alt+2")
        await pilot.press("ctrl+q")
    saved = load_ui_state(state)
    assert saved.open_sessions == ["gamma", "alpha"]
    assert saved.active == "alpha"
    assert saved.drafts == {"gamma": "half-typed"}
    again = make_app(config, state)
    async with again.run_test(size=(120, 40)) as pilot:
        await restored(pilot)
        assert [p.session.session_id for p in again.tabs.panes] == ["gamma", "alpha"]
        assert again.tabs.panes[0].prompt.text == "half-typed"


async def test_first_run_opens_one_new_session(make_config: ConfigFactory, tmp_path: Path) -> None:
    app = make_app(make_config(), tmp_path / "ui.json")
    async with app.run_test(size=(120, 40)) as pilot:
        await restored(pilot)
        (pane,) = app.tabs.panes
        assert str(app.tabs.get_tab(pane).label).strip() == "New session"
        assert app.focused is pane.prompt


async def test_a_session_deleted_elsewhere_is_skipped_with_a_notice(
    make_config: ConfigFactory, tmp_path: Path
) -> None:
    app = seeded_app(make_config, tmp_path, ["alpha", "vanished"], active="vanished")
    async with app.run_test(size=(120, 40)) as pilot:
        await restored(pilot)
        assert [p.session.session_id for p in app.tabs.panes] == ["alpha"]
        assert any("vanished" in str(n.message) for n in app._notifications)


async def test_session_and_model_options(make_config: ConfigFactory, tmp_path: Path) -> None:
    app = make_app(make_config(), tmp_path / "ui.json", session_id="user-7", model="m-7")
    async with app.run_test(size=(120, 40)) as pilot:
        await restored(pilot)
        pane = active(app)
        assert (pane.session.session_id, pane.session.model) == ("user-7", "m-7")
        assert str(app.tabs.get_tab(pane).label).strip() == "user-7"


async def test_picker_opens_a_stored_session_in_a_new_tab(
    make_config: ConfigFactory, tmp_path: Path
) -> None:
    app = seeded_app(make_config, tmp_path, ["alpha"])
    async with app.run_test(size=(120, 40)) as pilot:
        await restored(pilot)
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: isinstance(app.screen, SessionPicker))
        await pilot.press(*"gamm")
        await pilot.pause(0.2)
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(app.tabs.panes) == 2)
        assert active(app).session.session_id == "gamma"


async def test_switching_tabs_moves_the_focus_before_the_old_tab_is_hidden(
    make_config: ConfigFactory, tmp_path: Path
) -> None:
    # Had the old tab's prompt still held the focus when a layout hid it, Textual would
    # give the focus to a widget of the hidden tab and switch back to it: after opening
    # a session from the picker, typed keys sometimes went nowhere (5 in ~170 runs).
    app = seeded_app(make_config, tmp_path, ["alpha", "beta"], active="alpha")
    async with app.run_test(size=(120, 40)) as pilot:
        await restored(pilot)
        first, second = app.tabs.panes
        assert app.focused is first.prompt
        app.tabs.activate(second)
        assert app.focused is second.prompt  # at once, before any layout
        await pilot.press(*"hi")
        assert app.tabs.active_session_pane is second
        assert second.prompt.text == "hi"


async def test_deleting_an_open_session_in_the_picker_closes_its_tab(
    make_config: ConfigFactory, tmp_path: Path
) -> None:
    app = seeded_app(make_config, tmp_path, ["alpha", "beta"], active="alpha")
    async with app.run_test(size=(120, 40)) as pilot:
        await restored(pilot)
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: isinstance(app.screen, SessionPicker))
        await pilot.press(*"beta")
        await pilot.pause(0.2)
        await pilot.press("delete")
        await pilot.pause(0.1)
        await pilot.press("y")
        await wait_until(pilot, lambda: len(app.tabs.panes) == 1)
        await pilot.press("escape")
        stored = {info.session_id for info in await app.client.list_sessions()}
        assert stored == {"alpha", "gamma"}


async def test_new_session_dialog_opens_a_tab(make_config: ConfigFactory, tmp_path: Path) -> None:
    app = make_app(make_config(), tmp_path / "ui.json")
    async with app.run_test(size=(120, 40)) as pilot:
        await restored(pilot)
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, NewSessionScreen))
        app.screen.query_one("#id-input", Input).value = "fresh-one"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: len(app.tabs.panes) == 2)
        assert active(app).session.session_id == "fresh-one"


async def test_close_tab_keeps_the_session_and_shows_the_empty_state(
    make_config: ConfigFactory, tmp_path: Path
) -> None:
    app = make_app(make_config(), tmp_path / "ui.json", session_id="closing")
    async with app.run_test(size=(120, 40)) as pilot:
        await restored(pilot)
        await pilot.press("ctrl+w")
        await wait_until(pilot, lambda: not app.tabs.panes)
        assert app.query_one("#empty").display
        assert [i.session_id for i in await app.client.list_sessions()] == ["closing"]
        await pilot.press("ctrl+r")  # nothing open: a notice, not a crash
        assert app.is_running


async def test_rename_copy_and_export(
    make_config: ConfigFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = seeded_app(make_config, tmp_path, ["alpha"])
    async with app.run_test(size=(120, 40)) as pilot:
        await restored(pilot)
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, RenameScreen))
        app.screen.query_one(Input).value = "Renamed chat"
        await pilot.press("enter")
        pane = active(app)
        await wait_until(pilot, lambda: str(app.tabs.get_tab(pane).label).strip() == "Renamed chat")
        await pilot.press("ctrl+y")
        assert app.clipboard == "alpha!"
        await pilot.press("ctrl+e")
        await wait_until(pilot, lambda: any(tmp_path.glob("*.md")))
    exported = read_only_export(tmp_path)
    assert "Renamed chat" in exported
    assert "alpha!" in exported


async def test_tab_keys_do_not_fire_inside_dialogs(
    make_config: ConfigFactory, tmp_path: Path
) -> None:
    app = make_app(make_config(), tmp_path / "ui.json")
    async with app.run_test(size=(120, 40)) as pilot:
        await restored(pilot)
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, RenameScreen))
        await pilot.press("ctrl+w", "ctrl+e")  # for the field, not for the tabs
        assert len(app.tabs.panes) == 1
        assert isinstance(app.screen, RenameScreen)
        await pilot.press("escape", "f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, HelpScreen))


async def test_model_switch_from_the_command_palette(
    make_config: ConfigFactory, tmp_path: Path, server: DemoServer
) -> None:
    app = make_app(make_config(), tmp_path / "ui.json")
    async with app.run_test(size=(120, 40)) as pilot:
        await restored(pilot)
        await pilot.press("ctrl+p", *"other-model")
        await pilot.pause(0.3)
        await pilot.press("enter")
        pane = active(app)
        await wait_until(pilot, lambda: pane.session.model == "other-model")
        pane.prompt.insert("hi")
        await pilot.press("enter")
        await wait_until(pilot, lambda: pane.state == "idle" and bool(server.requests))
        assert server.requests[-1].body["model"] == "other-model"


async def test_a_large_paste_is_sent_whole(
    make_config: ConfigFactory, tmp_path: Path, server: DemoServer
) -> None:
    big = "".join(f"line {n} of a big paste\n" for n in range(40_000))  # ~1 MB
    app = make_app(make_config(), tmp_path / "ui.json")
    async with app.run_test(size=(120, 40)) as pilot:
        await restored(pilot)
        pane = active(app)
        app.post_message(events.Paste(big))  # as the terminal driver delivers a paste
        await wait_until(pilot, lambda: pane.prompt.text == big)
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(server.requests), timeout=20)
        assert server.requests[0].body["messages"][-1]["content"] == big
        await wait_until(pilot, lambda: bool(pane.query(UserMessage)))
