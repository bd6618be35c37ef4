"""The blocks a conversation is made of: prompts, replies and errors."""

from __future__ import annotations

import asyncio
import time

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Markdown, Static
from textual.widgets.markdown import MarkdownStream

from copilot_tui.core.events import MessageStatus, SessionErrorEvent, UserMessageEvent
from copilot_tui.safe_text import printable
from copilot_tui.widgets.frames import FRAME, until_next_frame

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


class ReplyMarkdown(Markdown):
    """Markdown that says when it is ready for appends.

    Markdown's own mount handler renders the initial text with `update()`, which
    replaces the source: text appended before that finishes would be lost. The public
    `on_mount` runs after it, so it announces readiness.
    """

    class Ready(Message):
        """The initial text is rendered; appends are safe from now on."""

    def __init__(self, markdown: str) -> None:
        super().__init__(markdown)
        self.ready = False

    def on_mount(self) -> None:
        self.ready = True
        self.post_message(self.Ready())


class AssistantMessage(Vertical):
    """One reply: Markdown streamed in as it arrives, then its final status.

    Nothing here waits for the Markdown to mount (a handler that waits blocks its
    widget's queue, and at shutdown it would wait forever): text that comes early is
    kept and handed over when the Markdown says it is ready.
    """

    def __init__(
        self,
        *,
        message_id: str,
        model: str,
        text: str,
        status: MessageStatus,
        winner: bool = False,
    ) -> None:
        super().__init__(classes="message")
        self.message_id = message_id
        self.border_title = printable(model)
        self._rendered_at_start = printable(text)
        self._parts = [self._rendered_at_start]
        self._markdown = ReplyMarkdown(self._rendered_at_start)
        self._stream: MarkdownStream | None = None
        self._unrendered: list[str] = []
        self._render_scheduled = False
        self._last_render = 0.0
        self._finished = status != "streaming"
        self._winner = winner
        self.status = status

    def compose(self) -> ComposeResult:
        yield self._markdown

    @property
    def text(self) -> str:
        """Everything received so far, as shown (control characters made visible)."""
        if len(self._parts) > 1:
            self._parts = ["".join(self._parts)]
        return self._parts[0]

    @property
    def status(self) -> MessageStatus:
        return self._status

    @status.setter
    def status(self, status: MessageStatus) -> None:
        self._status = status
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

    async def add_text(self, text: str) -> None:
        """Append streamed text; it is rendered on the next frame of the grid (at once
        if the last render is older than a frame)."""
        shown = printable(text)
        self._parts.append(shown)
        if self._stream is None:
            return  # handed over whole when the Markdown is ready
        self._unrendered.append(shown)
        if not self._render_scheduled:
            self._render_scheduled = True
            # Each Markdown append restyles and re-lays out the growing reply: once per
            # network read would cost O(n^2) over a long fast reply; once a frame does not.
            if time.monotonic() - self._last_render < FRAME:
                self.set_timer(until_next_frame(), self._render_pending)
            else:  # a zero-interval Textual timer divides by zero
                self.call_later(self._render_pending)

    async def _render_pending(self) -> None:
        self._render_scheduled = False
        if self._stream is not None and self._unrendered:
            pending = "".join(self._unrendered)
            self._unrendered.clear()
            self._last_render = time.monotonic()
            await self._stream.write(pending)

    @on(ReplyMarkdown.Ready)
    async def _markdown_ready(self, message: ReplyMarkdown.Ready) -> None:
        message.stop()
        if self._finished:
            await self._show_exactly(self.text)
            return
        self._stream = Markdown.get_stream(self._markdown)
        missed = self.text[len(self._rendered_at_start) :]
        if missed:
            await self._stream.write(missed)

    async def finish(self, status: MessageStatus, text: str) -> None:
        """End the stream and show the final `text` (it differs only if a delta was missed)."""
        self._finished = True
        self._parts = [printable(text)]
        await self._render_pending()  # a render still scheduled will find nothing left
        if self._stream is not None:
            await stop_stream(self._stream)
            self._stream = None
        if self._markdown.ready:
            await self._show_exactly(self.text)
        self.status = status

    async def _show_exactly(self, text: str) -> None:
        if self._markdown.source != text:
            await self._markdown.update(text)


async def stop_stream(stream: MarkdownStream) -> None:
    """`stream.stop()`, minus a Textual 8.2 trap: a stream stopped before its task first
    ran re-raises that task's cancellation here, ending the caller's message loop (the
    pane dies silently, the app crashes on its next tick). A reply failing at once did it.
    """
    try:
        await stream.stop()
    except asyncio.CancelledError:
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            raise  # the caller itself is being cancelled


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
