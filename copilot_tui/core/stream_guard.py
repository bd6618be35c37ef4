"""What the client does about a server that misbehaves mid-stream.

Two limits keep a broken server from filling memory (and the store): no single event may
grow past `MAX_EVENT_CHARS` (a chat chunk is a few hundred bytes), and no reply past
`MAX_REPLY_CHARS` (far beyond any model's longest answer: a server stuck in a loop). An
error reported inside a stream gets the advice that goes with its kind.
"""

from __future__ import annotations

from copilot_tui.core.errors import ProviderError

MAX_EVENT_CHARS = 1 << 20
MAX_REPLY_CHARS = 4 << 20
_CHECK_BASE_URL = "check that base_url points at an OpenAI-compatible server"
_ADVICE = {
    "protocol": f"the server broke the stream format; try again, or {_CHECK_BASE_URL}",
    "rate_limit": "rate limited; wait a little, then try again",
    "context_length": "start a new session or send a shorter prompt",
}
_SERVER_ADVICE = "the server failed mid-reply; try again later"


def with_advice(error: ProviderError) -> ProviderError:
    """`error` (decoded from a stream's event) with what to do about it appended."""
    advice = _ADVICE.get(error.error_type, _SERVER_ADVICE)
    return ProviderError(
        f"{error.message.rstrip('.')}: {advice}",
        error_type=error.error_type,
        status_code=error.status_code,
        retryable=error.retryable,
        retry_after=error.retry_after,
    )


class EventSizeGuard:
    """Stops a stream once one event (complete or still arriving) passes a size limit.

    Counts the characters fed since the last read that completed an event; a read that
    completes events resets the count to its unterminated last line. So an event is
    caught within about one read of the limit, without re-measuring buffered text.
    """

    def __init__(self, url: str) -> None:
        self._url = url
        self._unfinished = 0

    def check(self, text: str, datas: list[str]) -> None:
        """Account for `text`, whose parsing completed the events `datas`.

        Raises:
            ProviderError: an event is larger than `MAX_EVENT_CHARS`.
        """
        limit = MAX_EVENT_CHARS
        total = self._unfinished + len(text)
        if not datas:
            self._unfinished = total
            if total > limit:
                raise self._too_large(limit)
            return
        self._unfinished = len(text) - text.rfind("\n") - 1
        if total > limit and max(map(len, datas)) > limit:
            raise self._too_large(limit)

    def _too_large(self, limit: int) -> ProviderError:
        return ProviderError(
            f"{self._url} sent a single event larger than {_mib(limit)} "
            f"(a chat chunk is a few hundred bytes), so the reply was stopped: {_CHECK_BASE_URL}",
            error_type="protocol",
        )


def reply_too_long(model: str) -> ProviderError:
    """The error for a reply that passed `MAX_REPLY_CHARS` without ending."""
    return ProviderError(
        f"the reply of model '{model}' passed {MAX_REPLY_CHARS:,} characters without ending, "
        "so it was stopped (the model may be stuck in a loop): "
        "send the prompt again or try another model",
        error_type="server",
    )


def _mib(chars: int) -> str:
    return f"{chars / (1 << 20):g} MiB"
