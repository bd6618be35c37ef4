"""The reply a pane is receiving: its text so far, and how much of it is on screen.

A pane renders only while it is shown; a hidden pane keeps the text here and hands
the view what it missed (and the endings it deferred) when it is shown again.
"""

from __future__ import annotations

from copilot_tui.core.events import AssistantMessageEvent
from copilot_tui.widgets.conversation import Conversation
from copilot_tui.widgets.messages import AssistantMessage


class ReplyFeed:
    """Text of the replies streaming into one pane, and what their views have had."""

    def __init__(self) -> None:
        self._parts: dict[str, list[str]] = {}
        self.view: AssistantMessage | None = None
        self._fed = 0  # deltas of the current reply handed to `view`
        self._deferred_endings: list[AssistantMessageEvent] = []

    def texts(self) -> dict[str, str]:
        """The text so far of every reply still streaming, by message id."""
        return {message_id: "".join(parts) for message_id, parts in self._parts.items()}

    def start(self, message_id: str, view: AssistantMessage | None) -> None:
        self._parts[message_id] = []
        self.view = view
        self._fed = 0

    def attach(self, message_id: str, view: AssistantMessage | None) -> None:
        """A view now shows the reply with all the text received so far."""
        self.view = view
        self._fed = len(self._parts.get(message_id, []))

    def add(self, message_id: str, text: str, *, visible: bool) -> bool:
        """Record a delta; render it if the pane is shown. True if it was rendered."""
        parts = self._parts.get(message_id)
        if parts is None:
            return False
        parts.append(text)
        view = self.view
        if view is None or view.message_id != message_id or not visible:
            return False
        view.add_text(text)
        self._fed = len(parts)
        return True

    def end(
        self, event: AssistantMessageEvent, conversation: Conversation | None, *, visible: bool
    ) -> None:
        """The reply ended: show its final text now, or when the pane is shown."""
        self._parts.pop(event.message_id, None)
        view = self.view
        if view is None and conversation is not None:
            view = conversation.reply(event.message_id)
        if view is not None and visible:
            view.finish(event.status, event.content)
        elif view is not None:
            self._deferred_endings.append(event)
        self.view = None

    def catch_up(self, conversation: Conversation, current_message_id: str | None) -> None:
        """Render what came while the pane was hidden."""
        endings, self._deferred_endings = self._deferred_endings, []
        for event in endings:
            if (view := conversation.reply(event.message_id)) is not None:
                view.finish(event.status, event.content)
        parts = self._parts.get(current_message_id or "", [])
        if self.view is not None and len(parts) > self._fed:
            self.view.add_text("".join(parts[self._fed :]))
            self._fed = len(parts)
