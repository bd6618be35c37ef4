"""Session events: what a session reports to its handlers and what the store keeps.

Event names and fields follow the Copilot SDK. `event.type` compares equal to its
string ("assistant.message") and `event.data` is the event itself, so SDK code that
reads `event.data.content` works unchanged.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar, Literal, Self


class EventType(StrEnum):
    USER_MESSAGE = "user.message"
    ASSISTANT_TURN_START = "assistant.turn_start"
    ASSISTANT_MESSAGE_DELTA = "assistant.message_delta"
    ASSISTANT_MESSAGE = "assistant.message"
    ASSISTANT_USAGE = "assistant.usage"
    SESSION_IDLE = "session.idle"
    SESSION_ERROR = "session.error"
    SESSION_INFO = "session.info"
    SESSION_TITLE_CHANGED = "session.title_changed"


MessageStatus = Literal["streaming", "complete", "aborted", "error", "interrupted"]


def new_event_id() -> str:
    return uuid.uuid4().hex


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionEvent:
    """Fields every event has."""

    type: ClassVar[EventType]
    session_id: str
    id: str = field(default_factory=new_event_id)
    timestamp: datetime = field(default_factory=utc_now)

    @property
    def data(self) -> Self:
        """The event's payload; the event itself (SDK compatibility)."""
        return self


@dataclass(frozen=True, slots=True, kw_only=True)
class UserMessageEvent(SessionEvent):
    """A prompt; `compare_id` is shared by the prompts of one broadcast (A/B run)."""

    type: ClassVar[EventType] = EventType.USER_MESSAGE
    content: str
    compare_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AssistantTurnStartEvent(SessionEvent):
    type: ClassVar[EventType] = EventType.ASSISTANT_TURN_START
    message_id: str
    reply_to: str
    model: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AssistantMessageDeltaEvent(SessionEvent):
    type: ClassVar[EventType] = EventType.ASSISTANT_MESSAGE_DELTA
    message_id: str
    delta_content: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AssistantMessageEvent(SessionEvent):
    """A whole reply; `id` equals `message_id`. `status` says how the turn ended."""

    type: ClassVar[EventType] = EventType.ASSISTANT_MESSAGE
    message_id: str
    reply_to: str
    model: str
    content: str
    status: MessageStatus = "complete"
    ttft_s: float | None = None
    duration_s: float | None = None
    winner: bool = False  # marked best of its compare run

    @property
    def aborted(self) -> bool:
        return self.status == "aborted"


@dataclass(frozen=True, slots=True, kw_only=True)
class AssistantUsageEvent(SessionEvent):
    type: ClassVar[EventType] = EventType.ASSISTANT_USAGE
    message_id: str
    model: str
    input_tokens: int
    output_tokens: int


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionIdleEvent(SessionEvent):
    type: ClassVar[EventType] = EventType.SESSION_IDLE
    aborted: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionErrorEvent(SessionEvent):
    type: ClassVar[EventType] = EventType.SESSION_ERROR
    error_type: str
    message: str
    status_code: int | None = None
    message_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionInfoEvent(SessionEvent):
    """Something worth telling the user that is not an error (e.g. a retry)."""

    type: ClassVar[EventType] = EventType.SESSION_INFO
    info_type: str
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionTitleChangedEvent(SessionEvent):
    type: ClassVar[EventType] = EventType.SESSION_TITLE_CHANGED
    title: str


EVENT_CLASSES: dict[str, type[SessionEvent]] = {
    cls.type: cls
    for cls in (
        UserMessageEvent,
        AssistantTurnStartEvent,
        AssistantMessageDeltaEvent,
        AssistantMessageEvent,
        AssistantUsageEvent,
        SessionIdleEvent,
        SessionErrorEvent,
        SessionInfoEvent,
        SessionTitleChangedEvent,
    )
}

# The history a session keeps; the rest only matter while a turn runs.
PERSISTED_TYPES = frozenset(
    {
        EventType.USER_MESSAGE,
        EventType.ASSISTANT_MESSAGE,
        EventType.ASSISTANT_USAGE,
        EventType.SESSION_ERROR,
    }
)

_COMMON_FIELDS = frozenset({"session_id", "id", "timestamp"})


def event_payload(event: SessionEvent) -> dict[str, Any]:
    """The event's own fields (not id, session or time), JSON-ready."""
    return {
        f.name: getattr(event, f.name)
        for f in dataclasses.fields(event)
        if f.name not in _COMMON_FIELDS
    }


def event_from_payload(
    event_type: str, payload: dict[str, Any], *, session_id: str, event_id: str, timestamp: datetime
) -> SessionEvent:
    """Rebuild an event from `event_payload` output; unknown fields are dropped."""
    cls = EVENT_CLASSES[event_type]
    known = {f.name for f in dataclasses.fields(cls)} - _COMMON_FIELDS
    kwargs = {k: v for k, v in payload.items() if k in known}
    return cls(session_id=session_id, id=event_id, timestamp=timestamp, **kwargs)
