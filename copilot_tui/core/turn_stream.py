"""The streaming part of a turn: request, retries before the first token, deltas."""

from __future__ import annotations

import asyncio
from contextlib import aclosing
from typing import TYPE_CHECKING

from copilot_tui.core import stream_guard
from copilot_tui.core.chat_api import ChatRequest, stream_chat
from copilot_tui.core.chat_chunks import DecodedChunk
from copilot_tui.core.errors import ProviderError
from copilot_tui.core.events import AssistantMessageDeltaEvent, SessionInfoEvent, new_event_id
from copilot_tui.core.reply import PartialFlusher, Reply
from copilot_tui.core.retry import retry_wait

if TYPE_CHECKING:
    from copilot_tui.core.turn import Turn, TurnPlan, TurnServices


async def stream_reply(
    services: TurnServices, turn: Turn, plan: TurnPlan, reply: Reply, flusher: PartialFlusher
) -> None:
    """Stream into `reply`, retrying what is retryable until the first text arrives."""
    provider, model_name = services.providers.route(plan.model)
    request = ChatRequest(provider=provider, model=model_name, messages=plan.messages)
    attempt = 1
    while True:
        try:
            async with services.providers.limiter(provider):
                await _stream_once(services, request, turn, plan, reply, flusher)
            return
        except ProviderError as error:
            wait = (
                None if reply.has_text else retry_wait(error, attempt, services.retry, services.rng)
            )
            if wait is None:
                raise _with_attempts(error, attempt) from error
            _announce_retry(plan, error, attempt, wait, services.retry.max_attempts)
            await asyncio.sleep(wait)
            attempt += 1


async def _stream_once(
    services: TurnServices,
    request: ChatRequest,
    turn: Turn,
    plan: TurnPlan,
    reply: Reply,
    flusher: PartialFlusher,
) -> None:
    batches = stream_chat(
        services.http, request, timeouts=services.timeouts, environ=services.environ
    )
    async with aclosing(batches):
        async for batch in batches:
            _take_batch(batch, turn, plan, reply)
            if reply.has_text:
                flusher.text_arrived()


def _take_batch(batch: list[DecodedChunk], turn: Turn, plan: TurnPlan, reply: Reply) -> None:
    # One delta per network read, not per token: far fewer events when a server is fast.
    text = "".join([chunk.content for chunk in batch if chunk.content])
    for chunk in batch:
        if chunk.usage is not None:
            reply.usage = chunk.usage
    if text:
        reply.append(text)
        plan.emit(
            AssistantMessageDeltaEvent(
                session_id=plan.session_id,
                id=new_event_id(),
                message_id=turn.message_id,
                delta_content=text,
            )
        )
        if reply.size > stream_guard.MAX_REPLY_CHARS:
            raise stream_guard.reply_too_long(plan.model)


def _with_attempts(error: ProviderError, attempt: int) -> ProviderError:
    if attempt == 1:
        return error
    return ProviderError(
        f"{error.message} (gave up after {attempt} attempts)",
        error_type=error.error_type,
        status_code=error.status_code,
        retryable=error.retryable,
        retry_after=error.retry_after,
    )


def _announce_retry(
    plan: TurnPlan, error: ProviderError, attempt: int, wait: float, most: int
) -> None:
    plan.emit(
        SessionInfoEvent(
            session_id=plan.session_id,
            info_type="retry",
            message=f"{error.message}; retrying in {wait:.1f} s (attempt {attempt + 1} of {most})",
        )
    )
