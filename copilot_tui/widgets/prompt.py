"""The prompt: a multi-line editor where Enter sends."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import TextArea

from copilot_tui.keys import APP_KEYS
from copilot_tui.safe_text import printable_in_place

NEWLINE_KEYS = frozenset({"alt+enter", "ctrl+j", "shift+enter"})


class PromptArea(TextArea):
    """Enter sends; Alt+Enter, Ctrl+J (or Shift+Enter where the terminal tells) add a line.

    The app's keys that TextArea also binds (Ctrl+W, Ctrl+E, Ctrl+Y) go to the app.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(spec.keys, f"app.{spec.action}", spec.description, show=False)
        for spec in APP_KEYS
        if spec.over_editor
    ]

    class Submitted(Message):
        """The user sent `text` (not yet stripped; blank text is never sent)."""

        def __init__(self, prompt: PromptArea, text: str) -> None:
            super().__init__()
            self.prompt = prompt
            self.text = text

        @property
        def control(self) -> PromptArea:
            return self.prompt

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(
            text,
            id=id,
            soft_wrap=True,
            tab_behavior="focus",
            show_line_numbers=False,
            compact=True,
            placeholder="Ask anything… (Enter sends, Alt+Enter new line)",
        )

    def on_mount(self) -> None:
        self.move_cursor(self.document.end)  # a restored draft continues where it ended

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.submit()
            return
        if event.key in NEWLINE_KEYS:
            event.stop()
            event.prevent_default()
            self.insert("\n")
            return
        if event.key.startswith("alt+"):
            # A terminal sends Alt+1 as key "alt+1" with character "1": TextArea would
            # type the 1. Alt combinations are commands (jump to tab 1), never text, so
            # skip TextArea's handler and let the key bubble up to the app's bindings.
            event.prevent_default()
            return
        await super()._on_key(event)

    def get_line(self, line_index: int) -> Text:
        """The line as drawn: a pasted control character shows, never acts (the text keeps it)."""
        shown = printable_in_place(self.document.get_line(line_index))
        return Text(shown, end="", no_wrap=True)

    def submit(self) -> None:
        """Send the text (what Enter does); blank text is not sent."""
        if self.text.strip():
            self.post_message(self.Submitted(self, self.text))
            self.clear()
