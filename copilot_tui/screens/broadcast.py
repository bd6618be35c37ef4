"""BroadcastScreen: one prompt to several sessions (open tabs and new ones per model)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Input, Label, SelectionList, TextArea

from copilot_tui.core.client import CopilotClient
from copilot_tui.core.errors import CopilotError
from copilot_tui.safe_text import printable
from copilot_tui.screens.dialog import Dialog


@dataclass(frozen=True, slots=True)
class BroadcastRequest:
    """Send `prompt` to these open sessions and to one new session per model."""

    session_ids: tuple[str, ...]
    models: tuple[str, ...]
    prompt: str

    @property
    def target_count(self) -> int:
        return len(self.session_ids) + len(self.models)


def typed_models(text: str) -> tuple[str, ...]:
    """Model names from "a, b  c" (commas or spaces); blanks dropped, order kept."""
    return tuple(dict.fromkeys(name for name in text.replace(",", " ").split() if name))


class BroadcastScreen(Dialog[BroadcastRequest | None]):
    """Pick targets, type the prompt once, send (Ctrl+S); Esc cancels."""

    DEFAULT_CSS = """
    BroadcastScreen > #broadcast-dialog {
        width: 90;
        max-height: 96%;
    }
    BroadcastScreen .broadcast-label {
        margin-top: 1;
        color: $text-muted;
    }
    BroadcastScreen SelectionList {
        height: auto;
        max-height: 8;
    }
    BroadcastScreen #broadcast-prompt {
        height: 5;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", show=False),
        Binding("ctrl+s", "send", "Send", show=False, priority=True),
    ]

    def __init__(
        self,
        client: CopilotClient,
        tabs: Sequence[tuple[str, str]],
        *,
        preselected: Collection[str] = (),
    ) -> None:
        super().__init__()
        self._client = client
        self._tabs = tabs
        self._preselected = set(preselected)

    def compose(self) -> ComposeResult:
        with Vertical(id="broadcast-dialog", classes="dialog") as dialog:
            dialog.border_title = "Send one prompt to several sessions"
            dialog.border_subtitle = "Space ticks · Ctrl+S sends · Esc cancels"
            yield Label("Open tabs", classes="broadcast-label")
            yield SelectionList[str](*self._tab_choices(), id="targets")
            yield Label("New sessions for models", classes="broadcast-label")
            yield SelectionList[str](id="models")
            yield Input(placeholder="other models, e.g. ollama:llama3.2 gpt-4o", id="extra-models")
            yield Label("Prompt", classes="broadcast-label")
            yield TextArea(id="broadcast-prompt")
            yield Label("", id="broadcast-error", classes="dialog-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Send to all", id="send", variant="primary")

    def _tab_choices(self) -> list[tuple[Content, str, bool]]:
        return [
            (
                Content(f"{printable(title)}  ({session_id})"),
                session_id,
                session_id in self._preselected,
            )
            for session_id, title in self._tabs
        ]

    def on_mount(self) -> None:
        self.query_one("#broadcast-prompt", TextArea).focus()
        self._load_models()

    @work(exclusive=True)
    async def _load_models(self) -> None:
        models = self.query_one("#models", SelectionList)
        models.loading = True
        try:
            listed = await self._client.list_models()
        except CopilotError as error:
            listed = []
            self.query_one("#extra-models", Input).placeholder = f"type models ({error.message})"
        models.loading = False
        models.add_options([(Content(printable(m.id)), m.id) for m in listed])

    def request(self) -> BroadcastRequest:
        """What the dialog asks for, as it stands."""
        listed = self.query_one("#models", SelectionList).selected
        typed = typed_models(self.query_one("#extra-models", Input).value)
        return BroadcastRequest(
            session_ids=tuple(self.query_one("#targets", SelectionList).selected),
            models=tuple(dict.fromkeys([*listed, *typed])),
            prompt=self.query_one("#broadcast-prompt", TextArea).text,
        )

    def action_send(self) -> None:
        request = self.request()
        problem = _problem_with(request)
        if problem:
            error = self.query_one("#broadcast-error", Label)
            error.update(problem)
            error.add_class("-shown")
            return
        self.dismiss(request)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#send")
    def _send_pressed(self) -> None:
        self.action_send()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()


def _problem_with(request: BroadcastRequest) -> str:
    if request.target_count < 2:
        return "Pick at least two targets: open tabs, models, or both."
    if not request.prompt.strip():
        return "Type the prompt to send."
    return ""
