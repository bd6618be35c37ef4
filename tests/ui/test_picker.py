"""SessionPicker driven with the keyboard (and the mouse) through a tiny host app."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from textual.app import App
from textual.widgets import Input, Label, Static

from copilot_tui.core.client import CopilotClient
from copilot_tui.core.errors import StoreError
from copilot_tui.core.paths import store_file
from copilot_tui.core.store import SessionStore
from copilot_tui.screens.dialogs import ConfirmScreen, RenameScreen
from copilot_tui.screens.session_list import SessionList
from copilot_tui.screens.session_picker import SessionPicker
from tests.helpers import wait_for

NOW = datetime(2025, 3, 20, 15, 30, tzinfo=UTC)
SEEDED = {  # id: (title, minutes ago)
    "plan-trip": ("Plan the trip to Lisbon", 2),
    "fix-test": ("Fix the flaky test", 180),
    "draft-mail": ("Draft a mail to the landlord", 60 * 24 * 3),
}


class PickerHost(App[None]):
    """Pushes the picker and records what it returns and posts."""

    def __init__(self, picker: SessionPicker) -> None:
        super().__init__()
        self.picker = picker
        self.results: list[str | None] = []
        self.deleted: list[str] = []
        self.renamed: list[tuple[str, str]] = []

    def on_mount(self) -> None:
        self.push_screen(self.picker, self.results.append)

    def on_session_picker_deleted(self, message: SessionPicker.Deleted) -> None:
        self.deleted.append(message.session_id)

    def on_session_picker_renamed(self, message: SessionPicker.Renamed) -> None:
        self.renamed.append((message.session_id, message.title))


@pytest.fixture
def store(client: CopilotClient) -> Iterator[SessionStore]:
    """A second connection to the client's store, as another process would have."""
    opened = SessionStore(store_file(client.config.data_dir))
    yield opened
    opened.close()


@pytest.fixture
def seeded(store: SessionStore) -> None:
    for session_id, (title, minutes) in SEEDED.items():
        created = NOW - timedelta(minutes=minutes)
        store.create_session(session_id, model="test-model", title=title, created=created)


def picker_host(client: CopilotClient, **options: Any) -> PickerHost:
    return PickerHost(SessionPicker(client, now=lambda: NOW, **options))


def ids(host: PickerHost) -> list[str]:
    return [row.session_id for row in host.picker.query_one(SessionList).rows]


def highlighted(host: PickerHost) -> str | None:
    row = host.picker.query_one(SessionList).highlighted_row
    return None if row is None else row.session_id


def line(host: PickerHost, y: int) -> str:
    return host.picker.query_one(SessionList).render_line(y).text


def label_text(host: PickerHost, selector: str) -> str:
    return str(host.picker.query_one(selector, Label).render())


async def loaded(host: PickerHost, count: int) -> None:
    """Wait until the list shows `count` rows and the screen has been laid out again."""
    await wait_for(lambda: len(ids(host)) == count)
    await host.workers.wait_for_complete()
    session_list = host.picker.query_one(SessionList)
    dialog = host.picker.query_one("#picker-dialog")
    await wait_for(lambda: session_list.size.width == dialog.content_size.width)


@pytest.mark.usefixtures("seeded")
async def test_lists_sessions_newest_first_with_relative_times(client: CopilotClient) -> None:
    host = picker_host(client, open_session_ids={"fix-test"})
    async with host.run_test(size=(100, 30)):
        await loaded(host, 3)
        assert ids(host) == ["plan-trip", "fix-test", "draft-mail"]
        assert "Plan the trip to Lisbon" in line(host, 0)
        assert line(host, 0).rstrip().endswith("2 min ago")
        assert "plan-trip · test-model · 0 messages" in line(host, 1)
        assert "●" not in line(host, 0)
        assert "● Fix the flaky test" in line(host, 2)
        assert line(host, 2).rstrip().endswith("3 h ago")
        assert line(host, 4).rstrip().endswith("3 days ago")
        assert "All 3 sessions" in label_text(host, "#picker-status")


@pytest.mark.usefixtures("seeded")
async def test_typing_filters_titles_and_ids_on_every_key(client: CopilotClient) -> None:
    host = picker_host(client)
    async with host.run_test(size=(100, 30)) as pilot:
        await loaded(host, 3)
        await pilot.press("t")
        assert ids(host) == ["plan-trip", "fix-test", "draft-mail"]
        await pilot.press("h", "e", "space", "f")
        assert ids(host) == ["fix-test"]
        assert "1 of 3 sessions" in label_text(host, "#picker-status")
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace")
        await pilot.press("D", "R", "A", "F", "T", "-")  # an id, in capitals
        assert ids(host) == ["draft-mail"]
        await pilot.press("z")
        assert ids(host) == []
        assert "No session title or id contains “DRAFT-z”" in line(host, 0)


async def test_tab_searches_message_text(client: CopilotClient) -> None:
    wombat = await client.create_session(title="Marsupials")
    await wombat.send_and_wait("Do wombats really make cube-shaped droppings?")
    other = await client.create_session(title="Wombat-free chat")
    await other.send_and_wait("Tell me about ferns")
    host = picker_host(client)
    async with host.run_test(size=(100, 30)) as pilot:
        await loaded(host, 2)
        query = host.picker.query_one("#picker-query", Input)
        await pilot.press("tab")
        assert query.placeholder == "Search message text"
        assert label_text(host, "#picker-mode") == "Search"
        assert query.has_focus
        await pilot.press(*"droppings")
        await wait_for(lambda: ids(host) == [wombat.session_id])
        assert "«droppings»" in host.picker.query_one(SessionList).rows[0].snippet
        assert "droppings" in line(host, 1)
        await pilot.press("tab")  # back to titles: no title contains the word
        assert query.placeholder == "Filter titles and ids"
        assert ids(host) == []


