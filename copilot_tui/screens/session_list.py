"""SessionList: a virtual list of sessions that draws only the lines on screen.

An `OptionList` rebuilt with 10,000 options takes about a second, so filtering on
every keystroke needs a list that only swaps a Python list and redraws what shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from copilot_tui.relative_time import describe
from copilot_tui.screens.picker_rows import PickerRow

ROW_HEIGHT = 2  # the title line and the detail (or snippet) line
_SNIPPET_MARKS = re.compile("([«»])")


class SessionList(ScrollView, can_focus=False):
    """Sessions two lines each, one highlighted; focus stays with the picker's Input."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "session-list--cursor",
        "session-list--detail",
        "session-list--match",
        "session-list--open",
        "session-list--time",
        "session-list--untitled",
    }

    DEFAULT_CSS = """
    SessionList {
        height: 1fr;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
        background: $surface;
        & > .session-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .session-list--detail { color: $text-muted; }
        & > .session-list--time { color: $text-muted; }
        & > .session-list--match { color: $text-warning; text-style: bold underline; }
        & > .session-list--open { color: $text-success; text-style: bold; }
        & > .session-list--untitled { color: $text-muted; text-style: italic; }
    }
    """

    class Chosen(Message):
        """A row was double-clicked: open its session."""

        def __init__(self, session_id: str) -> None:
            super().__init__()
            self.session_id = session_id

    def __init__(
        self, *, now: Callable[[], datetime], open_ids: Collection[str], id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self._now = now
        self._open_ids = frozenset(open_ids)
        self._rows: Sequence[PickerRow] = ()
        self._highlighted: int | None = None
        self.empty_text = ""  # shown on the first line when there are no rows

    # -- what the screen asks -----------------------------------------------------------

    @property
    def rows(self) -> Sequence[PickerRow]:
        return self._rows

    @property
    def highlighted(self) -> int | None:
        return self._highlighted

    @property
    def highlighted_row(self) -> PickerRow | None:
        return None if self._highlighted is None else self._rows[self._highlighted]

    def show(self, rows: Sequence[PickerRow], *, highlight: int = 0) -> None:
        """Show `rows` (the list is kept, not copied) with row `highlight` highlighted."""
        self._rows = rows
        self.virtual_size = Size(0, len(rows) * ROW_HEIGHT)
        self._highlighted = None
        self.refresh()
        self.highlight(highlight)

    def highlight(self, index: int) -> None:
        """Highlight row `index` (clamped to the rows) and scroll it into view."""
        previous = self._highlighted
        self._highlighted = max(0, min(index, len(self._rows) - 1)) if self._rows else None
        for row in (previous, self._highlighted):
            if row is not None:
                self.refresh_lines(row * ROW_HEIGHT, ROW_HEIGHT)
        if self._highlighted is not None:
            self._scroll_to_row(self._highlighted)

    def move(self, rows: int) -> None:
        """Move the highlight by `rows` (negative: up)."""
        self.highlight((self._highlighted or 0) + rows)

    @property
    def page_rows(self) -> int:
        """How many rows fit on screen."""
        return max(1, (self.size.height - self.scrollbar_gutter.height) // ROW_HEIGHT)

    def _scroll_to_row(self, index: int) -> None:
        region = Region(0, index * ROW_HEIGHT, 1, ROW_HEIGHT)
        self.scroll_to_region(region, animate=False, force=True, immediate=True)

    # -- drawing --------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        """Draw line `y` of the visible area."""
        # From the layout size: the compositor's region can lag behind it mid-update.
        width = self.size.width - self.scrollbar_gutter.width
        index, part = divmod(int(self.scroll_offset.y) + y, ROW_HEIGHT)
        if index >= len(self._rows):
            return self._blank_line(width, first=index == 0 and part == 0)
        row = self._rows[index]
        text = self._title_line(row, width) if part == 0 else self._detail_line(row, width)
        if index == self._highlighted:
            cursor = self.get_component_rich_style("session-list--cursor")
            text.style = cursor
            text.stylize(cursor)  # over the parts' colours; their italic or underline stays
        else:
            text.style = self.rich_style
        return Strip(text.render(self.app.console), width)

    def _blank_line(self, width: int, *, first: bool) -> Strip:
        if not (first and self.empty_text):
            return Strip.blank(width, self.rich_style)
        text = Text.assemble(" ", (self.empty_text, self._style("session-list--detail")))
        text.truncate(width, overflow="ellipsis", pad=True)
        text.style = self.rich_style
        return Strip(text.render(self.app.console), width)

    def _style(self, component: str) -> Style:
        # Whole styles: a partial one would lose the alpha of colours like $text-muted.
        return self.get_component_rich_style(component)

    def _title_line(self, row: PickerRow, width: int) -> Text:
        is_open = row.session_id in self._open_ids
        left = Text.assemble(" ", ("● " if is_open else "  ", self._style("session-list--open")))
        if row.title:
            left.append(row.title)
        else:
            left.append("Untitled", self._style("session-list--untitled"))
        when = f" {describe(row.modified, self._now())} "
        left.truncate(max(0, width - len(when)), overflow="ellipsis", pad=True)
        left.append(when, self._style("session-list--time"))
        return left

    def _detail_line(self, row: PickerRow, width: int) -> Text:
        detail = self._style("session-list--detail")
        line = Text("    ")
        if row.snippet:
            self._append_snippet(line, row.snippet, detail)
        else:
            messages = "message" if row.message_count == 1 else "messages"
            model = f" · {row.model}" if row.model else ""
            line.append(f"{row.session_id}{model} · {row.message_count} {messages}", detail)
        line.truncate(width, overflow="ellipsis", pad=True)
        return line

    def _append_snippet(self, line: Text, snippet: str, plain: Style) -> None:
        match = self._style("session-list--match")
        inside = False
        for part in _SNIPPET_MARKS.split(snippet):
            if part in ("«", "»"):
                inside = part == "«"
            elif part:
                line.append(part, match if inside else plain)

    # -- mouse ----------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        """Highlight the clicked row; a double click opens it."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = (offset.y + int(self.scroll_offset.y)) // ROW_HEIGHT
        if index >= len(self._rows):
            return
        self.highlight(index)
        if event.chain >= 2:
            self.post_message(self.Chosen(self._rows[index].session_id))
