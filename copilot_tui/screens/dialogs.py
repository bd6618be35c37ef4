"""Small dialogs: a yes/no question and a new title."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from copilot_tui.safe_text import printable
from copilot_tui.screens.dialog import Dialog


class ConfirmScreen(Dialog[bool]):
    """Ask a yes/no question; True only on purpose (y, or the confirm button).

    Focus starts on Cancel, so an Enter meant for the screen below deletes nothing.
    """

    DEFAULT_CSS = """
    ConfirmScreen > #confirm-dialog {
        width: 64;
        border: round $error;
        padding: 1 2;
    }
    ConfirmScreen #confirm-question {
        width: 100%;
        margin-bottom: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", show=False),
        Binding("n,escape", "answer(False)", "No", show=False),
        Binding("left", "app.focus_previous", show=False),
        Binding("right", "app.focus_next", show=False),
    ]

    def __init__(self, question: str, *, confirm_label: str = "Delete") -> None:
        super().__init__()
        self._question = question
        self._confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog") as dialog:
            dialog.border_title = f"{self._confirm_label}?"
            yield Static(printable(self._question), id="confirm-question", markup=False)
            with Horizontal(id="confirm-buttons", classes="dialog-buttons"):
                yield Button("Cancel (n)", id="cancel")
                yield Button(f"{self._confirm_label} (y)", id="confirm", variant="error")

    def on_mount(self) -> None:
        """Start on the harmless answer."""
        self.query_one("#cancel", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        """Answer with the button that was pressed."""
        event.stop()
        self.dismiss(event.button.id == "confirm")

    def action_answer(self, answer: bool) -> None:
        """Answer from the keyboard."""
        self.dismiss(answer)


class RenameScreen(Dialog[str | None]):
    """Ask for a session's new title; returns it stripped, or None."""

    DEFAULT_CSS = """
    RenameScreen > #rename-dialog {
        width: 64;
        padding: 1 2;
    }
    RenameScreen #rename-hint {
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", show=False),
    ]

    def __init__(self, current: str) -> None:
        super().__init__()
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="rename-dialog", classes="dialog") as dialog:
            dialog.border_title = "Rename session"
            # Prefilled whole and selected (select_on_focus) so typing replaces it.
            yield Input(printable(self._current), placeholder="Title", id="rename-input")
            yield Label("", id="rename-error", classes="dialog-error", markup=False)
            yield Label("Enter saves · Esc cancels", id="rename-hint")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        """Return the new title, or say why it cannot be empty."""
        event.stop()
        title = event.value.strip()
        if title:
            self.dismiss(title)
            return
        error = self.query_one("#rename-error", Label)
        error.update("The title cannot be empty.")
        error.add_class("-shown")

    def action_cancel(self) -> None:
        """Keep the old title."""
        self.dismiss(None)
