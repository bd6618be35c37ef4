"""What a reply cost and how fast it came: tokens, time to first token, tokens/s."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from copilot_tui.core.events import AssistantMessageEvent, AssistantUsageEvent, SessionEvent


@dataclass(frozen=True, slots=True)
class ReplyFigures:
    """A finished reply's figures; tokens are estimated when the server sent no usage."""

    input_tokens: int | None
    output_tokens: int
    estimated: bool  # no usage from the server: output counted as characters / 4
    ttft_s: float | None
    duration_s: float | None

    @property
    def tokens_per_s(self) -> float | None:
        """Output tokens per second of streaming (after the first token)."""
        if self.duration_s is None:
            return None
        streaming = self.duration_s - (self.ttft_s or 0.0)
        return self.output_tokens / streaming if streaming > 0.05 else None

    def describe(self) -> str:
        """E.g. "12 in · 340 out · 141 tok/s" ("≈" marks estimates)."""
        approx = "≈" if self.estimated else ""
        tokens_in = "?" if self.input_tokens is None else str(self.input_tokens)
        text = f"{tokens_in} in · {approx}{self.output_tokens} out"
        speed = self.tokens_per_s
        return text if speed is None else f"{text} · {approx}{speed:.0f} tok/s"

    def describe_timing(self) -> str:
        """E.g. "first token 0.31 s · 2.40 s"."""
        first = "?" if self.ttft_s is None else f"{self.ttft_s:.2f} s"
        total = "?" if self.duration_s is None else f"{self.duration_s:.2f} s"
        return f"first token {first} · {total}"


def figures_from(reply: AssistantMessageEvent, usage: AssistantUsageEvent | None) -> ReplyFigures:
    """The figures of a finished reply, exact when the server reported usage."""
    return ReplyFigures(
        input_tokens=usage.input_tokens if usage else None,
        output_tokens=usage.output_tokens if usage else len(reply.content) // 4,
        estimated=usage is None,
        ttft_s=reply.ttft_s,
        duration_s=reply.duration_s,
    )


def usage_of(events: Sequence[SessionEvent], message_id: str) -> AssistantUsageEvent | None:
    """The usage the server reported for reply `message_id`, if it did."""
    for event in reversed(events):
        if isinstance(event, AssistantUsageEvent) and event.message_id == message_id:
            return event
    return None


def last_figures(events: Sequence[SessionEvent]) -> ReplyFigures | None:
    """Figures of the newest finished reply in a history."""
    for event in reversed(events):
        if isinstance(event, AssistantMessageEvent) and event.status != "streaming":
            return figures_from(event, usage_of(events, event.message_id))
    return None
