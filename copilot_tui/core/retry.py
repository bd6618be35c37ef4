"""When and how long to wait before retrying a failed request."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from copilot_tui.core.config import RetryPolicy
from copilot_tui.core.errors import ProviderError


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def backoff_delay(attempt: int, policy: RetryPolicy, rng: random.Random) -> float:
    """Exponential backoff with "equal jitter" for the wait after failed attempt `attempt`.

    Half the delay is fixed so retries never hammer the server; the random half
    spreads out sessions that failed together.
    """
    ceiling = min(policy.max_delay, policy.base_delay * 2.0 ** (attempt - 1))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


def retry_wait(
    error: ProviderError, attempt: int, policy: RetryPolicy, rng: random.Random
) -> float | None:
    """Seconds to wait before the next attempt, or None when we must give up."""
    if not error.retryable or attempt >= policy.max_attempts:
        return None
    if error.retry_after is not None:
        if error.retry_after > policy.max_retry_after:
            return None
        return error.retry_after
    return backoff_delay(attempt, policy, rng)
