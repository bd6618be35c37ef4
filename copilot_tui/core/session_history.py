"""A live session's history in memory, in the same order the store keeps it."""

from __future__ import annotations

from collections.abc import Generator, Iterable
from typing import Any

from copilot_tui.core.events import (
    PERSISTED_TYPES,
    AssistantMessageEvent,
    AssistantTurnStartEvent,
    SessionEvent,
)


class EventList(list[SessionEvent]):
    """A list of events that may also be awaited, like the SDK's `await get_messages()`."""

    def __await__(self) -> Generator[Any, None, EventList]:
        return self
        yield  # pragma: no cover - makes this a generator


class SessionHistory:
    """The persisted events of one session.

    A reply takes its place when its turn starts (as the store's row does), so a prompt
    queued meanwhile comes after it; the finished reply replaces that placeholder.
    """

    def __init__(self, events: Iterable[SessionEvent]) -> None:
        self._events = list(events)

    def record(self, event: SessionEvent) -> None:
        if isinstance(event, AssistantTurnStartEvent):
            self._events.append(_streaming_placeholder(event))
        elif isinstance(event, AssistantMessageEvent):
            self._replace_reply(event)
        elif event.type in PERSISTED_TYPES:
            self._events.append(event)

    def events(self) -> EventList:
        return EventList(self._events)

    def reply(self, message_id: str) -> AssistantMessageEvent | None:
        for event in reversed(self._events):
            if isinstance(event, AssistantMessageEvent) and event.message_id == message_id:
                return event
        return None

    def _replace_reply(self, reply: AssistantMessageEvent) -> None:
        for index in range(len(self._events) - 1, -1, -1):
            if self._events[index].id == reply.id:
                self._events[index] = reply
                return
        self._events.append(reply)


def _streaming_placeholder(start: AssistantTurnStartEvent) -> AssistantMessageEvent:
    return AssistantMessageEvent(
        session_id=start.session_id,
        id=start.message_id,
        message_id=start.message_id,
        reply_to=start.reply_to,
        model=start.model,
        content="",
        status="streaming",
        timestamp=start.timestamp,
    )
