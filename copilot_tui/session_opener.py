"""Which tabs the app opens at start: the last run's, plus `--session` / `--model`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from copilot_tui.core.client import CopilotClient
from copilot_tui.core.errors import CopilotError, SessionNotFoundError
from copilot_tui.core.session import CopilotSession
from copilot_tui.ui_state import UiState

if TYPE_CHECKING:
    from copilot_tui.app import CopilotApp


async def open_or_create(
    client: CopilotClient, session_id: str, model: str | None
) -> CopilotSession:
    """The session with that id (switched to `model` if given), created if it is new."""
    try:
        session = await client.resume_session(session_id)
    except SessionNotFoundError:
        return await client.create_session(session_id=session_id, model=model)
    if model:
        await session.set_model(model)
    return session


async def open_initial_sessions(
    app: CopilotApp, state: UiState, *, session_id: str | None, model: str | None
) -> None:
    """Restore last run's tabs (same order, drafts), then open what was asked for.

    A first run, or a run whose tabs were all deleted elsewhere, gets one new session.
    """
    await _restore_tabs(app, state)
    client = app.client
    try:
        if session_id is not None:
            wanted = await open_or_create(client, session_id, model)
        elif model is not None or not app.tabs.panes:
            wanted = await client.create_session(model=model)
        else:
            wanted = None
    except CopilotError as error:
        app.notify(error.message, severity="error", title="Cannot open a session", timeout=15)
        wanted = None
    if wanted is not None:
        await app.tabs.add_session(wanted, demo=client.is_demo)
        return
    _activate_saved(app, state)


async def _restore_tabs(app: CopilotApp, state: UiState) -> None:
    missing: list[str] = []
    for session_id in state.open_sessions:
        try:
            session = await app.client.resume_session(session_id)
        except CopilotError:
            missing.append(session_id)
            continue
        draft = state.drafts.get(session_id, "")
        await app.tabs.add_session(session, demo=app.client.is_demo, draft=draft, activate=False)
    if missing:
        names = ", ".join(missing)
        app.notify(f"no longer stored (deleted elsewhere?): {names}", severity="warning")


def _activate_saved(app: CopilotApp, state: UiState) -> None:
    tabs = app.tabs
    pane = tabs.pane_for(state.active) if state.active else None
    panes = tabs.panes
    if pane is None and panes:
        pane = panes[-1]
    if pane is not None:
        tabs.activate(pane)
