"""HelpScreen: every key the app answers to, read from the one key table."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Label

from copilot_tui.keys import KEY_SECTIONS, KeySpec
from copilot_tui.screens.dialog import Dialog


class HelpScreen(Dialog[None]):
    """The keys, section by section, in a scrollable dialog."""

    DEFAULT_CSS = """
    HelpScreen > #help-dialog {
        scrollbar-size-vertical: 1;
    }
    HelpScreen .help-section {
        width: 100%;
        margin-top: 1;
        color: $text-accent;
        text-style: bold;
    }
    HelpScreen .help-row {
        height: auto;
    }
    HelpScreen .help-key {
        padding-left: 1;
        text-style: bold;
    }
    HelpScreen .help-description {
        width: 1fr;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "close", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog", classes="dialog") as dialog:
            dialog.border_title = "Keys"
            dialog.border_subtitle = "↑↓ PgUp PgDn scroll · Esc, F1 or q closes"
            # One key column for every section, as wide as the longest key.
            width = 3 + max(len(key.label) for _, keys in KEY_SECTIONS for key in keys)
            for title, keys in KEY_SECTIONS:
                yield Label(title, classes="help-section", markup=False)
                yield from (self._key_row(key, width) for key in keys)

    @staticmethod
    def _key_row(key: KeySpec, width: int) -> Horizontal:
        label = Label(key.label, classes="help-key", markup=False)
        label.styles.width = width
        return Horizontal(
            label,
            Label(key.description, classes="help-description", markup=False),
            classes="help-row",
        )

    def action_close(self) -> None:
        """Back to where help was opened."""
        self.dismiss(None)
