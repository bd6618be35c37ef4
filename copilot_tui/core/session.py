"""CopilotSession: one conversation with its own model, history and event handlers."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import replace
from typing import Any

from copilot_tui.core.dispatch import EventDispatcher, EventHandler, Unsubscribe
from copilot_tui.core.errors import InvalidArgumentError, SessionClosedError, SessionEventError
from copilot_tui.core.events import (
    AssistantMessageEvent,
    SessionEvent,
    SessionIdleEvent,
    SessionTitleChangedEvent,
    UserMessageEvent,
)
from copilot_tui.core.history import build_messages, title_from_prompt
from copilot_tui.core.inputs import Prompt, checked_model, prompt_text
from copilot_tui.core.session_history import EventList, SessionHistory
from copilot_tui.core.session_lock import SessionLock
from copilot_tui.core.turn import Turn, TurnPlan, TurnResult, TurnServices, failed_turn, run_turn

logger = logging.getLogger(__name__)


class CopilotSession:
    """One conversation. Turns run in the client's shared worker, one at a time per
    session, in the order they were sent; several sessions stream at once."""

    def __init__(
        self,
        services: TurnServices,
        *,
        session_id: str,
        model: str,
        title: str,
        system_message: str | None,
        events: list[SessionEvent],
        on_close: Callable[[CopilotSession], None],
        lock: SessionLock | None = None,
    ) -> None:
        self._services = services
        self._lock = lock  # released when the session closes
        self._session_id = session_id
        self._model = model
        self._title = title
        self._system_message = system_message
        self._history = SessionHistory(events)
        self._on_close = on_close
        self._dispatcher = EventDispatcher()
        self._queue: deque[Turn] = deque()
        self._current: Turn | None = None
        self._runner: asyncio.Task[None] | None = None
        self._background: set[asyncio.Task[Any]] = set()
        self._closed = False

    # -- what it is -------------------------------------------------------------------

    @property
    def session_id(self) -> str:
        return self._session_id

    @property
    def model(self) -> str:
        return self._model

    @model.setter
    def model(self, value: str) -> None:
        """Switch the model for the next turns (the running turn keeps its model)."""
        self._model = checked_model(value)
        model = self._model
        self._spawn(self._services.store.run(lambda s: s.set_model(self._session_id, model)))

    async def set_model(self, model: str) -> None:
        """Like setting `model`, but returns once the change is stored."""
        self._model = checked_model(model)
        await self._services.store.run(lambda s: s.set_model(self._session_id, self._model))

    @property
    def title(self) -> str:
        return self._title

    @property
    def system_message(self) -> str | None:
        return self._system_message

    @property
    def is_busy(self) -> bool:
        """True while a turn runs or waits in the queue."""
        return self._current is not None or bool(self._queue)

    @property
    def queued_count(self) -> int:
        return len(self._queue)

    @property
    def closed(self) -> bool:
        return self._closed

    # -- talking ----------------------------------------------------------------------

    async def send(self, prompt: Prompt, *, compare_id: str | None = None) -> str:
        """Queue `prompt` as this session's next turn; return its message id at once.

        `compare_id` marks the prompt as part of an A/B run (see `compare.broadcast`).
        """
        return (await self._submit(prompt, compare_id)).prompt.id

    async def send_and_wait(
        self, prompt: Prompt, timeout: float | None = 60.0
    ) -> AssistantMessageEvent | None:
        """Send `prompt` and wait for its reply.

        Raises:
            TimeoutError: no reply within `timeout` seconds (the turn goes on).
            SessionEventError: the turn ended with a `session.error`.
            SessionClosedError: the session was closed before the prompt was answered.
        """
        turn = await self._submit(prompt)
        try:
            result = await asyncio.wait_for(asyncio.shield(turn.done), timeout)
        except TimeoutError:
            raise TimeoutError(
                f"no reply within {timeout:g} s; the turn goes on (abort() stops it)"
            ) from None
        if result.error is not None:
            error = result.error
            raise SessionEventError(
                error.message, error_type=error.error_type, status_code=error.status_code
            )
        return result.message

    def on(
        self, event_type: str | EventHandler, handler: EventHandler | None = None
    ) -> Unsubscribe:
        """Subscribe to every event (`on(handler)`) or one type (`on("session.idle", h)`).

        Returns a callable that unsubscribes.
        """
        if handler is None:
            if isinstance(event_type, str):
                raise InvalidArgumentError("on(event_type, handler): the handler is missing")
            return self._dispatcher.subscribe(None, event_type)
        if not isinstance(event_type, str):
            raise InvalidArgumentError("on(event_type, handler): event_type must be a string")
        return self._dispatcher.subscribe(event_type, handler)

    async def abort(self) -> None:
        """Stop the running turn now; its partial reply is kept, marked aborted.

        Queued prompts still get their turns. Returns once the turn has ended.
        """
        turn = self._current
        if turn is not None:
            turn.cancel()
            await asyncio.wait({turn.done})

    def partial_text(self, message_id: str) -> str | None:
        """The text so far of reply `message_id` while it streams (None once it ended)."""
        turn = self._current
        if turn is None or turn.message_id != message_id or turn.reply is None:
            return None
        return turn.reply.text()

    def get_events(self) -> EventList:
        """The whole persisted history, oldest first (a streaming reply shows as such)."""
        return self._history.events()

    def get_messages(self) -> EventList:
        """The SDK's name for `get_events()`; works with or without `await`."""
        return self.get_events()

    async def set_winner(self, message_id: str, winner: bool = True) -> None:
        """Mark (or unmark) a finished reply as the best of its compare run; stored."""
        reply = self._history.reply(message_id)
        if reply is None or reply.status == "streaming":
            raise InvalidArgumentError(f"no finished reply {message_id!r} in this session")
        marked = replace(reply, winner=winner)
        await self._services.store.run(lambda store: store.upsert_message(marked))
        self._history.record(marked)

    async def set_title(self, title: str) -> None:
        title = title.strip()
        if not title:
            raise InvalidArgumentError("the title is empty")
        await self._services.store.run(lambda s: s.set_title(self._session_id, title))
        self._title_changed(title)

    async def disconnect(self) -> None:
        """Free the live session (aborting its turn); everything stays stored."""
        if self._closed:
            return
        await self.close_quietly()
        self._on_close(self)

    destroy = disconnect

    async def close_quietly(self) -> None:
        """End every turn and stop delivering events, without telling the client."""
        self._closed = True
        while self._queue:
            self._queue.popleft().fail(
                SessionClosedError(f"session {self._session_id} was closed before this prompt ran")
            )
        try:
            await self.abort()
            if self._runner is not None:
                await asyncio.wait({self._runner})
            if self._background:
                await asyncio.wait(self._background)
        finally:  # only once nothing writes to the session any more
            if self._lock is not None:
                self._lock.release()
        self._dispatcher.clear()

    # -- inside -----------------------------------------------------------------------

    async def _submit(self, prompt: Prompt, compare_id: str | None = None) -> Turn:
        if self._closed:
            raise SessionClosedError(
                f"session {self._session_id} is closed; resume_session() to use it again"
            )
        event = UserMessageEvent(
            session_id=self._session_id, content=prompt_text(prompt), compare_id=compare_id
        )
        await self._services.store.run(lambda store: store.append_event(event))
        self._record(event)
        if not self._title:
            await self.set_title(title_from_prompt(event.content) or self._session_id)
        turn = Turn(prompt=event)
        self._queue.append(turn)
        if self._runner is None or self._runner.done():
            self._runner = asyncio.ensure_future(self._drain())
        return turn

    async def _drain(self) -> None:
        aborted = False
        while self._queue:
            turn = self._current = self._queue.popleft()
            try:
                result = await self._run(turn)
            finally:
                self._current = None
            aborted = result.message is not None and result.message.aborted
        self._record(SessionIdleEvent(session_id=self._session_id, aborted=aborted))

    async def _run(self, turn: Turn) -> TurnResult:
        plan = TurnPlan(
            session_id=self._session_id,
            model=self._model,
            messages=build_messages(
                self._history.events(), system_message=self._system_message, prompt=turn.prompt
            ),
            emit=self._record,
        )
        try:
            return await run_turn(self._services, turn, plan)
        except Exception as exc:  # e.g. the store failed: report it, keep the session usable
            return failed_turn(turn, plan, exc)

    def _record(self, event: SessionEvent) -> None:
        self._history.record(event)
        self._dispatcher.emit(event)

    def _title_changed(self, title: str) -> None:
        self._title = title
        self._record(SessionTitleChangedEvent(session_id=self._session_id, title=title))

    def _spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background_done)

    def _background_done(self, task: asyncio.Task[Any]) -> None:
        self._background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error(
                "session %s: background save failed", self._session_id, exc_info=task.exception()
            )
