"""A session's messages, oldest first, pinned to the newest while replies stream."""

from __future__ import annotations

from collections.abc import Sequence

from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Button

from copilot_tui.core.events import (
    AssistantMessageEvent,
    AssistantTurnStartEvent,
    SessionErrorEvent,
    SessionEvent,
    UserMessageEvent,
)
from copilot_tui.widgets.messages import AssistantMessage, ErrorNotice, UserMessage

# Render the newest messages first; older ones come when asked for (a long session opens fast).
PAGE_SIZE = 40
DISPLAYED = (UserMessageEvent, AssistantMessageEvent, SessionErrorEvent)


def message_view(event: SessionEvent, live_text: str = "") -> Widget | None:
    """The widget that shows a stored event, if it is shown at all."""
    if isinstance(event, UserMessageEvent):
        return UserMessage(event)
    if isinstance(event, AssistantMessageEvent):
        text = live_text if event.status == "streaming" else event.content
        return AssistantMessage(
            message_id=event.message_id,
            model=event.model,
            text=text,
            status=event.status,
            winner=event.winner,
        )
    if isinstance(event, SessionErrorEvent):
        return ErrorNotice(event)
    return None


class Conversation(VerticalScroll, can_focus=True):
    """The messages of one session. Scrolled to the bottom it follows new text."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._older: Sequence[SessionEvent] = []
        self.following = True  # pinned to the newest text until the user scrolls up
        self._live_text: dict[str, str] = {}
        self._earlier_button = Button("Show earlier messages", classes="earlier", compact=True)

    def show_history(self, events: Sequence[SessionEvent], live_text: dict[str, str]) -> None:
        """Render stored events: the newest page now, the rest on demand."""
        shown = [event for event in events if isinstance(event, DISPLAYED)]
        self._older, newest = shown[:-PAGE_SIZE], shown[-PAGE_SIZE:]
        self._live_text = live_text
        self.mount_all(self._views(newest))
        if self._older:
            self._update_earlier_button()
            self.mount(self._earlier_button, before=0)
        self.anchor()

    def _views(self, events: Sequence[SessionEvent]) -> list[Widget]:
        views = (message_view(event, self._live_text.get(event.id, "")) for event in events)
        return [view for view in views if view is not None]

    def _update_earlier_button(self) -> None:
        self._earlier_button.label = f"Show {len(self._older)} earlier messages"

    def show_earlier(self) -> None:
        """Mount the next page of older messages above the shown ones."""
        page, self._older = self._older[-PAGE_SIZE:], self._older[:-PAGE_SIZE]
        self.mount_all(self._views(page), after=self._earlier_button)
        if self._older:
            self._update_earlier_button()
        else:
            self._earlier_button.remove()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button is self._earlier_button:
            event.stop()
            self.show_earlier()

    def add_prompt(self, event: UserMessageEvent, *, queued: bool) -> None:
        self.mount(UserMessage(event, queued=queued))

    def start_reply(self, event: AssistantTurnStartEvent) -> AssistantMessage:
        for view in self.query(UserMessage):
            if view.message_id == event.reply_to:
                view.queued = False
        reply = AssistantMessage(
            message_id=event.message_id, model=event.model, text="", status="streaming"
        )
        self.mount(reply)
        return reply

    def reply(self, message_id: str) -> AssistantMessage | None:
        for view in reversed(self.query(AssistantMessage).nodes):
            if view.message_id == message_id:
                return view
        return None

    def show_winners(self, winners: dict[str, bool]) -> None:
        """Set the ★ mark of each reply shown (by message id)."""
        for view in self.query(AssistantMessage):
            view.winner = winners.get(view.message_id, False)

    def add_error(self, event: SessionErrorEvent) -> None:
        self.mount(ErrorNotice(event))

    def release_anchor(self) -> None:
        """Textual calls this when the user scrolls (wheel, keys, scrollbar)."""
        super().release_anchor()
        self.following = False

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if not self.following and new_value >= self.max_scroll_y:
            self.following = True  # scrolled back down: Textual re-anchors too

    def jump_to_end(self) -> None:
        self.following = True
        self.anchor()
