"""SessionPicker: every stored session, filtered or searched as you type.

Keys (the cursor stays in the query Input throughout):
- Up/Down/PageUp/PageDown/Home/End move the highlight; Ctrl+A / Ctrl+E still move
  the text cursor to the start / end of the query.
- Delete deletes the highlighted session (after asking) when the text cursor is at the
  end of the query, which is where typing leaves it; with text right of the cursor
  (or a selection) it deletes text as in any field. Ctrl+D always deletes text.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input

from copilot_tui.core.client import CopilotClient
from copilot_tui.core.errors import CopilotError, SessionNotFoundError
from copilot_tui.screens.dialog import Dialog
from copilot_tui.screens.dialogs import ConfirmScreen, RenameScreen
from copilot_tui.screens.picker_rows import PickerRow
from copilot_tui.screens.session_browser import SessionBrowser
from copilot_tui.screens.session_list import SessionList

_HINTS = "Enter open · Del delete · F2 rename · Tab {other} · Esc close"


def _local_now() -> datetime:
    """Now, in the local timezone, so "yesterday" follows the user's calendar."""
    return datetime.now().astimezone()


class SessionPicker(Dialog[str | None]):
    """Every stored session; returns the id to open, or None."""

    class Deleted(Message):
        """A session was deleted from the picker (its tab, if any, should close)."""

        def __init__(self, session_id: str) -> None:
            super().__init__()
            self.session_id = session_id

    class Renamed(Message):
        """A session was renamed from the picker."""

        def __init__(self, session_id: str, title: str) -> None:
            super().__init__()
            self.session_id = session_id
            self.title = title

    DEFAULT_CSS = """
    SessionPicker > #picker-dialog {
        width: 96%;
        max-width: 120;
        height: 92%;
        max-height: 92%;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", show=False),
        # Priority: the query Input would otherwise take Home, End, Delete and Tab.
        Binding("up", "move(-1)", show=False, priority=True),
        Binding("down", "move(1)", show=False, priority=True),
        Binding("pageup", "page(-1)", show=False, priority=True),
        Binding("pagedown", "page(1)", show=False, priority=True),
        Binding("home", "move_to_end(False)", show=False, priority=True),
        Binding("end", "move_to_end(True)", show=False, priority=True),
        Binding("tab", "toggle_mode", show=False, priority=True),
        Binding("delete", "delete_session", show=False, priority=True),
        Binding("f2", "rename_session", show=False, priority=True),
    ]

    def __init__(
        self,
        client: CopilotClient,
        *,
        open_session_ids: Collection[str] = (),
        now: Callable[[], datetime] = _local_now,
    ) -> None:
        super().__init__()
        self._client = client
        self._browser = SessionBrowser(client, open_ids=open_session_ids, now=now)
        self._now = now

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-dialog", classes="dialog") as dialog:
            dialog.border_title = "Sessions"
            dialog.border_subtitle = _HINTS.format(other="search text")
            yield self._browser

    @property
    def _session_list(self) -> SessionList:
        return self._browser.session_list

    # -- moving and choosing ------------------------------------------------------------------

    def action_move(self, rows: int) -> None:
        """Move the highlight up or down."""
        self._session_list.move(rows)

    def action_page(self, pages: int) -> None:
        """Move the highlight a screenful."""
        self._session_list.move(pages * self._session_list.page_rows)

    def action_move_to_end(self, last: bool) -> None:
        """Highlight the first or the last row."""
        session_list = self._session_list
        session_list.highlight(len(session_list.rows) - 1 if last else 0)

    def action_toggle_mode(self) -> None:
        """Switch between filtering titles and ids and searching message text."""
        self._browser.toggle_mode()
        other = "filter titles" if self._browser.searching else "search text"
        self.query_one("#picker-dialog").border_subtitle = _HINTS.format(other=other)

    @on(Input.Submitted, "#picker-query")
    def _submitted(self, event: Input.Submitted) -> None:
        """Open the highlighted session."""
        event.stop()
        row = self._session_list.highlighted_row
        if row is None:
            self.app.bell()
        else:
            self.dismiss(row.session_id)

    @on(SessionList.Chosen)
    def _chosen(self, event: SessionList.Chosen) -> None:
        """Open a double-clicked session."""
        self.dismiss(event.session_id)

    def action_close(self) -> None:
        """Close without opening anything."""
        self.dismiss(None)

    # -- deleting and renaming ----------------------------------------------------------------

    def action_delete_session(self) -> None:
        """Ask, then delete the highlighted session (or delete text; see the module doc)."""
        query = self._browser.query_input
        if query.cursor_position < len(query.value) or not query.selection.is_empty:
            query.action_delete_right()
            return
        row = self._session_list.highlighted_row
        if row is None:
            self.app.bell()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(row)

        self.app.push_screen(ConfirmScreen(_delete_question(row)), answered)

    def action_rename_session(self) -> None:
        """Ask for a new title for the highlighted session."""
        row = self._session_list.highlighted_row
        if row is None:
            self.app.bell()
            return

        def answered(title: str | None) -> None:
            if title is not None and title != row.title:
                self._rename(row.session_id, title)

        self.app.push_screen(RenameScreen(row.title), answered)

    @work(group="picker-change")
    async def _delete(self, row: PickerRow) -> None:
        """Delete a session for good and drop its row."""
        self._browser.show_error("")
        try:
            await self._client.delete_session(row.session_id)
        except SessionNotFoundError as error:
            self._browser.show_error(error.message)  # already gone: drop its row all the same
        except CopilotError as error:
            self._browser.show_error(error.message)
            return
        self._browser.change_row(row.session_id, lambda _: None)
        self.post_message(self.Deleted(row.session_id))

    @work(group="picker-change")
    async def _rename(self, session_id: str, title: str) -> None:
        """Rename a session and show the new title."""
        self._browser.show_error("")
        try:
            await self._client.rename_session(session_id, title)
        except CopilotError as error:
            self._browser.show_error(error.message)
            return
        when = self._now()
        self._browser.change_row(session_id, lambda row: row.renamed(title, when))
        self.post_message(self.Renamed(session_id, title))


def _delete_question(row: PickerRow) -> str:
    messages = "message" if row.message_count == 1 else "messages"
    return (
        f"Delete “{row.title or 'Untitled'}” ({row.session_id}) "
        f"and its {row.message_count} {messages} for good?"
    )
