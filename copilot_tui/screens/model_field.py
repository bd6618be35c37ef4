"""ModelField: a model name typed freely, or picked from the models the providers list."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList

from copilot_tui.core.client import CopilotClient
from copilot_tui.core.errors import CopilotError
from copilot_tui.core.metadata import ModelInfo
from copilot_tui.safe_text import printable


class ModelField(Vertical):
    """The model Input with the listed models under it; Up/Down pick one into the Input."""

    DEFAULT_CSS = """
    ModelField {
        height: auto;
    }
    ModelField #model-list {
        height: auto;
        max-height: 6;
        margin: 0 1;
        padding: 0 2;  /* the names line up with the text in the Input */
        background: $boost;
        scrollbar-size-vertical: 1;
        display: none;
    }
    ModelField #model-list.-shown {
        display: block;
    }
    ModelField #model-note {
        color: $text-muted;
        margin: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        display: none;
    }
    ModelField #model-note.-shown {
        display: block;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "pick(-1)", "Previous model", show=False),
        Binding("down", "pick(1)", "Next model", show=False),
    ]

    def __init__(self, client: CopilotClient, *, default: str) -> None:
        super().__init__()
        self._client = client
        self._default = default
        self._models: list[ModelInfo] = []
        self._shown: list[ModelInfo] = []
        # The Input text we set ourselves; its Changed event must not filter the list.
        self._picked: str | None = default

    def compose(self) -> ComposeResult:
        yield Input(
            self._default,
            placeholder="any model, e.g. gpt-4o-mini or ollama:llama3.2:3b",
            id="model-input",
        )
        list_ = OptionList(id="model-list", compact=True, markup=False)
        list_.can_focus = False  # Up/Down in the Input drive it; Tab skips it
        yield list_
        yield Label("", id="model-note", markup=False)

    def on_mount(self) -> None:
        """Ask the providers for their models in the background."""
        self._note("Loading models…")
        self._load()

    @property
    def value(self) -> str:
        """The model to use; empty for the client's default."""
        return self.query_one("#model-input", Input).value.strip()

    def _note(self, text: str) -> None:
        note = self.query_one("#model-note", Label)
        note.update(text)
        note.set_class(bool(text), "-shown")

    @work(exclusive=True, group="model-list")
    async def _load(self) -> None:
        """List the models; a provider that fails only adds a note."""
        try:
            self._models = await self._client.list_models()
        except CopilotError as error:
            self._note(f"No model list: {error.message}")
            return
        errors = self._client.model_errors
        if errors:
            self._note(f"Not listed: {'; '.join(errors)}")
        elif not self._models:
            self._note("No models listed; type any model name.")
        else:
            self._note("")
        self._show_models("" if self._picked is not None else self.value)

    @on(Input.Changed, "#model-input")
    def _typed(self, event: Input.Changed) -> None:
        """Narrow the list to the models containing what is typed."""
        if event.value == self._picked:
            return
        self._picked = None
        self._show_models(event.value)

    def _show_models(self, text: str) -> None:
        needle = text.strip().casefold()
        self._shown = [model for model in self._models if needle in model.id.casefold()]
        model_list = self.query_one("#model-list", OptionList)
        model_list.set_options(printable(model.id) for model in self._shown)
        model_list.set_class(bool(self._shown), "-shown")

    def action_pick(self, step: int) -> None:
        """Highlight the next or previous listed model and put it in the Input."""
        if not self._shown:
            return
        model_list = self.query_one("#model-list", OptionList)
        current = model_list.highlighted
        self._pick(0 if current is None else current + step)

    def _pick(self, index: int) -> None:
        index = max(0, min(index, len(self._shown) - 1))
        self.query_one("#model-list", OptionList).highlighted = index
        model_input = self.query_one("#model-input", Input)
        self._picked = self._shown[index].id
        model_input.value = self._picked
        model_input.cursor_position = len(self._picked)

    @on(OptionList.OptionSelected, "#model-list")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        """A click on a listed model picks it."""
        event.stop()
        self._pick(event.option_index)
        self.query_one("#model-input", Input).focus()
