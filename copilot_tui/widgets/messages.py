"""The blocks a conversation is made of: prompts, replies and errors."""

from __future__ import annotations

import asyncio

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Markdown, Static
from textual.widgets.markdown import MarkdownStream

from copilot_tui.core.events import MessageStatus, SessionErrorEvent, UserMessageEvent
from copilot_tui.safe_text import printable

STATUS_NOTES: dict[str, str] = {
    "aborted": "aborted",
    "interrupted": "interrupted (the app stopped mid-reply)",
    "error": "failed",
    "streaming": "",
    "complete": "",
}


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
    `on_mount` runs after it, so appends wait for `ready`.
    """

    def __init__(self, markdown: str) -> None:
        super().__init__(markdown)
        self.ready = asyncio.Event()

    def on_mount(self) -> None:
        self.ready.set()


class AssistantMessage(Vertical):
    """One reply: Markdown streamed in as it arrives, then its final status."""

    def __init__(self, *, message_id: str, model: str, text: str, status: MessageStatus) -> None:
        super().__init__(classes="message")
        self.message_id = message_id
        self.border_title = printable(model)
        self._markdown = ReplyMarkdown(printable(text))
        self._stream: MarkdownStream | None = None
        self.status = status

    def compose(self) -> ComposeResult:
        yield self._markdown

    @property
    def status(self) -> MessageStatus:
        return self._status

    @status.setter
    def status(self, status: MessageStatus) -> None:
        self._status = status
        for name in STATUS_NOTES:
            self.set_class(name == status, f"-{name}")
        self.border_subtitle = STATUS_NOTES[status]

    async def add_text(self, text: str) -> None:
        """Append streamed text; MarkdownStream re-renders only the last block."""
        if self._stream is None:
            await self._markdown.ready.wait()  # the first text may come before the mount
            self._stream = Markdown.get_stream(self._markdown)
        await self._stream.write(printable(text))

    async def finish(self, status: MessageStatus, text: str) -> None:
        """End the stream and show the final `text` (it differs only if a delta was missed)."""
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None
        shown = printable(text)
        if self._markdown.source != shown:
            await self._markdown.ready.wait()
            await self._markdown.update(shown)
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
