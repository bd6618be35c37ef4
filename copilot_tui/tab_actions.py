"""What Ctrl+Y, Ctrl+E and F2 do to the active tab: copy, export, rename."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from copilot_tui.core.errors import CopilotError
from copilot_tui.core.export import export_filename, export_markdown, write_export
from copilot_tui.widgets.session_pane import SessionPane

if TYPE_CHECKING:
    from copilot_tui.app import CopilotApp


def copy_last_reply(app: CopilotApp, pane: SessionPane) -> None:
    text = pane.last_reply_text()
    if text is None:
        app.notify("no reply to copy yet", severity="warning")
        return
    app.copy_to_clipboard(text)
    app.notify(f"copied the last reply ({len(text):,} characters)")


async def export_session(app: CopilotApp, pane: SessionPane) -> None:
    """Write the session as Markdown into the current directory."""
    try:
        record = await app.client.read_session(pane.session.session_id)
        path = Path.cwd() / export_filename(record, "md")
        await asyncio.to_thread(write_export, path, export_markdown(record))
    except (CopilotError, OSError) as error:
        app.notify(str(error), severity="error", title="Export failed")
        return
    app.notify(f"exported to {path}", title="Exported")


def rename_session(app: CopilotApp, pane: SessionPane) -> None:
    """Ask for a new title; the tab follows through the session's title event."""
    from copilot_tui.screens.dialogs import RenameScreen

    async def renamed(title: str | None) -> None:
        if title:
            try:
                await app.client.rename_session(pane.session.session_id, title)
            except CopilotError as error:
                app.notify(error.message, severity="error")

    app.push_screen(RenameScreen(pane.title), renamed)
