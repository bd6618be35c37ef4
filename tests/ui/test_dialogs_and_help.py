"""ConfirmScreen, RenameScreen and HelpScreen."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from copilot_tui.keys import APP_KEYS, KEY_SECTIONS
from copilot_tui.screens.dialogs import ConfirmScreen, RenameScreen
from copilot_tui.screens.help import HelpScreen
from tests.helpers import wait_for


class DialogHost(App[None]):
    """Pushes one dialog and records what it returns."""

    def __init__(self, dialog: Screen[Any]) -> None:
        super().__init__()
        self.dialog = dialog
        self.results: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.results.append)


def question_host() -> DialogHost:
    return DialogHost(ConfirmScreen("Delete \x1b[2J“Notes” for good?", confirm_label="Delete"))


@pytest.mark.parametrize(
    ("keys", "answer"),
    [
        (["y"], True),
        (["n"], False),
        (["escape"], False),
        (["enter"], False),  # focus starts on Cancel
        (["right", "enter"], True),
        (["tab", "enter"], True),
        (["right", "left", "enter"], False),
    ],
)
async def test_confirm_answers(keys: list[str], answer: bool) -> None:
    host = question_host()
    async with host.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert host.dialog.query_one("#cancel", Button).has_focus
        await pilot.press(*keys)
        await wait_for(lambda: bool(host.results))
    assert host.results == [answer]


async def test_confirm_shows_the_question_safely_and_clicks_work() -> None:
    host = question_host()
    async with host.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        question = str(host.dialog.query_one("#confirm-question", Static).render())
        assert question == "Delete ␛[2J“Notes” for good?"  # no escape reaches the terminal
        assert "Delete (y)" in str(host.dialog.query_one("#confirm", Button).label)
        await pilot.click("#confirm")
        await wait_for(lambda: bool(host.results))
    assert host.results == [True]


async def test_rename_returns_the_stripped_title() -> None:
    host = DialogHost(RenameScreen("Old title"))
    async with host.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        title_input = host.dialog.query_one(Input)
        assert title_input.value == "Old title"
        assert title_input.selected_text == "Old title"  # typing replaces it
        await pilot.press(*"  New title ", "enter")
        await wait_for(lambda: bool(host.results))
    assert host.results == ["New title"]


async def test_rename_refuses_an_empty_title_and_escape_cancels() -> None:
    host = DialogHost(RenameScreen("Old title"))
    async with host.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("backspace", "space", "enter")
        error = host.dialog.query_one("#rename-error", Label)
        assert error.display
        assert str(error.render()) == "The title cannot be empty."
        assert host.screen is host.dialog
        await pilot.press("escape")
        await wait_for(lambda: bool(host.results))
    assert host.results == [None]


def rendered_labels(screen: Screen[Any], selector: str) -> list[str]:
    return [str(label.render()) for label in screen.query(selector).results(Label)]


async def test_help_lists_every_key_by_section() -> None:
    host = DialogHost(HelpScreen())
    async with host.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        keys = rendered_labels(host.dialog, ".help-key")
        assert {key.label for key in APP_KEYS} <= set(keys)
        assert keys == [key.label for _, specs in KEY_SECTIONS for key in specs]
        descriptions = rendered_labels(host.dialog, ".help-description")
        assert descriptions == [key.description for _, specs in KEY_SECTIONS for key in specs]
        assert rendered_labels(host.dialog, ".help-section") == [t for t, _ in KEY_SECTIONS]


@pytest.mark.parametrize("key", ["escape", "f1", "q"])
async def test_help_closes(key: str) -> None:
    host = DialogHost(HelpScreen())
    async with host.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(key)
        await wait_for(lambda: bool(host.results))
    assert host.results == [None]


async def test_help_scrolls_from_the_keyboard() -> None:
    host = DialogHost(HelpScreen())
    async with host.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        dialog = host.dialog.query_one("#help-dialog")
        assert dialog.max_scroll_y > 0  # more keys than fit in 24 lines
        await pilot.press("end")
        await wait_for(lambda: dialog.scroll_y == dialog.max_scroll_y)
