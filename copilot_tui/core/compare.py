"""A/B runs: one prompt broadcast to several sessions, and each session's part of it."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from copilot_tui.core.events import (
    AssistantMessageEvent,
    SessionErrorEvent,
    SessionEvent,
    UserMessageEvent,
)
from copilot_tui.core.figures import ReplyFigures, figures_from, usage_of
from copilot_tui.core.session import CopilotSession


def new_compare_id() -> str:
    return uuid.uuid4().hex[:12]


@dataclass(frozen=True, slots=True)
class CompareEntry:
    """One session's turn of a compare run, as its history stands now."""

    session_id: str
    model: str
    prompt: UserMessageEvent | None
    reply: AssistantMessageEvent | None
    error: SessionErrorEvent | None
    figures: ReplyFigures | None

    @property
    def streaming(self) -> bool:
        return self.reply is not None and self.reply.status == "streaming"


def compare_entry(
    session_id: str, model: str, events: Sequence[SessionEvent], compare_id: str | None
) -> CompareEntry:
    """The turn of `compare_id` in a history (its latest prompt when `compare_id` is None)."""
    prompts = [e for e in events if isinstance(e, UserMessageEvent)]
    if compare_id is not None:
        prompts = [p for p in prompts if p.compare_id == compare_id]
    prompt = prompts[-1] if prompts else None
    reply = _reply_to(events, prompt)
    error = _error_for(events, reply)
    figures = None
    if reply is not None and reply.status != "streaming":
        figures = figures_from(reply, usage_of(events, reply.message_id))
    return CompareEntry(session_id, reply.model if reply else model, prompt, reply, error, figures)


def entry_of(session: CopilotSession, compare_id: str | None) -> CompareEntry:
    return compare_entry(session.session_id, session.model, session.get_events(), compare_id)


def _reply_to(
    events: Sequence[SessionEvent], prompt: UserMessageEvent | None
) -> AssistantMessageEvent | None:
    if prompt is None:
        return None
    replies = [e for e in events if isinstance(e, AssistantMessageEvent)]
    return next((r for r in reversed(replies) if r.reply_to == prompt.id), None)


def _error_for(
    events: Sequence[SessionEvent], reply: AssistantMessageEvent | None
) -> SessionErrorEvent | None:
    if reply is None:
        return None
    errors = [e for e in events if isinstance(e, SessionErrorEvent)]
    return next((e for e in errors if e.message_id == reply.message_id), None)


async def broadcast(
    sessions: Sequence[CopilotSession], prompt: str, *, compare_id: str | None = None
) -> str:
    """Send `prompt` to every session as its own next turn; they all stream at once.

    Returns the compare id shared by the prompts (new unless given).
    """
    run = compare_id or new_compare_id()
    await asyncio.gather(*(session.send(prompt, compare_id=run) for session in sessions))
    return run


async def mark_winner(
    sessions: Sequence[CopilotSession], compare_id: str, winner: CopilotSession | None
) -> None:
    """Mark `winner`'s reply of the run as the best and clear the mark on the others."""
    for session in sessions:
        reply = entry_of(session, compare_id).reply
        if reply is not None and reply.status != "streaming":
            wanted = session is winner
            if reply.winner != wanted:
                await session.set_winner(reply.message_id, wanted)
