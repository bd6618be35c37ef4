"""Building blocks for app tests: seeded stores, saved tab state, waiting on the app."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.pilot import Pilot

from copilot_tui.app import CopilotApp
from copilot_tui.core.client import CopilotClient
from copilot_tui.core.config import Config
from copilot_tui.core.events import (
    AssistantMessageEvent,
    AssistantUsageEvent,
    SessionErrorEvent,
    UserMessageEvent,
)
from copilot_tui.core.store import SessionStore
from copilot_tui.ui_state import UiState, save_ui_state
from copilot_tui.widgets.messages import AssistantMessage
from copilot_tui.widgets.session_pane import SessionPane

FIXED_TIME = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def seed_session(
    config: Config,
    session_id: str,
    *,
    title: str,
    model: str = "test-model",
    turns: Sequence[tuple[str, str]] = (),
    error: str | None = None,
    compare_id: str | None = None,
    winner: bool = False,
) -> None:
    """Store a session with fixed ids and times, as an earlier run would have left it."""
    assert config.data_dir is not None
    store = SessionStore(config.data_dir / "sessions.db")
    store.create_session(session_id, model=model, title=title, created=FIXED_TIME)
    for number, (prompt, reply) in enumerate(turns):
        when = FIXED_TIME + timedelta(minutes=number)
        asked = UserMessageEvent(
            session_id=session_id,
            id=f"{session_id}-u{number}",
            timestamp=when,
            content=prompt,
            compare_id=compare_id,
        )
        answer_id = f"{session_id}-a{number}"
        store.append_event(asked)
        store.upsert_message(
            AssistantMessageEvent(
                session_id=session_id,
                id=answer_id,
                message_id=answer_id,
                reply_to=asked.id,
                model=model,
                content=reply,
                timestamp=when,
                ttft_s=0.25,
                duration_s=1.25,
                winner=winner,
            )
        )
        store.append_event(
            AssistantUsageEvent(
                session_id=session_id,
                id=f"{answer_id}-usage",
                message_id=answer_id,
                model=model,
                input_tokens=12,
                output_tokens=40,
                timestamp=when,
            )
        )
    if error is not None:
        store.append_event(
            SessionErrorEvent(
                session_id=session_id,
                id=f"{session_id}-e",
                error_type="server",
                message=error,
                status_code=500,
                timestamp=FIXED_TIME,
            )
        )
    store.close()


def seed_three(config: Config, *, answered: bool) -> None:
    """Sessions alpha, beta and gamma ("alpha chat"...), each with one turn if `answered`."""
    for name in ("alpha", "beta", "gamma"):
        turns = [(f"{name}?", f"{name}!")] if answered else []
        seed_session(config, name, title=f"{name} chat", turns=turns)


def save_tabs(
    path: Path,
    open_sessions: list[str],
    active: str | None = None,
    last_compare: tuple[str, tuple[str, ...]] | None = None,
) -> None:
    state = UiState(open_sessions=open_sessions, active=active, last_compare=last_compare)
    save_ui_state(state, path)


def make_app(config: Config, state_file: Path, **options: str) -> CopilotApp:
    return CopilotApp(CopilotClient(config, environ={}), state_file=state_file, **options)


async def wait_until(
    pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 10
) -> None:
    # A plain sleep, not pilot.pause(): that forces a full screen update on every poll.
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the app did not get there in time"
        await asyncio.sleep(0.02)


async def restored(pilot: Pilot[None]) -> CopilotApp:
    app = pilot.app
    assert isinstance(app, CopilotApp)
    await wait_until(pilot, lambda: app._restored)
    await pilot.pause()
    return app


def reply_texts(pane: SessionPane) -> list[str]:
    """The Markdown source each reply view in the pane shows."""
    return [view.source for view in pane.query(AssistantMessage)]


def active(app: CopilotApp) -> SessionPane:
    pane = app.tabs.active_session_pane
    assert pane is not None, "no active tab"
    return pane
