"""The line under a conversation: model, id, state, tokens and speed of the last reply."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.content import Content
from textual.widgets import Static

from copilot_tui.core.events import AssistantMessageEvent, AssistantUsageEvent, SessionEvent
from copilot_tui.safe_text import printable


@dataclass(frozen=True, slots=True)
class ReplyFigures:
    """What the last reply cost and how fast it came."""

    input_tokens: int | None
    output_tokens: int
    estimated: bool  # no usage from the server: output counted as characters / 4
    ttft_s: float | None
    duration_s: float | None

    @property
    def tokens_per_s(self) -> float | None:
        if self.duration_s is None:
            return None
        streaming = self.duration_s - (self.ttft_s or 0.0)
        return self.output_tokens / streaming if streaming > 0.05 else None

    def describe(self) -> str:
        approx = "≈" if self.estimated else ""
        tokens_in = "?" if self.input_tokens is None else str(self.input_tokens)
        text = f"{tokens_in} in · {approx}{self.output_tokens} out"
        speed = self.tokens_per_s
        return text if speed is None else f"{text} · {approx}{speed:.0f} tok/s"


def figures_from(reply: AssistantMessageEvent, usage: AssistantUsageEvent | None) -> ReplyFigures:
    """The figures of a finished reply, exact when the server reported usage."""
    return ReplyFigures(
        input_tokens=usage.input_tokens if usage else None,
        output_tokens=usage.output_tokens if usage else len(reply.content) // 4,
        estimated=usage is None,
        ttft_s=reply.ttft_s,
        duration_s=reply.duration_s,
    )


def last_figures(events: Sequence[SessionEvent]) -> ReplyFigures | None:
    """Figures of the newest finished reply in a history."""
    for index in range(len(events) - 1, -1, -1):
        reply = events[index]
        if isinstance(reply, AssistantMessageEvent) and reply.status != "streaming":
            usage = next(
                (
                    e
                    for e in events[index:]
                    if isinstance(e, AssistantUsageEvent) and e.message_id == reply.message_id
                ),
                None,
            )
            return figures_from(reply, usage)
    return None


@dataclass(frozen=True, slots=True)
class PaneStatus:
    model: str
    session_id: str
    state: str
    figures: ReplyFigures | None = None
    demo: bool = False


class StatusLine(Static):
    """One line of facts about this tab's session."""

    def show(self, status: PaneStatus) -> None:
        # Most useful first: a narrow terminal cuts the end (the id).
        parts: list[str | tuple[str, str]] = [(printable(status.model), "bold")]
        if status.demo:
            parts.append((" (offline demo, no provider set up)", "italic"))
        parts += [" · ", (status.state, "bold")]
        if status.figures is not None:
            parts += [" · ", status.figures.describe()]
        parts += [" · ", status.session_id]
        self.update(Content.assemble(*parts))
