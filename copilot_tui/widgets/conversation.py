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
from copilot_tui.widgets.frames import FrameClock, virtual_size_without_relayout
from copilot_tui.widgets.messages import AssistantMessage, ErrorNotice, UserMessage

# A long session opens with its newest messages, about this many screens of them; older
# ones come a page at a time when the user reaches the top. Each Markdown message costs
# a few tens of milliseconds to mount, so a fixed 40 made a big session open in ~0.6 s.
SCREENS_PER_PAGE = 2.5
MESSAGE_CHROME_LINES = 3  # border and margin around each message
DISPLAYED = (UserMessageEvent, AssistantMessageEvent, SessionErrorEvent)


def estimated_lines(event: SessionEvent, width: int) -> int:
    """Roughly how many lines an event takes on screen at this width."""
    text = getattr(event, "content", "") or getattr(event, "message", "")
    usable = max(20, width - 6)
    wrapped = sum(len(line) // usable + 1 for line in text.split("\n"))
    return wrapped + MESSAGE_CHROME_LINES


def newest_page(events: Sequence[SessionEvent], width: int, lines: int) -> int:
    """How many of the newest events fill about `lines` lines (at least one)."""
    total = 0
    for count, event in enumerate(reversed(events), start=1):
        total += estimated_lines(event, width)
        if total >= lines:
            return count
    return len(events)


def message_view(
    event: SessionEvent, live_text: str = "", frames: FrameClock | None = None
) -> Widget | None:
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
            frames=frames,
        )
    if isinstance(event, SessionErrorEvent):
        return ErrorNotice(event)
    return None


class Conversation(VerticalScroll, can_focus=True):
    """The messages of one session. Scrolled to the bottom it follows new text."""

    virtual_size = virtual_size_without_relayout()

    def __init__(self, frames: FrameClock, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._frames = frames  # the replies draw on it
        self._older: Sequence[SessionEvent] = []
        self.following = True  # pinned to the newest text until the user scrolls up
        self._live_text: dict[str, str] = {}
        self._earlier_button = Button("Show earlier messages", classes="earlier", compact=True)

    def _page_size(self, events: Sequence[SessionEvent]) -> int:
        width, height = self.size.width or 100, self.size.height or 40
        return newest_page(events, width, int(height * SCREENS_PER_PAGE))

    def show_history(self, events: Sequence[SessionEvent], live_text: dict[str, str]) -> None:
        """Render stored events: the newest page now, the rest on demand."""
        shown = [event for event in events if isinstance(event, DISPLAYED)]
        split = len(shown) - self._page_size(shown)
        self._older, newest = shown[:split], shown[split:]
        self._live_text = live_text
        self.mount_all(self._views(newest))
        if self._older:
            self._update_earlier_button()
            self.mount(self._earlier_button, before=0)
        self.anchor()

    def _views(self, events: Sequence[SessionEvent]) -> list[Widget]:
        live = self._live_text
        views = (message_view(event, live.get(event.id, ""), self._frames) for event in events)
        return [view for view in views if view is not None]

    def _update_earlier_button(self) -> None:
        self._earlier_button.label = f"Show {len(self._older)} earlier messages"

    def show_earlier(self) -> None:
        """Mount the next page of older messages above the shown ones, keeping the view
        on the message that was at the top."""
        if not self._older:
            return
        split = len(self._older) - self._page_size(self._older)
        page, self._older = self._older[split:], self._older[:split]
        was_first = next(
            (child for child in self.children if child is not self._earlier_button), None
        )
        self.mount_all(self._views(page), after=self._earlier_button)
        if self._older:
            self._update_earlier_button()
        else:
            self._earlier_button.remove()
        if was_first is not None:
            self.call_after_refresh(self._keep_at_top, was_first)

    def _keep_at_top(self, widget: Widget) -> None:
        if not self.following:  # the user may have jumped to the end meanwhile
            self.scroll_to_widget(widget, top=True, animate=False, immediate=True)

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
            message_id=event.message_id,
            model=event.model,
            text="",
            status="streaming",
            frames=self._frames,
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
        if new_value <= 0 < old_value and self._older:
            self.show_earlier()  # the user reached the top: bring the next page

    def jump_to_end(self) -> None:
        self.following = True
        self.anchor()
