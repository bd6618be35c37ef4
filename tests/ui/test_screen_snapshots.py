"""Snapshots of the modal screens at 80x24, 100x30 and 120x40.

The snapshot plugin runs each app in its own event loop, so these tests are synchronous
and the host app starts (and stops) its own client. Sessions are stored with fixed ids,
titles and times, and the picker gets a fixed `now`, so every run draws the same.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, OptionList, TextArea

from copilot_tui.core.client import CopilotClient
from copilot_tui.core.config import Config, ProviderConfig
from copilot_tui.core.demo_server import DemoServer
from copilot_tui.core.paths import store_file
from copilot_tui.core.store import SessionStore
from copilot_tui.screens.help import HelpScreen
from copilot_tui.screens.new_session import NewSessionScreen
from copilot_tui.screens.session_list import SessionList
from copilot_tui.screens.session_picker import SessionPicker
from tests.conftest import ConfigFactory
from tests.helpers import wait_for

Snap = Callable[..., bool]
ScreenFor = Callable[[CopilotClient], Screen[Any]]

NOW = datetime(2025, 3, 20, 15, 30, tzinfo=UTC)
SESSIONS = (  # id, title, model, minutes before NOW
    ("fix-flaky-test", "Fix the flaky test in the store", "gpt-4o-mini", 4),
    ("lisbon-trip", "Plan a long weekend in Lisbon with a budget", "llama3.2:3b", 135),
    ("a3f1c9e2-5b7d-4e8a-9c0f-1d2e3f4a5b6c", "", "gpt-4o", 60 * 27),
    ("release-notes", "Release notes for 0.4, short and honest", "gpt-4o", 60 * 24 * 4),
    ("old-idea", "Rewrite the parser as a state machine", "gpt-4o-mini", 60 * 24 * 400),
)
SIZES = [
    pytest.param((80, 24), id="80x24"),
    pytest.param((100, 30), id="100x30"),
    pytest.param((120, 40), id="120x40"),
]


class SnapshotHost(App[None]):
    """Starts a client in the app's own loop and pushes one screen built on it."""

    def __init__(self, config: Config, screen_for: ScreenFor) -> None:
        super().__init__()
        self._client = CopilotClient(config, environ={})
        self._screen_for = screen_for

    async def on_mount(self) -> None:
        await self._client.start()
        await self.push_screen(self._screen_for(self._client))

    async def on_unmount(self) -> None:
        await self._client.stop()


def settled(ready: Callable[[Screen[Any]], bool]) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Wait until the screen is `ready`, then stop cursors blinking (a blink is a diff)."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_for(lambda: ready(pilot.app.screen))
        for widget in pilot.app.screen.query("Input, TextArea"):
            if isinstance(widget, Input | TextArea):
                widget.cursor_blink = False
        await pilot.pause()

    return run_before


def picker_loaded(screen: Screen[Any]) -> bool:
    return isinstance(screen, SessionPicker) and len(screen.query_one(SessionList).rows) == len(
        SESSIONS
    )


def models_listed(screen: Screen[Any]) -> bool:
    return (
        isinstance(screen, NewSessionScreen)
        and screen.query_one("#model-list", OptionList).option_count > 0
    )


@pytest.fixture
def config(make_config: ConfigFactory, server: DemoServer, tmp_path: Path) -> Config:
    """A store holding SESSIONS, and a provider that offers three models."""
    models = ("gpt-4o", "gpt-4o-mini", "llama3.2:3b")
    provider = ProviderConfig(
        name="test", base_url=server.base_url, default_model="gpt-4o-mini", models=models
    )
    config = make_config(providers=(provider,))
    store = SessionStore(store_file(config.data_dir))
    for session_id, title, model, minutes in SESSIONS:
        created = NOW - timedelta(minutes=minutes)
        store.create_session(session_id, model=model, title=title, created=created)
    store.close()
    return config


def picker(client: CopilotClient) -> SessionPicker:
    return SessionPicker(client, open_session_ids={"lisbon-trip"}, now=lambda: NOW)


@pytest.mark.parametrize("size", SIZES)
def test_picker(snap_compare: Snap, config: Config, size: tuple[int, int]) -> None:
    host = SnapshotHost(config, picker)
    assert snap_compare(host, terminal_size=size, run_before=settled(picker_loaded))


def test_picker_filtered_with_delete_question(snap_compare: Snap, config: Config) -> None:
    host = SnapshotHost(config, picker)
    keys = ["t", "h", "e", "down", "delete"]
    assert snap_compare(host, press=keys, terminal_size=(80, 24), run_before=settled(picker_loaded))


@pytest.mark.parametrize("size", SIZES)
def test_new_session(snap_compare: Snap, config: Config, size: tuple[int, int]) -> None:
    host = SnapshotHost(config, NewSessionScreen)
    assert snap_compare(host, terminal_size=size, run_before=settled(models_listed))


@pytest.mark.parametrize("size", SIZES[:2])
def test_help(snap_compare: Snap, config: Config, size: tuple[int, int]) -> None:
    host = SnapshotHost(config, lambda _: HelpScreen())
    ready = settled(lambda screen: isinstance(screen, HelpScreen))
    assert snap_compare(host, terminal_size=size, run_before=ready)
