"""SessionBrowser: the picker's query, session list and status; it reads the sessions,
filters them by title or id, or searches their message text."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Sequence
from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label

from copilot_tui.core.client import CopilotClient
from copilot_tui.core.errors import CopilotError
from copilot_tui.screens.picker_rows import (
    PickerRow,
    RowChange,
    change_rows,
    filter_rows,
    row_for,
    rows_for_hits,
)
from copilot_tui.screens.session_list import SessionList

FILTER_PLACEHOLDER = "Filter titles and ids"
SEARCH_PLACEHOLDER = "Search message text"
SEARCH_DELAY = 0.15  # seconds of no typing before a text search runs
SEARCH_LIMIT = 200  # matching messages asked for; rows are one per session


class SessionBrowser(Vertical):
    """Query, list and status line; the screen above handles the keys."""

    DEFAULT_CSS = """
    SessionBrowser {
        height: 1fr;
    }
    SessionBrowser #picker-top {
        height: 3;
    }
    SessionBrowser #picker-mode {
        width: 10;
        height: 3;
        content-align: center middle;
        background: $primary-muted;
        color: $text-primary;
        text-style: bold;
    }
    SessionBrowser #picker-mode.-search {
        background: $accent-muted;
        color: $text-accent;
    }
    SessionBrowser #picker-query {
        width: 1fr;
    }
    SessionBrowser #picker-error {
        color: $text-error;
        display: none;
    }
    SessionBrowser #picker-error.-shown {
        display: block;
    }
    SessionBrowser #picker-status {
        color: $text-muted;
    }
    """

    def __init__(
        self,
        client: CopilotClient,
        *,
        open_ids: Collection[str],
        now: Callable[[], datetime],
    ) -> None:
        super().__init__()
        self._client = client
        self._open_ids = frozenset(open_ids)
        self._now = now
        self._all: list[PickerRow] = []
        self._loaded = False
        self.searching = False  # set through toggle_mode()

    def compose(self) -> ComposeResult:
        with Horizontal(id="picker-top"):
            yield Label("Filter", id="picker-mode")
            yield Input(placeholder=FILTER_PLACEHOLDER, id="picker-query")
        yield Label("", id="picker-error", markup=False)
        yield SessionList(now=self._now, open_ids=self._open_ids, id="picker-list")
        yield Label("Loading sessions…", id="picker-status", markup=False)

    def on_mount(self) -> None:
        """Read the sessions in the background; the list shows a spinner meanwhile."""
        self.session_list.loading = True
        self._load()

    @property
    def session_list(self) -> SessionList:
        return self.query_one(SessionList)

    @property
    def query_input(self) -> Input:
        return self.query_one("#picker-query", Input)

    def show_error(self, message: str) -> None:
        """Show one line of trouble above the list (an empty message hides it)."""
        error = self.query_one("#picker-error", Label)
        error.update(message)
        error.set_class(bool(message), "-shown")

    def _show_status(self, text: str) -> None:
        self.query_one("#picker-status", Label).update(text)

    def toggle_mode(self) -> None:
        """Switch between filtering titles and ids and searching message text."""
        self.searching = not self.searching
        self.workers.cancel_group(self, "picker-search")
        self.show_error("")
        mode = self.query_one("#picker-mode", Label)
        mode.update("Search" if self.searching else "Filter")
        mode.set_class(self.searching, "-search")
        self.query_input.placeholder = SEARCH_PLACEHOLDER if self.searching else FILTER_PLACEHOLDER
        self._update_rows()

    def change_row(self, session_id: str, change: RowChange) -> None:
        """Replace a session's row (or drop it, when `change` gives None) everywhere."""
        self._all = change_rows(self._all, session_id, change)
        session_list = self.session_list
        shown = change_rows(session_list.rows, session_id, change)
        session_list.show(shown, highlight=session_list.highlighted or 0)
        if self.searching:
            self._show_found_status(len(shown))
        else:
            self._show_filter_status(len(shown))

    # -- loading and filtering ----------------------------------------------------------------

    @work(exclusive=True, group="picker-load")
    async def _load(self) -> None:
        """List every stored session."""
        try:
            sessions = await self._client.list_sessions()
        except CopilotError as error:
            self.show_error(error.message)
            self._show_status("")
        else:
            self._all = [row_for(meta) for meta in sessions]
            self._loaded = True
            self._update_rows()
        finally:
            self.session_list.loading = False

    @on(Input.Changed, "#picker-query")
    def _query_changed(self) -> None:
        """Narrow the list on every keystroke."""
        self._update_rows()

    def _update_rows(self) -> None:
        if not self._loaded:
            return
        if self.searching:
            self._start_search(self.query_input.value)
        else:
            self._show_filtered(self.query_input.value)

    def _show_filtered(self, text: str) -> None:
        rows = filter_rows(self._all, text)
        session_list = self.session_list
        session_list.empty_text = (
            f"No session title or id contains “{text.strip()}”" if self._all else "No sessions yet"
        )
        session_list.show(rows)
        self._show_filter_status(len(rows))

    def _show_filter_status(self, shown: int) -> None:
        total = len(self._all)
        count = f"{shown:,} of {total:,}" if shown < total else f"All {total:,}"
        self._show_status(f"{count} sessions{self._open_legend()}")

    def _open_legend(self) -> str:
        return " · ● open in a tab" if self._open_ids else ""

    # -- searching ------------------------------------------------------------------------------

    def _start_search(self, text: str) -> None:
        if not text.strip():
            self.workers.cancel_group(self, "picker-search")
            self.session_list.empty_text = "Type words found in the messages"
            self.session_list.show([])
            self._show_status("")
            return
        self._show_status("Searching…")
        self._search(text)

    @work(exclusive=True, group="picker-search")
    async def _search(self, text: str) -> None:
        """Search the message text once typing pauses (a newer keystroke cancels this)."""
        await asyncio.sleep(SEARCH_DELAY)
        try:
            hits = await self._client.search_messages(text, limit=SEARCH_LIMIT)
        except CopilotError as error:
            self.show_error(error.message)
            self._show_status("")
            return
        if self.searching and text == self.query_input.value:
            self._show_found(text, rows_for_hits(hits, {r.session_id: r for r in self._all}))

    def _show_found(self, text: str, rows: Sequence[PickerRow]) -> None:
        session_list = self.session_list
        session_list.empty_text = f"No message contains “{text.strip()}”"
        session_list.show(rows)
        self._show_found_status(len(rows))

    def _show_found_status(self, found: int) -> None:
        count = "1 session" if found == 1 else f"{found:,} sessions"
        self._show_status(f"{count} with matching messages{self._open_legend()}")
