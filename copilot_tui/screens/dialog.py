"""The frame every dialog shares: centred, bordered, on the surface colour.

A dialog puts its content in a container with class "dialog"; "dialog-buttons" is the
row of buttons on the right, "dialog-error" a line shown (class "-shown") on a problem.
Each dialog sets only what differs: its size, padding or border colour.
"""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

ResultT = TypeVar("ResultT")


class Dialog(ModalScreen[ResultT]):
    """A modal screen drawn as a centred box."""

    DEFAULT_CSS = """
    Dialog {
        align: center middle;
    }
    Dialog > .dialog {
        width: 84;
        max-width: 95%;
        height: auto;
        max-height: 90%;
        border: round $primary;
        border-title-color: $text;
        border-subtitle-color: $text-muted;
        background: $surface;
        padding: 0 1;
    }
    Dialog .dialog-buttons {
        width: 100%;
        height: auto;
        align-horizontal: right;
    }
    Dialog .dialog-buttons Button {
        margin-left: 2;
    }
    Dialog .dialog-error {
        color: $text-error;
        display: none;
    }
    Dialog .dialog-error.-shown {
        display: block;
    }
    """
