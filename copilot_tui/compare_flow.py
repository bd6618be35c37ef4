"""The app's A/B flow: broadcast from the dialog, then the compare view."""

from __future__ import annotations

from typing import TYPE_CHECKING

from copilot_tui.core.compare import broadcast
from copilot_tui.core.errors import CopilotError
from copilot_tui.core.session import CopilotSession

if TYPE_CHECKING:
    from copilot_tui.app import CopilotApp
    from copilot_tui.screens.broadcast import BroadcastRequest

NOTHING_TO_COMPARE = "nothing to compare yet: Ctrl+B sends one prompt to several sessions"


async def start_broadcast(app: CopilotApp, request: BroadcastRequest) -> None:
    """Open a session per requested model, send the prompt to every target, compare."""
    client = app.client
    try:
        sessions = [await client.resume_session(sid) for sid in request.session_ids]
        for model in request.models:
            session = await client.create_session(model=model)
            await app.tabs.add_session(session, demo=client.is_demo, activate=False)
            sessions.append(session)
        run = await broadcast(sessions, request.prompt)
    except CopilotError as error:
        app.notify(error.message, severity="error", title="Not sent")
        return
    app.last_compare = (run, tuple(s.session_id for s in sessions))
    await app.save_state()
    show_compare(app, sessions, run)


async def open_compare(app: CopilotApp) -> None:
    """The last compare run; without one, the latest replies of the open tabs."""
    compare_id: str | None = None
    sessions = [pane.session for pane in app.tabs.panes]
    if app.last_compare is not None:
        compare_id, session_ids = app.last_compare
        sessions = await _still_stored(app, session_ids)
    if len(sessions) < 2:
        app.notify(NOTHING_TO_COMPARE, severity="warning")
        return
    show_compare(app, sessions, compare_id)


async def _still_stored(app: CopilotApp, session_ids: tuple[str, ...]) -> list[CopilotSession]:
    sessions: list[CopilotSession] = []
    for session_id in session_ids:
        try:
            sessions.append(await app.client.resume_session(session_id))
        except CopilotError:
            app.notify(f"session {session_id} of the compare run is gone", severity="warning")
    return sessions


def show_compare(app: CopilotApp, sessions: list[CopilotSession], compare_id: str | None) -> None:
    from copilot_tui.screens.compare import CompareScreen

    app.push_screen(CompareScreen(sessions, compare_id), app.open_compared_session)
