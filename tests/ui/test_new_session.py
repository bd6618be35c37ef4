"""NewSessionScreen: the model field and its list, the id check, create and its errors."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from textual.app import App
from textual.widgets import Input, Label, OptionList, TextArea

from copilot_tui.core.client import CopilotClient
from copilot_tui.core.config import ProviderConfig
from copilot_tui.core.demo_server import DemoServer
from copilot_tui.core.session import CopilotSession
from copilot_tui.screens.new_session import NewSessionScreen
from tests.conftest import ConfigFactory
from tests.helpers import wait_for

MODELS = ("gpt-4o", "gpt-4o-mini", "llama3.2:3b")


class NewSessionHost(App[None]):
    """Pushes the dialog and records what it returns."""

    def __init__(self, client: CopilotClient) -> None:
        super().__init__()
        self.dialog = NewSessionScreen(client)
        self.results: list[CopilotSession | None] = []

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.results.append)

    def options(self) -> list[str]:
        model_list = self.dialog.query_one("#model-list", OptionList)
        if not model_list.display:
            return []
        return [str(option.prompt) for option in model_list.options]

    def text(self, selector: str) -> str:
        label = self.dialog.query_one(selector, Label)
        return str(label.render()) if label.display else ""

    def value(self, selector: str) -> str:
        return self.dialog.query_one(selector, Input).value


def provider(server: DemoServer, **changes: object) -> ProviderConfig:
    fields: dict[str, object] = {"name": "test", "base_url": server.base_url}
    fields |= {"default_model": "test-model", "models": MODELS} | changes
    return ProviderConfig(**fields)  # type: ignore[arg-type]


@pytest.fixture
async def client(make_config: ConfigFactory, server: DemoServer) -> AsyncIterator[CopilotClient]:
    """A client whose provider offers MODELS."""
    async with CopilotClient(make_config(providers=(provider(server),)), environ={}) as started:
        yield started


async def listed(host: NewSessionHost) -> None:
    await wait_for(lambda: host.options() == list(MODELS))


async def test_default_model_is_prefilled_and_the_models_are_listed(
    client: CopilotClient,
) -> None:
    host = NewSessionHost(client)
    async with host.run_test(size=(100, 30)):
        await listed(host)
        model_input = host.dialog.query_one("#model-input", Input)
        assert model_input.value == "test-model"
        assert model_input.has_focus
        assert host.text("#model-note") == ""


async def test_typing_filters_the_listed_models(client: CopilotClient) -> None:
    host = NewSessionHost(client)
    async with host.run_test(size=(100, 30)) as pilot:
        await listed(host)
        await pilot.press("g", "p", "t")  # replaces the selected default
        assert host.options() == ["gpt-4o", "gpt-4o-mini"]
        await pilot.press(*"-4o-m")
        assert host.options() == ["gpt-4o-mini"]
        await pilot.press("x")
        assert host.options() == []


async def test_down_and_enter_pick_a_listed_model(client: CopilotClient) -> None:
    host = NewSessionHost(client)
    async with host.run_test(size=(100, 30)) as pilot:
        await listed(host)
        await pilot.press("G", "P", "T", "down")
        assert host.value("#model-input") == "gpt-4o"
        await pilot.press("down", "down")
        assert host.value("#model-input") == "gpt-4o-mini"
        assert host.options() == ["gpt-4o", "gpt-4o-mini"]  # picking does not filter
        await pilot.press("up", "down", "enter")
        await wait_for(lambda: bool(host.results))
    session = host.results[0]
    assert session is not None
    assert session.model == "gpt-4o-mini"


async def test_the_typed_fields_make_the_session(client: CopilotClient) -> None:
    host = NewSessionHost(client)
    async with host.run_test(size=(100, 30)) as pilot:
        await listed(host)
        await pilot.press(*"ollama:llama3.2:3b", "tab", *"my-id.1", "tab")
        await pilot.press(*"Be brief.", "enter", *"Always.", "ctrl+s")
        await wait_for(lambda: bool(host.results))
    session = host.results[0]
    assert session is not None
    assert (session.model, session.session_id) == ("ollama:llama3.2:3b", "my-id.1")
    assert session.system_message == "Be brief.\nAlways."
    assert [s.session_id for s in await client.list_sessions()] == ["my-id.1"]


async def test_a_bad_id_is_explained_and_creates_nothing(client: CopilotClient) -> None:
    host = NewSessionHost(client)
    async with host.run_test(size=(100, 30)) as pilot:
        await listed(host)
        await pilot.press("tab", *"bad id")
        assert "contains ' ' at position 4" in host.text("#id-error")
        await pilot.press("enter", "ctrl+s")
        await pilot.pause()
        assert host.screen is host.dialog
        assert host.dialog.query_one("#id-input", Input).has_focus
        await pilot.press("backspace", "backspace", "backspace")
        assert host.text("#id-error") == ""
    assert host.results == []
    assert await client.list_sessions() == []


async def test_an_existing_id_is_refused_inline_and_the_fields_kept(
    client: CopilotClient,
) -> None:
    await client.create_session(session_id="taken")
    host = NewSessionHost(client)
    async with host.run_test(size=(100, 30)) as pilot:
        await listed(host)
        await pilot.press("tab", *"taken", "tab", *"Hello", "ctrl+s")
        await wait_for(lambda: "already exists" in host.text("#create-error"))
        assert host.screen is host.dialog
        assert host.value("#id-input") == "taken"
        assert host.dialog.query_one(TextArea).text == "Hello"
        assert host.value("#model-input") == "test-model"
        assert host.results == []


async def test_escape_and_cancel_create_nothing(client: CopilotClient) -> None:
    for keys in (["escape"], ["tab", "tab", "tab", "enter"]):  # Tab thrice: Cancel
        host = NewSessionHost(client)
        async with host.run_test(size=(100, 30)) as pilot:
            await listed(host)
            await pilot.press(*keys)
            await wait_for(lambda host=host: bool(host.results))  # type: ignore[misc]
        assert host.results == [None]
    assert await client.list_sessions() == []


async def test_a_provider_that_cannot_list_is_a_note(
    make_config: ConfigFactory, server: DemoServer
) -> None:
    down = provider(server, name="down", base_url="http://127.0.0.1:9/v1", models=())
    config = make_config(providers=(provider(server), down))
    async with CopilotClient(config, environ={}) as started:
        host = NewSessionHost(started)
        async with host.run_test(size=(100, 30)):
            await listed(host)
            await wait_for(lambda: host.text("#model-note").startswith("Not listed: "))
            assert "127.0.0.1:9" in host.text("#model-note")
