"""The line-drawn reply view: growing at its end repaints only what changed, and
selection, links and theme changes work on it like on any Textual text."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.selection import Selection
from textual.strip import Strip

from copilot_tui.core.demo_replies import demo_reply, tokenize
from copilot_tui.widgets import lexers
from copilot_tui.widgets.frames import GROW_LINES
from copilot_tui.widgets.markdown_lines import MarkdownLines
from copilot_tui.widgets.messages import AssistantMessage

TEXT = demo_reply("explain", "demo", 500) + "\n\nSee [the docs](https://example.com/docs).\n"


class ReplyApp(App[None]):
    CSS = "MarkdownLines { border: round $accent; padding: 0 1; }"

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
        self.opened: list[str] = []

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield MarkdownLines(self.text)

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).anchor()

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        self.opened.append(url)


def painted(app: ReplyApp) -> list[Strip]:
    """What the view's lines look like on screen (through Textual's line cache)."""
    view = app.query_one(MarkdownLines)
    return view.render_lines(view.size.region.grow((1, 1, 1, 1)))


async def test_a_view_grown_piece_by_piece_paints_like_one_drawn_at_once() -> None:
    streamed = ReplyApp("")
    async with streamed.run_test(size=(90, 30)) as pilot:
        view = streamed.query_one(MarkdownLines)
        pieces = tokenize(TEXT)
        for start in range(0, len(pieces), 40):
            view.append("".join(pieces[start : start + 40]))
            await pilot.pause()
        shown = [line.text for line in painted(streamed)]
    whole = ReplyApp(TEXT)
    async with whole.run_test(size=(90, 30)) as pilot:
        await pilot.pause()
        assert [line.text for line in painted(whole)] == shown
        assert view.source == TEXT


async def test_growing_repaints_the_changed_lines_only() -> None:
    app = ReplyApp(TEXT)
    async with app.run_test(size=(90, 30)) as pilot:
        await pilot.pause()
        view = app.query_one(MarkdownLines)
        before = dict(view._styles_cache._cache)  # Textual's painted lines, by row
        view.append(" More words.\n\nA new paragraph.\n\n- and a list")
        await pilot.pause()
        after = view._styles_cache._cache
        kept = [row for row, line in before.items() if after.get(row) is line]
        assert len(before) >= 25
        assert len(kept) >= len(before) - 5


async def test_a_view_grows_a_step_of_lines_at_a_time() -> None:
    """Room is left under the text: a new line that fits asks for no layout."""
    app = ReplyApp("line")
    async with app.run_test(size=(60, 30)) as pilot:
        view = app.query_one(MarkdownLines)
        view.grow_step = 4
        await pilot.pause()
        layouts: list[object] = []
        app.screen.screen_layout_refresh_signal.subscribe(app.screen, layouts.append)
        heights = []
        for number in range(7):
            view.append(f"  \nline {number}")  # a hard line break: one line more
            await pilot.pause()
            heights.append(view.content_size.height)
        assert heights == [4, 4, 4, 8, 8, 8, 8]  # for 2, 3, 4, 5, 6, 7 and 8 lines
        assert len(layouts) == 1
        view.grow_step = 1
        await pilot.pause()
        assert view.content_size.height == 8


async def test_selected_text_is_what_the_lines_show() -> None:
    app = ReplyApp("# Heading\n\n- one item\n- two items\n")
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        view = app.query_one(MarkdownLines)
        app.screen.selections = {view: Selection(None, None)}
        await pilot.pause()
        selected = app.screen.get_selected_text()
        assert selected is not None
        assert "Heading" in selected
        assert "• one item\n• two items" in selected
        assert view.text_selection is not None


async def test_a_click_on_a_link_opens_it() -> None:
    app = ReplyApp("Read [the docs](https://example.com/docs) first.")
    async with app.run_test(size=(60, 8)) as pilot:
        await pilot.pause()
        region = app.query_one(MarkdownLines).content_region
        await pilot.click(offset=(region.x + len("Read ") + 2, region.y))
        assert app.opened == ["https://example.com/docs"]


async def test_a_theme_change_redraws_in_the_new_colours() -> None:
    app = ReplyApp("## Heading\n\nText.")
    async with app.run_test(size=(60, 8)) as pilot:
        await pilot.pause()
        view = app.query_one(MarkdownLines)
        before = view.lines_at(view.size.width)[0]
        app.theme = "textual-light"
        await pilot.pause()
        after = view.lines_at(view.size.width)[0]
        assert after.text == before.text
        assert next(iter(after)).style != next(iter(before)).style


async def test_a_reply_draws_streamed_text_at_most_once_a_frame() -> None:
    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield AssistantMessage(message_id="m", model="demo", text="", status="streaming")

    app = One()
    async with app.run_test() as pilot:
        view = app.query_one(AssistantMessage)
        for piece in tokenize("Hello there, this arrives in many small pieces."):
            view.add_text(piece)
        assert view.source == ""
        assert view.text.startswith("Hello there")
        await pilot.pause(0.2)
        assert view.source == view.text
        assert view.content_size.height == GROW_LINES  # one line, and room for more
        view.add_text(" More.")
        view.finish("complete", view.text)  # the end shows everything at once
        assert view.source.endswith("More.")
        assert view.status == "complete"
        await pilot.pause()
        assert view.content_size.height == 1  # a finished reply leaves no room


async def test_code_is_drawn_plain_until_its_lexer_is_built_then_in_colour() -> None:
    """The first frame never waits for a lexer (tens of ms for Pygments to build)."""
    language = "prolog"  # built by no other test: this process has not built it yet
    assert not lexers.is_built(language)
    code = "parent(tom, bob).\nancestor(X, Y) :- parent(X, Y)."
    app = ReplyApp(f"Facts:\n\n```{language}\n{code}\n```\n")
    async with app.run_test(size=(60, 12)) as pilot:
        first_frame = painted(app)
        assert not lexers.is_built(language)  # the first frame did not build it
        await pilot.pause()
        await pilot.pause()
        assert lexers.is_built(language)  # built once that frame was on screen
        coloured = painted(app)
    row = next(row for row, line in enumerate(coloured) if "parent(tom" in line.text)
    assert coloured[row].text == first_frame[row].text  # the same lines, in the same place
    styles_before = {segment.style for segment in first_frame[row]}
    assert len({segment.style for segment in coloured[row]}) > len(styles_before)
