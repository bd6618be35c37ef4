"""One session's reply in the compare view: streaming live, headed by its figures."""

from __future__ import annotations

import time

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Static

from copilot_tui.core.compare import CompareEntry, entry_of
from copilot_tui.core.events import (
    AssistantMessageDeltaEvent,
    AssistantMessageEvent,
    AssistantTurnStartEvent,
    AssistantUsageEvent,
    SessionErrorEvent,
    SessionEvent,
)
from copilot_tui.core.session import CopilotSession
from copilot_tui.safe_text import printable
from copilot_tui.widgets.frames import FrameClock
from copilot_tui.widgets.messages import AssistantMessage, ErrorNotice


class CompareColumn(Vertical, can_focus=True):
    """The reply of `session` to the run's prompt (its latest prompt without a run)."""

    class EventArrived(Message):
        def __init__(self, event: SessionEvent) -> None:
            super().__init__()
            self.event = event

    def __init__(self, session: CopilotSession, compare_id: str | None, frames: FrameClock) -> None:
        super().__init__(classes="compare-column")
        self.session = session
        # Subscribe and read the history in one step: every later event is news.
        self._unsubscribe = session.on(self._forward)
        self.entry: CompareEntry = entry_of(session, compare_id)
        reply = self.entry.reply
        self._started = time.monotonic() if self.entry.streaming else None
        self._view = AssistantMessage(
            message_id=reply.message_id if reply else "",
            model=self.entry.model,
            text=(session.partial_text(reply.message_id) or reply.content) if reply else "",
            status=reply.status if reply else "streaming",
            winner=reply.winner if reply else False,
            frames=frames,
        )

    def compose(self) -> ComposeResult:
        yield Static(classes="compare-figures")
        with VerticalScroll(classes="compare-body"):
            yield self._view
            if self.entry.error is not None:
                yield ErrorNotice(self.entry.error)

    def on_mount(self) -> None:
        self.border_title = f"{printable(self.entry.model)} · {self.session.session_id}"
        self.refresh_head()

    def on_unmount(self) -> None:
        self._unsubscribe()

    @property
    def reply_text(self) -> str | None:
        reply = self.entry.reply
        return reply.content if reply is not None and reply.content else None

    def refresh_head(self) -> None:
        """Redraw the winner mark and figures (the view's timer calls it while streaming)."""
        winner = self.entry.reply is not None and self.entry.reply.winner
        self.border_subtitle = "★ winner" if winner else ""
        self.set_class(winner, "-winner")
        self.query_one(".compare-figures", Static).update(self._figures_text())

    def _figures_text(self) -> str:
        if self.entry.error is not None:
            return "failed"
        if self._started is not None:
            return f"streaming {time.monotonic() - self._started:.1f} s"
        if self.entry.prompt is None:
            return "no prompt yet"
        if self.entry.figures is None:
            return "waiting for its turn…" if self.entry.reply is None else ""
        figures = self.entry.figures
        return f"{figures.describe_timing()}\n{figures.describe()}"

    def reload(self) -> None:
        """Re-read the entry (e.g. after a winner mark) and redraw."""
        self.entry = entry_of(self.session, self._compare_id)
        reply = self.entry.reply
        self._view.winner = bool(reply and reply.winner)
        self.refresh_head()

    # -- live events ------------------------------------------------------------------

    def _forward(self, event: SessionEvent) -> None:
        self.post_message(self.EventArrived(event))

    @on(EventArrived)
    async def _apply(self, message: EventArrived) -> None:
        message.stop()
        event = message.event
        if isinstance(event, AssistantTurnStartEvent) and self._is_our_prompt(event.reply_to):
            self._view.message_id = event.message_id
            self._started = time.monotonic()
            self.entry = entry_of(self.session, self._compare_id)
        elif isinstance(event, AssistantMessageDeltaEvent) and self._is_ours(event.message_id):
            self._add_text(event.delta_content)
        elif isinstance(event, AssistantMessageEvent) and self._is_ours(event.message_id):
            await self._finished(event)
        elif isinstance(event, AssistantUsageEvent) and self._is_ours(event.message_id):
            self.entry = entry_of(self.session, self._compare_id)
        elif isinstance(event, SessionErrorEvent) and self._is_ours(event.message_id or ""):
            self.entry = entry_of(self.session, self._compare_id)
            await self.query_one(".compare-body").mount(ErrorNotice(event))
        self.refresh_head()

    @property
    def _compare_id(self) -> str | None:
        return self.entry.prompt.compare_id if self.entry.prompt else None

    def _is_our_prompt(self, prompt_id: str) -> bool:
        return self.entry.prompt is not None and self.entry.prompt.id == prompt_id

    def _is_ours(self, message_id: str) -> bool:
        return bool(message_id) and message_id == self._view.message_id

    def _add_text(self, text: str) -> None:
        body = self.query_one(".compare-body", VerticalScroll)
        following = body.scroll_y >= body.max_scroll_y - 1  # the user has not scrolled up
        self._view.add_text(text)
        if following:
            body.scroll_end(animate=False)

    async def _finished(self, event: AssistantMessageEvent) -> None:
        self._started = None
        self._view.finish(event.status, event.content)
        self.entry = entry_of(self.session, self._compare_id)
