"""The footer is rebuilt when the keys it shows change, and only then."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.widget import Widget
from textual.widgets import Button
from textual.widgets._footer import FooterKey

from copilot_tui.widgets.steady_footer import SteadyFooter


class Yanker(Widget, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [("ctrl+y", "yank", "Yank")]

    def action_yank(self) -> None:
        pass


class FooterApp(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [("ctrl+x", "noop", "Cut")]

    def compose(self) -> ComposeResult:
        yield Button("one", id="one")
        yield Button("two", id="two")
        yield Yanker()
        yield SteadyFooter()

    def action_noop(self) -> None:
        pass


def keys(app: FooterApp) -> list[FooterKey]:
    return list(app.query_one(SteadyFooter).query(FooterKey))


async def test_the_footer_is_rebuilt_only_when_its_keys_change() -> None:
    app = FooterApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        before = keys(app)
        assert [key.description for key in before] == ["Cut", "palette"]
        app.query_one("#two").focus()  # the same keys: the same footer widgets
        await pilot.pause()
        assert keys(app) == before
        app.query_one(Yanker).focus()
        await pilot.pause()
        assert [key.description for key in keys(app)] == ["Yank", "Cut", "palette"]
        app.query_one("#one").focus()
        await pilot.pause()
        assert [key.description for key in keys(app)] == ["Cut", "palette"]
