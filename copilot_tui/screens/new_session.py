"""NewSessionScreen: model, optional id and system prompt, then Create."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, TextArea

from copilot_tui.core.client import CopilotClient
from copilot_tui.core.errors import CopilotError, InvalidSessionIdError
from copilot_tui.core.ids import validate_session_id
from copilot_tui.core.session import CopilotSession
from copilot_tui.screens.dialog import Dialog
from copilot_tui.screens.model_field import ModelField


class NewSessionScreen(Dialog[CopilotSession | None]):
    """Create a session; returns it, or None when cancelled."""

    DEFAULT_CSS = """
    NewSessionScreen > #new-dialog {
        max-width: 96%;
        max-height: 96%;
    }
    NewSessionScreen .new-row {
        height: auto;
    }
    NewSessionScreen .new-label {
        width: 15;
        height: 3;
        content-align: left middle;
    }
    NewSessionScreen .new-field {
        width: 1fr;
        height: auto;
    }
    NewSessionScreen #system-input {
        height: 6;
    }
    NewSessionScreen.-short #system-input {
        height: 4;
    }
    NewSessionScreen.-short #model-list {
        max-height: 3;
    }
    NewSessionScreen .dialog-error {
        margin: 0 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", show=False),
        Binding("ctrl+s", "create", "Create", show=False, priority=True),
    ]
    # Less room for the model list and the prompt in a 24-line terminal. (No ClassVar:
    # Textual declares this attribute without one, and mypy refuses the mismatch.)
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]  # noqa: RUF012

    def __init__(self, client: CopilotClient) -> None:
        super().__init__()
        self._client = client

    def compose(self) -> ComposeResult:
        with Vertical(id="new-dialog", classes="dialog") as dialog:
            dialog.border_title = "New session"
            dialog.border_subtitle = "↑↓ pick a model · Ctrl+S or Enter creates · Esc cancels"
            with Horizontal(classes="new-row"):
                yield Label("Model", classes="new-label")
                yield ModelField(self._client, default=self._default_model())
            with Horizontal(classes="new-row"):
                yield Label("Session id", classes="new-label")
                with Vertical(classes="new-field"):
                    yield Input(placeholder="optional; empty for a random id", id="id-input")
                    yield Label("", id="id-error", classes="dialog-error", markup=False)
            with Horizontal(classes="new-row"):
                yield Label("System prompt", classes="new-label")
                yield TextArea(id="system-input", placeholder="optional", classes="new-field")
            yield Label("", id="create-error", classes="dialog-error", markup=False)
            with Horizontal(id="new-buttons", classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Create", id="create", variant="primary")

    def _default_model(self) -> str:
        try:
            return self._client.providers.configured_default_model() or ""
        except CopilotError:  # not started: the client picks its default on create
            return ""

    def _show_error(self, label_id: str, message: str) -> None:
        label = self.query_one(f"#{label_id}", Label)
        label.update(message)
        label.set_class(bool(message), "-shown")

    def _id_problem(self, session_id: str) -> str:
        """Why `session_id` cannot be used ("" when it can; empty means a random id)."""
        if not session_id:
            return ""
        try:
            validate_session_id(session_id)
        except InvalidSessionIdError as error:
            return error.message
        return ""

    @on(Input.Changed, "#id-input")
    def _id_changed(self, event: Input.Changed) -> None:
        """Check the id as it is typed."""
        self._show_error("id-error", self._id_problem(event.value.strip()))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter in the model or id field creates the session."""
        event.stop()
        self.action_create()

    @on(Button.Pressed, "#create")
    def _create_pressed(self) -> None:
        """Create the session."""
        self.action_create()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        """Close without creating anything."""
        self.action_cancel()

    def action_create(self) -> None:
        """Create the session from the fields, unless the id is invalid."""
        id_input = self.query_one("#id-input", Input)
        session_id = id_input.value.strip()
        problem = self._id_problem(session_id)
        if problem:
            self._show_error("id-error", problem)
            id_input.focus()
            return
        system = self.query_one("#system-input", TextArea).text
        model = self.query_one(ModelField).value
        self._create(model or None, session_id or None, system if system.strip() else None)

    @work(exclusive=True, group="new-session")
    async def _create(self, model: str | None, session_id: str | None, system: str | None) -> None:
        """Ask the client for the session; show its error and keep the fields on failure."""
        create = self.query_one("#create", Button)
        create.disabled = True
        self._show_error("create-error", "")
        try:
            session = await self._client.create_session(
                model=model, session_id=session_id, system_message=system
            )
        except CopilotError as error:
            self._show_error("create-error", error.message)
            return
        finally:
            create.disabled = False
        self.dismiss(session)

    def action_cancel(self) -> None:
        """Close without creating anything."""
        self.dismiss(None)
