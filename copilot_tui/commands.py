"""Command palette entries that switch the active session's model."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any, Protocol

from textual.app import App, SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from copilot_tui.core.client import CopilotClient
from copilot_tui.core.errors import CopilotError
from copilot_tui.keys import APP_KEYS
from copilot_tui.safe_text import printable


def action_commands(app: App[Any]) -> Iterable[SystemCommand]:
    """Every app action in the key table, for the command palette."""
    for spec in APP_KEYS:
        if spec.action and spec.action != "quit":
            yield SystemCommand(spec.description, spec.label, partial(app.run_action, spec.action))


class ModelSwitcher(Protocol):
    client: CopilotClient

    def switch_model(self, model: str) -> None: ...


class ModelCommands(Provider):
    """ "Switch model: X" for every model the providers list, or any model typed."""

    async def startup(self) -> None:
        try:
            self._models = [model.id for model in await self._switcher.client.list_models()]
        except CopilotError:
            self._models = []

    @property
    def _switcher(self) -> ModelSwitcher:
        app = self.app
        assert hasattr(app, "switch_model"), "ModelCommands needs an app that switches models"
        return app  # type: ignore[return-value]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for model in self._models:
            text = f"Switch model: {printable(model)}"
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), partial(self._switch, model), text=text)
        typed = query.strip()
        if typed and typed not in self._models:
            text = f"Switch model to “{printable(typed)}” (as typed)"
            yield Hit(0.01, Content(text), partial(self._switch, typed), text=text)

    async def discover(self) -> Hits:
        for model in self._models:
            text = f"Switch model: {printable(model)}"
            yield DiscoveryHit(Content(text), partial(self._switch, model), text=text)

    def _switch(self, model: str) -> None:
        self._switcher.switch_model(model)
