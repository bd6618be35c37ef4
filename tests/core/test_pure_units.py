"""Pure helpers: retry timing, history, titles, event dispatch (ids: tests/reliability)."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from hypothesis import given
from hypothesis import strategies as st

from copilot_tui.core.config import RetryPolicy
from copilot_tui.core.dispatch import EventDispatcher
from copilot_tui.core.errors import ProviderError
from copilot_tui.core.events import AssistantMessageEvent, SessionIdleEvent, UserMessageEvent
from copilot_tui.core.history import build_messages, title_from_prompt
from copilot_tui.core.retry import backoff_delay, parse_retry_after, retry_wait


def test_retry_after_forms() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30)), now=now) == 30.0
    assert parse_retry_after("-5") == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


@given(st.integers(min_value=1, max_value=50), st.integers(min_value=0, max_value=2**32))
def test_backoff_grows_within_bounds(attempt: int, seed: int) -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=20.0)
    ceiling = min(20.0, 0.5 * 2 ** (attempt - 1))
    assert ceiling / 2 <= backoff_delay(attempt, policy, random.Random(seed)) <= ceiling


def test_retry_wait_rules() -> None:
    policy = RetryPolicy(max_attempts=3, max_retry_after=10)
    rng = random.Random(1)
    retryable = ProviderError("x", error_type="server", retryable=True)
    assert retry_wait(retryable, 1, policy, rng) is not None
    assert retry_wait(retryable, 3, policy, rng) is None
    final = ProviderError("x", error_type="authentication")
    assert retry_wait(final, 1, policy, rng) is None
    patient = ProviderError("x", error_type="rate_limit", retryable=True, retry_after=4)
    assert retry_wait(patient, 1, policy, rng) == 4
    too_long = ProviderError("x", error_type="rate_limit", retryable=True, retry_after=11)
    assert retry_wait(too_long, 1, policy, rng) is None


def _reply(prompt: UserMessageEvent, content: str) -> AssistantMessageEvent:
    return AssistantMessageEvent(
        session_id="s",
        message_id=f"r-{prompt.id}",
        id=f"r-{prompt.id}",
        reply_to=prompt.id,
        model="m",
        content=content,
    )


def test_history_pairs_replies_and_skips_unanswered_prompts() -> None:
    first = UserMessageEvent(session_id="s", content="one")
    failed = UserMessageEvent(session_id="s", content="lost")
    queued = UserMessageEvent(session_id="s", content="two")
    events = [first, _reply(first, "uno"), failed, _reply(failed, ""), queued]
    messages = build_messages(events, system_message="sys", prompt=queued)
    assert messages == [
        {"role": "system", "content": "sys"},
        {"role": "user", "content": "one"},
        {"role": "assistant", "content": "uno"},
        {"role": "user", "content": "two"},
    ]


def test_titles_from_prompts() -> None:
    assert title_from_prompt("\n\n  Fix   the\tbug \nmore text") == "Fix the bug"
    long = title_from_prompt("word " * 40)
    assert len(long) == 60
    assert long.endswith("…")
    assert title_from_prompt("\x1b[2Jclear") == "[2Jclear"


async def test_dispatcher_runs_async_handlers_and_filters_types() -> None:
    dispatcher = EventDispatcher()
    got: list[str] = []

    async def slow(event: object) -> None:
        await asyncio.sleep(0)
        got.append("async")

    dispatcher.subscribe(None, slow)
    dispatcher.subscribe("user.message", lambda e: got.append("typed"))
    dispatcher.emit(SessionIdleEvent(session_id="s"))
    await asyncio.sleep(0.01)
    assert got == ["async"]
