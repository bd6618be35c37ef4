"""What must come of a fault case: checks shared by the library and the app tests."""

from __future__ import annotations

from collections.abc import Sequence

from copilot_tui.core.client import CopilotClient
from copilot_tui.core.config import Config
from copilot_tui.core.events import (
    AssistantMessageDeltaEvent,
    AssistantMessageEvent,
    SessionErrorEvent,
    SessionEvent,
    SessionInfoEvent,
)
from copilot_tui.core.session import CopilotSession
from tests.helpers import of_type
from tests.reliability.fault_cases import MAX_ATTEMPTS, WRONG_KEY, FaultCase
from tests.reliability.fault_endpoints import Endpoint


class SteadyWatch:
    """How far the other session's reply had got when the failing session's turn ended
    (its `session.error`, or with `until`, another event type)."""

    def __init__(
        self, steady: CopilotSession, failing: CopilotSession, until: str = "session.error"
    ) -> None:
        self._steady = steady
        self.received = 0
        self.at_error: int | None = None
        self.busy_at_error = False
        steady.on("assistant.message_delta", self._delta)
        failing.on(until, self._error)

    def _delta(self, event: SessionEvent) -> None:
        assert isinstance(event, AssistantMessageDeltaEvent)
        self.received += len(event.delta_content)

    def _error(self, event: SessionEvent) -> None:
        self.at_error = self.received
        self.busy_at_error = self._steady.is_busy

    def check(self, reply: AssistantMessageEvent | None) -> None:
        """It streamed before the error, went on after it and completed."""
        assert self.at_error, "the other session had not started streaming when the fault came"
        assert self.busy_at_error, "the other session had finished before the fault came"
        assert reply is not None
        assert reply.status == "complete"
        assert len(reply.content) > self.at_error


def check_error(case: FaultCase, errors: Sequence[SessionErrorEvent]) -> SessionErrorEvent:
    """Exactly one error, of the case's kind, whose one-line message names cause and fix."""
    assert len(errors) == 1, f"expected one session.error, got {errors}"
    error = errors[0]
    message = error.message
    assert (error.error_type, error.status_code) == (case.error_type, case.status_code), message
    assert case.cause in message, message
    assert case.fix in message, message
    if case.attempts > 1:
        assert f"gave up after {case.attempts} attempts" in message
    assert "\n" not in message
    assert "<html" not in message.lower()
    assert WRONG_KEY not in message
    return error


def check_retries(case: FaultCase, endpoint: Endpoint, events: Sequence[SessionEvent]) -> None:
    """As many attempts as the case expects (never more than the policy allows), and one
    retry notice between each two."""
    assert endpoint.attempts() == case.attempts <= MAX_ATTEMPTS
    notes = [event.message for event in of_type(events, SessionInfoEvent)]
    assert len(notes) == case.attempts - 1, notes
    for number, note in enumerate(notes, start=2):
        assert f"(attempt {number} of {MAX_ATTEMPTS})" in note
        if case.retry_after is not None:
            assert f"retrying in {case.retry_after:.1f} s" in note


def check_reply(case: FaultCase, reply: AssistantMessageEvent) -> None:
    """The reply is kept, marked failed, with the text that came before the fault."""
    assert reply.status == "error"
    assert bool(reply.content) == case.partial, reply.content[:200]
    if case.reply_cap is not None:
        assert case.reply_cap < len(reply.content) < 2 * case.reply_cap


async def stored_outcome(
    config: Config, session_id: str, message_id: str | None
) -> tuple[AssistantMessageEvent, list[SessionErrorEvent]]:
    """The failed reply and the errors as the store has them, read by a new client."""
    async with CopilotClient(config, environ={}) as reader:
        record = await reader.read_session(session_id)
    replies = of_type(record.events, AssistantMessageEvent)
    (reply,) = [reply for reply in replies if reply.message_id == message_id]
    return reply, of_type(record.events, SessionErrorEvent)
