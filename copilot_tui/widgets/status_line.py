"""The line under a conversation: model, id, state, tokens and speed of the last reply."""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.widgets import Static

from copilot_tui.core.figures import ReplyFigures
from copilot_tui.safe_text import printable


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
        self.update(Content.assemble(*parts), layout=False)  # always one line: no layout
