"""One turn: stream a reply for one prompt, with retries, saves and a single outcome."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from copilot_tui.core.async_store import AsyncSessionStore
from copilot_tui.core.config import RetryPolicy, Timeouts
from copilot_tui.core.errors import CopilotError, ProviderError
from copilot_tui.core.events import (
    AssistantMessageEvent,
    AssistantTurnStartEvent,
    AssistantUsageEvent,
    MessageStatus,
    SessionErrorEvent,
    SessionEvent,
    UserMessageEvent,
    new_event_id,
)
from copilot_tui.core.history import ChatMessage
from copilot_tui.core.providers import ProviderSet
from copilot_tui.core.reply import PartialFlusher, Reply
from copilot_tui.core.store import SessionStore
from copilot_tui.core.turn_stream import stream_reply

logger = logging.getLogger(__name__)

Emit = Callable[[SessionEvent], None]


@dataclass(frozen=True, slots=True)
class TurnServices:
    """What every turn borrows from the one client: connection pool, limits, store."""

    http: httpx.AsyncClient
    providers: ProviderSet
    store: AsyncSessionStore
    timeouts: Timeouts
    retry: RetryPolicy
    environ: Mapping[str, str]
    flush_interval: float
    rng: random.Random


@dataclass(frozen=True, slots=True)
class TurnResult:
    """How a turn ended: its reply (None if it never started) and its error, if any."""

    message: AssistantMessageEvent | None
    error: SessionErrorEvent | None = None


@dataclass(eq=False)
class Turn:
    """A prompt waiting for, or getting, its reply."""

    prompt: UserMessageEvent
    message_id: str = field(default_factory=new_event_id)
    done: asyncio.Future[TurnResult] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )
    stream_task: asyncio.Task[None] | None = None
    abort_requested: bool = False
    reply: Reply | None = None  # set while the turn runs

    def start_stream(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        self.stream_task = asyncio.ensure_future(work)
        if self.abort_requested:  # abort() came while the turn was still starting
            self.stream_task.cancel()
        return self.stream_task

    def cancel(self) -> None:
        self.abort_requested = True
        if self.stream_task is not None:
            self.stream_task.cancel()

    def settle(self, result: TurnResult) -> None:
        if not self.done.done():
            self.done.set_result(result)

    def fail(self, error: Exception) -> None:
        if not self.done.done():
            self.done.set_exception(error)
            self.done.exception()  # retrieved: nobody may be waiting, that is fine


@dataclass(frozen=True, slots=True)
class TurnPlan:
    """Everything one run of a turn needs to know about its session."""

    session_id: str
    model: str
    messages: Sequence[ChatMessage]
    emit: Emit


async def run_turn(services: TurnServices, turn: Turn, plan: TurnPlan) -> TurnResult:
    """Stream the reply to `turn.prompt`; always ends with one `assistant.message`.

    Cancelling `turn.stream_task` (abort) keeps the partial reply, marked aborted. A
    failure adds one `session.error`. The session emits `session.idle` once its queue
    is empty.
    """
    reply = turn.reply = Reply()
    placeholder = _message(turn, plan, reply, "streaming")
    await services.store.run(lambda store: store.upsert_message(placeholder))
    plan.emit(
        AssistantTurnStartEvent(
            session_id=plan.session_id,
            message_id=turn.message_id,
            reply_to=turn.prompt.id,
            model=plan.model,
        )
    )
    flusher = PartialFlusher(
        services.flush_interval, lambda: _save_partial(services, turn, plan, reply)
    )
    task = turn.start_stream(stream_reply(services, turn, plan, reply, flusher))
    try:
        await asyncio.wait({task})
    finally:
        if not task.done():  # we were cancelled ourselves (client stopping)
            task.cancel()
            await asyncio.wait({task})
        await flusher.close()
    status, error = _outcome(task, plan, turn)
    result = await _finish(services, turn, plan, reply, status, error)
    turn.settle(result)
    return result


async def _save_partial(services: TurnServices, turn: Turn, plan: TurnPlan, reply: Reply) -> None:
    partial = _message(turn, plan, reply, "streaming")
    await services.store.run(lambda store: store.upsert_message(partial))


def _message(
    turn: Turn, plan: TurnPlan, reply: Reply, status: MessageStatus
) -> AssistantMessageEvent:
    final = status != "streaming"
    return AssistantMessageEvent(
        session_id=plan.session_id,
        id=turn.message_id,
        message_id=turn.message_id,
        reply_to=turn.prompt.id,
        model=plan.model,
        content=reply.text(),
        status=status,
        ttft_s=reply.ttft_s,
        duration_s=reply.duration_s() if final else None,
    )


def _outcome(
    task: asyncio.Task[None], plan: TurnPlan, turn: Turn
) -> tuple[MessageStatus, SessionErrorEvent | None]:
    if task.cancelled():
        return "aborted", None
    exc = task.exception()
    if exc is None:
        return "complete", None
    return "error", error_event(exc, plan, turn)


def error_event(exc: BaseException, plan: TurnPlan, turn: Turn) -> SessionErrorEvent:
    """The `session.error` for whatever ended a turn; unexpected ones are logged."""
    if isinstance(exc, ProviderError | CopilotError):
        kind = exc.error_type if isinstance(exc, ProviderError) else type(exc).__name__
        text, status = exc.message, getattr(exc, "status_code", None)
    else:
        logger.error("turn failed unexpectedly", exc_info=exc)
        kind, text, status = "internal", f"internal error: {exc!r}; please report it", None
    return SessionErrorEvent(
        session_id=plan.session_id,
        error_type=kind,
        message=text,
        status_code=status,
        message_id=turn.message_id,
    )


def failed_turn(turn: Turn, plan: TurnPlan, exc: Exception) -> TurnResult:
    """End a turn that broke outside the stream (e.g. the store failed) with one error."""
    error = error_event(exc, plan, turn)
    plan.emit(error)
    result = TurnResult(message=None, error=error)
    turn.settle(result)
    return result


async def _finish(
    services: TurnServices,
    turn: Turn,
    plan: TurnPlan,
    reply: Reply,
    status: MessageStatus,
    error: SessionErrorEvent | None,
) -> TurnResult:
    final = _message(turn, plan, reply, status)
    outcome: list[SessionEvent] = [final]
    if reply.usage is not None:
        outcome.append(_usage_event(turn, plan, reply))
    if error is not None:
        outcome.append(error)
    await services.store.run(lambda store: _save_outcome(store, outcome))
    for event in outcome:
        plan.emit(event)
    return TurnResult(message=final, error=error)


def _save_outcome(store: SessionStore, outcome: list[SessionEvent]) -> None:
    for event in outcome:
        if isinstance(event, AssistantMessageEvent):
            store.upsert_message(event)
        else:
            store.append_event(event)


def _usage_event(turn: Turn, plan: TurnPlan, reply: Reply) -> AssistantUsageEvent:
    assert reply.usage is not None
    return AssistantUsageEvent(
        session_id=plan.session_id,
        message_id=turn.message_id,
        model=plan.model,
        input_tokens=reply.usage.input_tokens,
        output_tokens=reply.usage.output_tokens,
    )