@pytest.mark.usefixtures("seeded")
async def test_arrows_move_the_highlight_while_typing_and_enter_opens(
    client: CopilotClient,
) -> None:
    host = picker_host(client)
    async with host.run_test(size=(100, 30)) as pilot:
        await loaded(host, 3)
        assert highlighted(host) == "plan-trip"
        await pilot.press("down", "down", "down")
        assert highlighted(host) == "draft-mail"
        await pilot.press("up")
        assert highlighted(host) == "fix-test"
        await pilot.press("home")
        assert highlighted(host) == "plan-trip"
        await pilot.press("end")
        assert highlighted(host) == "draft-mail"
        await pilot.press("pageup")
        assert highlighted(host) == "plan-trip"
        query = host.picker.query_one("#picker-query", Input)
        assert query.has_focus
        await pilot.press("a", "down")
        assert query.value == "a"
        assert highlighted(host) == "fix-test"  # "a" matches all three
        await pilot.press("enter")
        assert host.results == ["fix-test"]


@pytest.mark.usefixtures("seeded")
async def test_escape_returns_none_and_clicks_pick_rows(client: CopilotClient) -> None:
    host = picker_host(client)
    async with host.run_test(size=(100, 30)) as pilot:
        await loaded(host, 3)
        await pilot.click(SessionList, offset=(10, 3))  # the second row's detail line
        assert highlighted(host) == "fix-test"
        await pilot.click(SessionList, offset=(10, 4), times=2)
        assert host.results == ["draft-mail"]
    host = picker_host(client)
    async with host.run_test(size=(100, 30)) as pilot:
        await loaded(host, 3)
        await pilot.press("escape")
        assert host.results == [None]


@pytest.mark.usefixtures("seeded")
async def test_delete_asks_then_deletes(client: CopilotClient) -> None:
    host = picker_host(client)
    async with host.run_test(size=(100, 30)) as pilot:
        await loaded(host, 3)
        await pilot.press("down", "delete")
        assert isinstance(host.screen, ConfirmScreen)
        question = str(host.screen.query_one("#confirm-question", Static).render())
        assert question == "Delete “Fix the flaky test” (fix-test) and its 0 messages for good?"
        await pilot.press("n")
        assert ids(host) == ["plan-trip", "fix-test", "draft-mail"]
        await pilot.press("delete", "y")
        await loaded(host, 2)
        assert ids(host) == ["plan-trip", "draft-mail"]
        assert highlighted(host) == "draft-mail"  # the row that took its place
        assert host.deleted == ["fix-test"]
        assert [s.session_id for s in await client.list_sessions()] == ids(host)


@pytest.mark.usefixtures("seeded")
async def test_delete_edits_the_query_when_text_is_right_of_the_cursor(
    client: CopilotClient,
) -> None:
    host = picker_host(client)
    async with host.run_test(size=(100, 30)) as pilot:
        await loaded(host, 3)
        await pilot.press("f", "i", "x", "left", "delete")
        assert host.picker.query_one("#picker-query", Input).value == "fi"
        assert host.screen is host.picker
        await pilot.press("delete")  # cursor at the end now: the session
        assert isinstance(host.screen, ConfirmScreen)


@pytest.mark.usefixtures("seeded")
async def test_f2_renames(client: CopilotClient) -> None:
    host = picker_host(client)
    async with host.run_test(size=(100, 30)) as pilot:
        await loaded(host, 3)
        await pilot.press("down", "f2")
        assert isinstance(host.screen, RenameScreen)
        assert host.screen.query_one(Input).value == "Fix the flaky test"
        await pilot.press(*"Tests made stable", "enter")
        await wait_for(lambda: host.renamed == [("fix-test", "Tests made stable")])
        assert "Tests made stable" in line(host, 2)
        assert line(host, 2).rstrip().endswith("just now")  # a rename is a change
        stored = {s.session_id: s.title for s in await client.list_sessions()}
        assert stored["fix-test"] == "Tests made stable"


@pytest.mark.usefixtures("seeded")
async def test_a_session_deleted_elsewhere_shows_an_error_line(
    client: CopilotClient, store: SessionStore
) -> None:
    host = picker_host(client)
    async with host.run_test(size=(100, 30)) as pilot:
        await loaded(host, 3)
        store.delete_session("plan-trip")  # by another process, while the picker is open
        await pilot.press("f2", *"New", "enter")
        error = host.picker.query_one("#picker-error", Label)
        await wait_for(lambda: error.display)
        assert "plan-trip" in str(error.render())
        assert host.renamed == []
        await pilot.press("delete", "y")
        await loaded(host, 2)
        assert "plan-trip" in str(error.render())


async def test_a_store_error_while_listing_is_shown(
    client: CopilotClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken() -> list[Any]:
        raise StoreError("cannot read /data/sessions.db: disk I/O error")

    monkeypatch.setattr(client, "list_sessions", broken)
    host = picker_host(client)
    async with host.run_test(size=(100, 30)) as pilot:
        error = host.picker.query_one("#picker-error", Label)
        await wait_for(lambda: error.display)
        assert str(error.render()) == "cannot read /data/sessions.db: disk I/O error"
        assert not host.picker.query_one(SessionList).loading
        await pilot.press("x", "enter")  # nothing to open, nothing breaks
        assert host.results == []
