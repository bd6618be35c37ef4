"""Small typed helpers the tests share."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from typing import TypeVar

from copilot_tui.core import AssistantMessageEvent, CopilotSession, SessionEvent

E = TypeVar("E", bound=SessionEvent)


def of_type(events: Iterable[SessionEvent], cls: type[E]) -> list[E]:
    return [event for event in events if isinstance(event, cls)]


def last_reply(session: CopilotSession) -> AssistantMessageEvent:
    return of_type(session.get_events(), AssistantMessageEvent)[-1]


def recorder(session: CopilotSession) -> list[SessionEvent]:
    """Every event the session emits from now on."""
    events: list[SessionEvent] = []
    session.on(events.append)
    return events


async def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)
