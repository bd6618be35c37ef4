"""One prompt on one session, start to finish: the building block of `ask`.

`run_prompt` neither prints nor exits, so a command that asks several models the same
question can run one `run_prompt` per session under `asyncio.gather` and compare the
`ReplyOutcome`s (text, status, tokens, timing) afterwards.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from copilot_tui.core.client import CopilotClient
from copilot_tui.core.errors import SessionEventError, SessionNotFoundError
from copilot_tui.core.events import (
    AssistantMessageDeltaEvent,
    AssistantMessageEvent,
    AssistantUsageEvent,
    SessionErrorEvent,
    SessionEvent,
)
from copilot_tui.core.session import CopilotSession

TextSink = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class ReplyOutcome:
    """How one prompt ended: the final reply (None if none started), usage, error, timing."""

    message: AssistantMessageEvent | None
    usage: AssistantUsageEvent | None
    error: SessionErrorEvent | None
    elapsed_s: float  # from sending the prompt to the end of the turn, queueing included

    @property
    def text(self) -> str:
        return "" if self.message is None else self.message.content

    @property
    def succeeded(self) -> bool:
        return self.error is None and self.message is not None and self.message.status == "complete"


class _TurnRecorder:
    """Collects one turn's events; streams each delta's text to a sink as it arrives."""

    def __init__(self, on_text: TextSink | None) -> None:
        self._on_text = on_text
        self.message: AssistantMessageEvent | None = None
        self.usage: AssistantUsageEvent | None = None
        self.error: SessionErrorEvent | None = None

    def __call__(self, event: SessionEvent) -> None:
        match event:
            case AssistantMessageDeltaEvent() if self._on_text is not None:
                self._on_text(event.delta_content)
            case AssistantMessageEvent() if event.status != "streaming":
                self.message = event
            case AssistantUsageEvent():
                self.usage = event
            case SessionErrorEvent():
                self.error = event


async def run_prompt(
    session: CopilotSession, prompt: str, on_text: TextSink | None = None
) -> ReplyOutcome:
    """Send `prompt` and wait for its whole reply, passing each piece of text to `on_text`.

    The session must run nothing else meanwhile (its events are attributed to this turn).
    A failed turn is not raised: it is the outcome's `error`. If the caller is cancelled
    (Ctrl+C), the turn is aborted first — its partial reply stays stored, marked aborted.
    """
    recorder = _TurnRecorder(on_text)
    unsubscribe = session.on(recorder)
    started = time.monotonic()
    try:
        await session.send_and_wait(prompt, timeout=None)
    except SessionEventError:
        pass  # the recorder holds the session.error event itself
    except asyncio.CancelledError:
        await session.abort()
        raise
    finally:
        unsubscribe()
    elapsed = time.monotonic() - started
    return ReplyOutcome(recorder.message, recorder.usage, recorder.error, elapsed)


async def open_session(
    client: CopilotClient, session_id: str | None, model: str | None
) -> CopilotSession:
    """Resume `session_id` (switching to `model` if given), create it with that id if it is
    not stored, or create a new session when `session_id` is None."""
    if session_id is None:
        return await client.create_session(model=model)
    try:
        session = await client.resume_session(session_id)
    except SessionNotFoundError:
        return await client.create_session(model=model, session_id=session_id)
    if model is not None:
        await session.set_model(model)
    return session
