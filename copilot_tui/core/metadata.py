"""Plain records the client returns: stored-session metadata and model names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from copilot_tui.core.events import SessionEvent

# The SDK's recipe reads camelCase keys (`info["sessionId"]`); both spellings work.
_KEY_ALIASES = {
    "sessionId": "session_id",
    "startTime": "start_time",
    "modifiedTime": "modified_time",
    "messageCount": "message_count",
}


@dataclass(frozen=True, slots=True)
class SessionMetadata:
    """One stored session as `list_sessions()` reports it."""

    session_id: str
    title: str
    model: str
    start_time: datetime
    modified_time: datetime
    message_count: int

    @property
    def summary(self) -> str:
        """The SDK's name for the title."""
        return self.title

    def __getitem__(self, key: str) -> Any:
        name = _KEY_ALIASES.get(key, key)
        if name not in _FIELD_NAMES:
            raise KeyError(key)
        return getattr(self, name)

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def keys(self) -> tuple[str, ...]:
        return _FIELD_NAMES


_FIELD_NAMES = (*SessionMetadata.__dataclass_fields__, "summary")


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """A model a provider offers. `id` is what `create_session(model=...)` takes."""

    id: str
    provider: str
    name: str


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """A stored session read whole: what an export needs."""

    metadata: SessionMetadata
    system_message: str | None
    events: list[SessionEvent]
