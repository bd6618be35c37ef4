"""One session's tab: its conversation, status line and prompt."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import ClassVar, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.events import Click
from textual.message import Message
from textual.widgets import Label, TabPane

from copilot_tui.core.errors import CopilotError
from copilot_tui.core.events import (
    AssistantMessageDeltaEvent,
    AssistantMessageEvent,
    AssistantTurnStartEvent,
    AssistantUsageEvent,
    SessionErrorEvent,
    SessionEvent,
    SessionInfoEvent,
    SessionTitleChangedEvent,
    UserMessageEvent,
)
from copilot_tui.core.figures import ReplyFigures, figures_from, last_figures
from copilot_tui.core.session import CopilotSession
from copilot_tui.widgets.conversation import Conversation
from copilot_tui.widgets.frames import FrameClock
from copilot_tui.widgets.prompt import PromptArea
from copilot_tui.widgets.reply_feed import ReplyFeed
from copilot_tui.widgets.status_line import PaneStatus, StatusLine
from copilot_tui.widgets.tab_label import display_title, tab_label

PaneState = Literal["idle", "streaming", "error"]


def _ends_in_error(session: CopilotSession) -> bool:
    events = session.get_events()
    return bool(events) and isinstance(events[-1], SessionErrorEvent)


class SessionPane(TabPane):
    """A tab showing one session; it follows the session's events as they come."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+end", "jump_to_end", "Newest text", show=False)
    ]

    class StateChanged(Message):
        """The pane went idle, started streaming or failed."""

        def __init__(self, pane: SessionPane) -> None:
            super().__init__()
            self.pane = pane

        @property
        def control(self) -> SessionPane:
            return self.pane

    class TitleChanged(StateChanged):
        """The session got a new title."""

    class ReplyFinished(StateChanged):
        """A reply ended (complete, aborted or failed)."""

    class SessionEventArrived(Message):
        """Carries a session event into the pane's message queue, keeping their order."""

        def __init__(self, event: SessionEvent) -> None:
            super().__init__()
            self.event = event

    def __init__(
        self, session: CopilotSession, *, pane_id: str, demo: bool, draft: str, frames: FrameClock
    ) -> None:
        # As wide as the label the tab bar shows: relabelling it then moves no tab.
        title = tab_label(display_title(session), state="idle", unread=False, queued=0, frame=0)
        super().__init__(title, id=pane_id)
        self.session = session
        self._demo = demo
        self._draft = draft
        self._history_shown = False
        self._feed = ReplyFeed()
        self._queued = 0  # session events posted to the queue, not applied yet
        self._conversation = Conversation(frames)  # kept: every streamed delta asks for it
        self._current_turn: AssistantTurnStartEvent | None = None
        self._running_since = 0.0
        self._failed = _ends_in_error(session)
        self._note = ""
        self._figures: ReplyFigures | None = last_figures(session.get_events())
        self._unsubscribe = session.on(self._forward)

    def compose(self) -> ComposeResult:
        yield self._conversation
        yield Label("↓ new text below (Ctrl+End)", classes="new-text-hint")
        yield StatusLine()
        yield PromptArea(self._draft)

    def on_mount(self) -> None:
        self.watch(self.conversation, "scroll_y", self._scrolled, init=False)
        self.refresh_status()

    def on_unmount(self) -> None:
        self._unsubscribe()

    def on_show(self) -> None:
        self.show_missed()

    def show_missed(self) -> None:
        """Render what the tab has not shown yet; a second call does nothing more.

        Lazy: a tab renders its history the first time it is shown; later, it catches
        up with what streamed while it was in the background.
        """
        if not self.display or not self.conversation.size.height:
            return  # not on screen (yet): Show, or the next activation, brings it
        turn = self._current_turn
        if not self._history_shown:
            self._history_shown = True
            self.conversation.show_history(self.session.get_events(), self._feed.texts())
            if turn is not None:  # keep feeding the reply now on screen
                self._feed.attach(turn.message_id, self.conversation.reply(turn.message_id))
            return
        self._feed.catch_up(self.conversation, turn.message_id if turn else None)

    # -- what it shows ----------------------------------------------------------------

    @property
    def conversation(self) -> Conversation:
        return self._conversation

    @property
    def prompt(self) -> PromptArea:
        return self.query_one(PromptArea)

    @property
    def state(self) -> PaneState:
        if self._current_turn is not None:
            return "streaming"
        return "error" if self._failed else "idle"

    @property
    def title(self) -> str:
        return display_title(self.session)

    def refresh_status(self) -> None:
        lines = self.query(StatusLine)
        if not lines:
            return  # an event came before the pane composed; on_mount shows the status
        lines.first().show(
            PaneStatus(
                model=self.session.model,
                session_id=self.session.session_id,
                state=self._state_text(),
                figures=self._figures,
                demo=self._demo,
            )
        )

    def _state_text(self) -> str:
        if self._note:
            return self._note
        if self._current_turn is not None:
            text = f"streaming {time.monotonic() - self._running_since:.1f} s"
        else:
            text = "error" if self._failed else "ready"
        queued = self.session.queued_count
        return f"{text} · {queued} queued" if queued else text

    # -- what the user does -----------------------------------------------------------

    @on(PromptArea.Submitted)
    async def _send(self, message: PromptArea.Submitted) -> None:
        message.stop()
        await self._send_text(message.text)

    async def _send_text(self, text: str) -> None:
        try:
            await self.session.send(text)
        except CopilotError as error:
            self.notify(error.message, severity="error", title="Not sent")

    async def abort(self) -> None:
        await self.session.abort()

    async def retry(self) -> bool:
        """Send the last prompt again (aborting a reply still streaming)."""
        prompts = [e for e in self.session.get_events() if isinstance(e, UserMessageEvent)]
        if not prompts:
            return False
        await self.session.abort()
        await self._send_text(prompts[-1].content)
        return True

    def last_reply_text(self) -> str | None:
        replies = [e for e in self.session.get_events() if isinstance(e, AssistantMessageEvent)]
        return replies[-1].content if replies and replies[-1].content else None

    def refresh_winner_marks(self) -> None:
        """Redraw ★ marks after a compare view marked a winner."""
        replies = [e for e in self.session.get_events() if isinstance(e, AssistantMessageEvent)]
        self.conversation.show_winners({reply.message_id: reply.winner for reply in replies})

    def action_jump_to_end(self) -> None:
        self.conversation.jump_to_end()
        self.query_one(".new-text-hint").display = False

    def on_click(self, event: Click) -> None:
        if event.widget is not None and event.widget.has_class("new-text-hint"):
            self.action_jump_to_end()

    def _scrolled(self) -> None:
        if self.conversation.following:
            self.query_one(".new-text-hint").display = False

    # -- what the session reports -----------------------------------------------------

    def _forward(self, event: SessionEvent) -> None:
        # Deltas are nearly all events. One with no event queued ahead of it is shown on
        # the spot: a message round trip per token was a third of a paced reply's CPU.
        if isinstance(event, AssistantMessageDeltaEvent) and not self._queued and self.is_attached:
            self._on_delta(event)
        elif self.post_message(self.SessionEventArrived(event)):
            self._queued += 1

    @on(SessionEventArrived)
    async def _apply(self, message: SessionEventArrived) -> None:
        message.stop()
        self._queued -= 1
        event = message.event
        if isinstance(event, AssistantMessageDeltaEvent):
            self._on_delta(event)  # the hot path: no status refresh per delta
            return
        if isinstance(event, UserMessageEvent):
            self._on_prompt(event)
        elif isinstance(event, AssistantTurnStartEvent):
            self._on_turn_start(event)
        elif isinstance(event, AssistantMessageEvent):
            self._on_reply(event)
        elif isinstance(event, AssistantUsageEvent):
            self._on_usage(event)
        elif isinstance(event, SessionErrorEvent):
            self._on_error(event)
        elif isinstance(event, SessionInfoEvent):
            self._note = event.message
        elif isinstance(event, SessionTitleChangedEvent):
            self.post_message(self.TitleChanged(self))
        self.refresh_status()

    def _on_prompt(self, event: UserMessageEvent) -> None:
        self._failed = False
        if self._history_shown:
            self.conversation.add_prompt(event, queued=self._current_turn is not None)

    def _on_turn_start(self, event: AssistantTurnStartEvent) -> None:
        self._current_turn, self._running_since = event, time.monotonic()
        self._note = ""
        view = self.conversation.start_reply(event) if self._history_shown else None
        self._feed.start(event.message_id, view)
        self.post_message(self.StateChanged(self))

    def _on_delta(self, event: AssistantMessageDeltaEvent) -> None:
        rendered = self._feed.add(event.message_id, event.delta_content, visible=self.display)
        if rendered and not self.conversation.following:
            self.query_one(".new-text-hint").display = True

    def _on_reply(self, event: AssistantMessageEvent) -> None:
        self._note = ""
        conversation = self.conversation if self._history_shown else None
        self._feed.end(event, conversation, visible=self.display)
        self._current_turn = None  # idle once the final text is on screen
        self._figures = figures_from(event, None)
        self.post_message(self.ReplyFinished(self))

    def _on_usage(self, event: AssistantUsageEvent) -> None:
        if self._figures is not None:
            self._figures = replace(
                self._figures,
                input_tokens=event.input_tokens,
                output_tokens=event.output_tokens,
                estimated=False,
            )

    def _on_error(self, event: SessionErrorEvent) -> None:
        self._failed = True
        if self._history_shown:
            self.conversation.add_error(event)
        self.post_message(self.StateChanged(self))
