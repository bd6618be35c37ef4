"""Which tabs the app opens at start: the last run's, plus `--session` / `--model`.

The tab the user will see opens first and takes the focus, so typing works from the
first frame; the other saved tabs fill in around it, in their saved order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from copilot_tui.core.client import CopilotClient
from copilot_tui.core.errors import CopilotError, SessionNotFoundError
from copilot_tui.core.session import CopilotSession
from copilot_tui.ui_state import UiState
from copilot_tui.widgets.session_pane import SessionPane

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
    """Open the first tab at once, then restore last run's tabs (order and drafts).

    A first run, or a run whose tabs were all deleted elsewhere, gets one new session.
    A tab that cannot be reopened (e.g. open in another copilot-tui) is left out, with a notice.
    """
    failed: dict[str, CopilotError] = {}
    first = await _open_first(app, state, session_id=session_id, model=model, failed=failed)
    if first is not None:
        await _restore_the_rest(app, state, first, failed)
    _report_failures(app, failed)


async def _restore_the_rest(
    app: CopilotApp, state: UiState, first: SessionPane, failed: dict[str, CopilotError]
) -> None:
    saved = state.open_sessions
    index = saved.index(first.session.session_id) if first.session.session_id in saved else None
    for position, saved_id in enumerate(saved):
        if position == index or saved_id in failed:
            continue
        # Tabs saved before the first one go before it; the rest after, in order.
        before = first if index is None or position < index else None
        await _restore(app, state, saved_id, failed, before=before)


def _report_failures(app: CopilotApp, failed: dict[str, CopilotError]) -> None:
    missing = [sid for sid, error in failed.items() if isinstance(error, SessionNotFoundError)]
    if missing:
        names = ", ".join(missing)
        app.notify(f"no longer stored (deleted elsewhere?): {names}", severity="warning")
    for error in failed.values():
        if not isinstance(error, SessionNotFoundError):
            app.notify(error.message, severity="error", title="Cannot reopen a tab", timeout=15)


async def _open_first(
    app: CopilotApp,
    state: UiState,
    *,
    session_id: str | None,
    model: str | None,
    failed: dict[str, CopilotError],
) -> SessionPane | None:
    """The tab shown at start: asked for, else last run's active one, else a new one."""
    if session_id is None and model is None:
        candidates = [state.active] if state.active in state.open_sessions else []
        for saved_id in dict.fromkeys([*candidates, *reversed(state.open_sessions)]):
            if (pane := await _restore(app, state, saved_id, failed, activate=True)) is not None:
                return pane
    try:
        if session_id is not None:
            wanted = await open_or_create(app.client, session_id, model)
        else:
            wanted = await app.client.create_session(model=model)
    except CopilotError as error:
        app.notify(error.message, severity="error", title="Cannot open a session", timeout=15)
        return None
    return await app.tabs.add_session(wanted, demo=app.client.is_demo)


async def _restore(
    app: CopilotApp,
    state: UiState,
    session_id: str,
    failed: dict[str, CopilotError],
    *,
    activate: bool = False,
    before: SessionPane | None = None,
) -> SessionPane | None:
    try:
        session = await app.client.resume_session(session_id)
    except CopilotError as error:  # reported once every tab has been tried
        failed[session_id] = error
        return None
    draft = state.drafts.get(session_id, "")
    tabs = app.tabs
    return await tabs.add_session(
        session, demo=app.client.is_demo, draft=draft, activate=activate, before=before
    )
