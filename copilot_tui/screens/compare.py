"""CompareScreen: the replies of a compare run side by side, streaming live."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import HorizontalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from copilot_tui.core.compare import mark_winner
from copilot_tui.core.errors import CopilotError
from copilot_tui.core.export import write_export
from copilot_tui.core.export_compare import compare_filename, export_compare_markdown
from copilot_tui.core.history import title_from_prompt
from copilot_tui.core.session import CopilotSession
from copilot_tui.keys import COMPARE_KEYS
from copilot_tui.safe_text import printable
from copilot_tui.widgets.compare_column import CompareColumn
from copilot_tui.widgets.frames import TICK_FRAMES, FrameClock
from copilot_tui.widgets.steady_footer import SteadyFooter

MIN_COLUMN = 28  # four columns fit 120 cells; more scroll sideways


class CompareScreen(Screen[str | None]):
    """One column per session (2-4 fit; more scroll sideways). Returns a session id to
    open as the active tab, or None."""

    class WinnerMarked(Message):
        """Winner marks changed for these sessions (their tabs redraw the marks)."""

        def __init__(self, session_ids: tuple[str, ...]) -> None:
            super().__init__()
            self.session_ids = session_ids

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(spec.keys, spec.action, spec.short, tooltip=spec.description)
        for spec in COMPARE_KEYS
    ]

    def __init__(self, sessions: Sequence[CopilotSession], compare_id: str | None) -> None:
        super().__init__()
        self._sessions = tuple(sessions)
        self._compare_id = compare_id
        self._frames = FrameClock(self)  # the columns' replies draw on it; heads tick on it

    def compose(self) -> ComposeResult:
        yield Static(id="compare-title")
        with HorizontalScroll(id="compare-columns"):
            for session in self._sessions:
                yield CompareColumn(session, self._compare_id, self._frames)
        yield SteadyFooter()

    def on_resize(self) -> None:
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Equal shares of the width, at least MIN_COLUMN cells (then they scroll)."""
        columns = self.columns
        if columns:
            share = max(MIN_COLUMN, self.size.width // len(columns))
            for column in columns:
                column.styles.width = share

    def on_mount(self) -> None:
        self._fit_columns()
        self.query_one("#compare-title", Static).update(self._title())
        columns = self.columns
        if columns:
            columns[0].focus()
        self._frames.request(self._tick, every=TICK_FRAMES)

    @property
    def columns(self) -> list[CompareColumn]:
        return list(self.query(CompareColumn))

    def _title(self) -> Content:
        prompts = [c.entry.prompt for c in self.columns if c.entry.prompt is not None]
        asked = title_from_prompt(prompts[0].content, 70) if prompts else "no prompt yet"
        what = f"Compare run {self._compare_id}" if self._compare_id else "Latest replies"
        return Content.assemble(
            (what, "bold"), f" · {len(self._sessions)} sessions · “", printable(asked), "”"
        )

    def _tick(self) -> None:
        for column in self.columns:
            if column.entry.streaming or column.entry.reply is None:
                column.refresh_head()
        self._frames.request(self._tick, every=TICK_FRAMES)

    def _focused_column(self) -> CompareColumn | None:
        focused = self.focused
        return focused if isinstance(focused, CompareColumn) else None

    def action_move(self, offset: int) -> None:
        columns = self.columns
        current = self._focused_column()
        if columns:
            index = columns.index(current) + offset if current in columns else 0
            target = columns[index % len(columns)]
            target.focus()
            target.scroll_visible()

    def action_open(self) -> None:
        if (column := self._focused_column()) is not None:
            self.dismiss(column.session.session_id)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_copy(self) -> None:
        column = self._focused_column()
        text = column.reply_text if column is not None else None
        if column is None or text is None:
            self.notify("no reply to copy in this column yet", severity="warning")
            return
        self.app.copy_to_clipboard(text)
        self.notify(f"copied the reply of {column.entry.model} ({len(text):,} characters)")

    async def action_winner(self) -> None:
        column = self._focused_column()
        if column is None or self._compare_id is None:
            self.notify("winners are marked in a compare run: Ctrl+B sends one", severity="warning")
            return
        reply = column.entry.reply
        if reply is None or reply.status == "streaming":
            self.notify("wait for this reply to finish before marking it", severity="warning")
            return
        winner = None if reply.winner else column.session
        try:
            await mark_winner(self._sessions, self._compare_id, winner)
        except CopilotError as error:
            self.notify(error.message, severity="error")
            return
        for each in self.columns:
            each.reload()
        self.post_message(self.WinnerMarked(tuple(s.session_id for s in self._sessions)))

    async def action_export(self) -> None:
        if self._compare_id is None:
            self.notify(
                "only a compare run exports as one file: Ctrl+B sends one", severity="warning"
            )
            return
        entries = [column.entry for column in self.columns]
        titles = {s.session_id: s.title for s in self._sessions}
        text = export_compare_markdown(self._compare_id, entries, titles)
        path = Path.cwd() / compare_filename(self._compare_id)
        try:
            await asyncio.to_thread(write_export, path, text)
        except OSError as error:
            self.notify(str(error), severity="error", title="Export failed")
            return
        self.notify(f"exported to {path}", title="Exported")
