"""Event handlers of one session: subscribe, unsubscribe and safe delivery."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable
from typing import Any

from copilot_tui.core.events import EventType, SessionEvent

logger = logging.getLogger(__name__)

EventHandler = Callable[[SessionEvent], Any]
Unsubscribe = Callable[[], None]


class EventDispatcher:
    """Delivers each event to the handlers subscribed to it, in subscription order.

    A handler that raises is logged and skipped: one broken handler must not stop the
    turn or the other handlers. A handler may be a coroutine function; its coroutine
    is run as a task so a slow handler never stalls the stream.
    """

    def __init__(self) -> None:
        self._handlers: list[tuple[str | None, EventHandler]] = []
        self._tasks: set[asyncio.Task[Any]] = set()

    def subscribe(self, event_type: str | None, handler: EventHandler) -> Unsubscribe:
        if event_type is not None and event_type not in EventType._value2member_map_:
            known = ", ".join(EventType)
            raise ValueError(f"unknown event type {event_type!r}; known: {known}")
        entry = (event_type, handler)
        self._handlers.append(entry)

        def unsubscribe() -> None:
            if entry in self._handlers:
                self._handlers.remove(entry)

        return unsubscribe

    def emit(self, event: SessionEvent) -> None:
        for wanted, handler in tuple(self._handlers):
            if wanted is None or wanted == event.type:
                self._call(handler, event)

    def _call(self, handler: EventHandler, event: SessionEvent) -> None:
        try:
            result = handler(event)
            if inspect.isawaitable(result):
                task = asyncio.ensure_future(result)
                self._tasks.add(task)
                task.add_done_callback(self._task_done)
        except Exception:
            logger.exception("event handler %r failed on %s", handler, event.type)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("event handler failed", exc_info=task.exception())

    def clear(self) -> None:
        self._handlers.clear()
