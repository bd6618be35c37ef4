"""The blocks a conversation is made of: prompts, replies and errors."""

from __future__ import annotations

import time

from textual.content import Content
from textual.widgets import Static

from copilot_tui.core.events import MessageStatus, SessionErrorEvent, UserMessageEvent
from copilot_tui.safe_text import printable
from copilot_tui.widgets.frames import FRAME, GROW_LINES, FrameClock
from copilot_tui.widgets.markdown_lines import MarkdownLines

# A reply's state is shown in its frame's subtitle, coloured by markup, not by CSS
# classes: a class change restyles the widget's whole subtree (every block of a long
# reply), a subtitle change redraws one line.
STATUS_NOTES: dict[str, str] = {
    "aborted": "[$warning]aborted[/]",
    "interrupted": "[$warning]interrupted (the app stopped mid-reply)[/]",
    "error": "[$error]failed[/]",
    "streaming": "[$accent]streaming…[/]",
    "complete": "",
}
WINNER_NOTE = "[$success bold]★ winner[/]"


SHOWN_PROMPT_LINES = 40
SHOWN_PROMPT_CHARS = 8_000


def prompt_display(text: str) -> Content:
    """A prompt as shown: whole if short, else its start and how much more there is.

    A pasted megabyte would make every later frame slow; the store keeps it exact.
    """
    shown = "\n".join(text[:SHOWN_PROMPT_CHARS].split("\n")[:SHOWN_PROMPT_LINES])
    if len(shown) == len(text):
        return Content(printable(text))
    total_lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    more_lines = total_lines - (shown.count("\n") + 1)
    note = f"\n… {more_lines:,} more lines ({len(text) / 1024:,.0f} KB in all; Ctrl+E exports it)"
    return Content.assemble(printable(shown), (note, "dim italic"))


class UserMessage(Static):
    """A prompt the user sent; marked while it waits for its turn."""

    def __init__(self, event: UserMessageEvent, *, queued: bool = False) -> None:
        super().__init__(prompt_display(event.content), classes="message")
        self.message_id = event.id
        self.border_title = "You"
        self.queued = queued

    @property
    def queued(self) -> bool:
        return self.has_class("-queued")

    @queued.setter
    def queued(self, value: bool) -> None:
        self.set_class(value, "-queued")
        self.border_subtitle = "queued" if value else ""


class AssistantMessage(MarkdownLines):
    """One reply: Markdown streamed in as it arrives, then its final status.

    Text is drawn at most once a frame, by the `frames` clock the tab spinners share
    (its own if none is given): drawing once per network read would redraw the last
    block tens of times a second.
    """

    def __init__(
        self,
        *,
        message_id: str,
        model: str,
        text: str,
        status: MessageStatus,
        winner: bool = False,
        frames: FrameClock | None = None,
    ) -> None:
        super().__init__(printable(text), classes="message")
        self._frames = frames or FrameClock(self)
        self.message_id = message_id
        self.border_title = printable(model)
        self._pending: list[str] = []
        self._last_draw = 0.0
        self._winner = winner
        self.status = status

    @property
    def text(self) -> str:
        """Everything received so far, as shown (control characters made visible)."""
        return self.source + "".join(self._pending)

    @property
    def status(self) -> MessageStatus:
        return self._status

    @status.setter
    def status(self, status: MessageStatus) -> None:
        self._status = status
        self.grow_step = GROW_LINES if status == "streaming" else 1
        self._update_subtitle()

    @property
    def winner(self) -> bool:
        """Marked best of its compare run."""
        return self._winner

    @winner.setter
    def winner(self, winner: bool) -> None:
        self._winner = winner
        self._update_subtitle()

    def _update_subtitle(self) -> None:
        notes = [STATUS_NOTES[self._status], WINNER_NOTE if self._winner else ""]
        self.border_subtitle = Content.from_markup(" · ".join(note for note in notes if note))

    def add_text(self, text: str) -> None:
        """Append streamed text; it is drawn on the next frame of the grid (at once if
        the last draw is older than a frame)."""
        self._pending.append(printable(text))
        if len(self._pending) > 1:
            return  # a draw is already scheduled
        if time.monotonic() - self._last_draw < FRAME:
            self._frames.request(self._draw_pending)
        else:
            self.call_later(self._draw_pending)

    def _draw_pending(self) -> None:
        if self._pending:
            pending = "".join(self._pending)
            self._pending.clear()
            self._last_draw = time.monotonic()
            self.append(pending)

    def finish(self, status: MessageStatus, text: str) -> None:
        """Show the final `text` (it differs only if a delta was missed) and `status`."""
        self._draw_pending()
        shown = printable(text)
        if shown != self.source:
            self.update(shown)
        self.status = status


class ErrorNotice(Static):
    """What went wrong in this session's last turn, and what to do."""

    def __init__(self, event: SessionErrorEvent) -> None:
        text = Content.assemble(
            ("✗ ", "bold"),
            printable(event.message),
            ("\nCtrl+R retries the prompt.", "dim"),
        )
        super().__init__(text, classes="message")
        self.border_title = "Error"
