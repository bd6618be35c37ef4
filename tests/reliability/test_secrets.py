"""Secrets: an API key reaches the model server and nothing else.

Keys come from the environment (by the variable's name, preferred) or from the config
file; they never show in the store, exports, logs, error messages, screenshots or
`sessions list --json`, even when a server echoes them back; a config file the library
writes is private (0600) from the moment it exists.
"""

from __future__ import annotations

import asyncio
import json
import logging
import stat
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from textual.pilot import Pilot

from copilot_tui.__main__ import main
from copilot_tui.app import CopilotApp
from copilot_tui.core.client import CopilotClient
from copilot_tui.core.config import (
    Config,
    ProviderConfig,
    config_from_dict,
    load_config,
    save_config,
)
from copilot_tui.core.demo_server import Behaviour, DemoServer
from copilot_tui.core.errors import ProviderError, SessionEventError
from copilot_tui.core.events import AssistantMessageEvent, SessionErrorEvent
from copilot_tui.core.http_errors import credentials
from copilot_tui.widgets.session_pane import SessionPane
from tests.conftest import ConfigFactory
from tests.ui.harness import active, restored, wait_until

pytestmark = pytest.mark.secret

KEY = "sk-planted-SECRET-1234"  # from the environment, by the variable's name
LITERAL = "sk-planted-LITERAL-5678"  # written in the config file (allowed, discouraged)
# Pieces too: a key cut short by a length limit still leaks.
FRAGMENTS = (KEY, LITERAL, "planted-SECRET", "planted-LITERAL", "SECRET-1234", "LITERAL-5678")


def leaks(text: str | bytes) -> list[str]:
    """The planted fragments found in `text`."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    return [fragment for fragment in FRAGMENTS if fragment.encode() in data]


def leaking_files(root: Path, *, skip: Path | None = None) -> dict[str, list[str]]:
    """Every file under `root` (recursively, binary) that holds a planted fragment."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and path != skip and (hits := leaks(path.read_bytes())):
            found[str(path.relative_to(root))] = hits
    return found


# -- a whole session, through every surface ---------------------------------------------


def write_config(url: str) -> Path:
    """The user's config: provider `env` reads KEY from $PLANTED_KEY, `lit` has LITERAL."""
    document = {
        "default_provider": "env",
        "retry": {"max_attempts": 2, "base_delay": 0.01, "max_delay": 0.02},
        "providers": {
            "env": {"base_url": url, "api_key_env": "PLANTED_KEY", "default_model": "m-env"},
            "lit": {"base_url": url, "api_key": LITERAL, "default_model": "m-lit"},
        },
    }
    return save_config(config_from_dict(document))


def echoing(status: int) -> Behaviour:
    """An error answer whose message repeats the key, as some servers do."""
    message = f"Incorrect API key provided: {KEY}. You can find your API key at ..."
    body = json.dumps({"error": {"message": message, "type": "invalid_request_error"}})
    return Behaviour(status=status, body=body, content_type="application/json")


def finished_turns(pane: SessionPane) -> int:
    events = pane.session.get_events()
    replies = [e for e in events if isinstance(e, AssistantMessageEvent)]
    return sum(r.status != "streaming" for r in replies) + sum(
        isinstance(e, SessionErrorEvent) for e in events
    )


async def app_turn(pilot: Pilot[None], pane: SessionPane, text: str) -> None:
    """Type `text`, press Enter, wait for the reply or the error."""
    before = finished_turns(pane)
    pane.prompt.insert(text)
    await pilot.press("enter")
    await wait_until(pilot, lambda: finished_turns(pane) > before and pane.state != "streaming")


async def run_app_session(server: DemoServer, artefacts: Path) -> list[str]:
    """Two good turns (one per key), a 401 and a 403 that echoes the key; then a
    screenshot, an export (Ctrl+E) and a copy (Ctrl+Y). Returns the errors shown."""
    server.enqueue(Behaviour(status=401), match="unauthorised")
    server.enqueue(echoing(403), match="forbidden")
    app = CopilotApp(CopilotClient())  # the config file and os.environ, as `copilot-tui`
    async with app.run_test(size=(120, 40)) as pilot:
        await restored(pilot)
        pane = active(app)
        await app_turn(pilot, pane, "hello with the env key")
        app.switch_model("lit:m-lit")
        await app_turn(pilot, pane, "hello with the literal key")
        app.switch_model("env:m-env")
        await app_turn(pilot, pane, "unauthorised please")
        await app_turn(pilot, pane, "forbidden please")
        await pilot.pause()
        (artefacts / "app.svg").write_text(app.export_screenshot(), encoding="utf-8")
        await pilot.press("ctrl+e")
        await wait_until(pilot, lambda: any(Path.cwd().glob("*.md")))
        await pilot.press("ctrl+y")
        (artefacts / "clipboard.txt").write_text(app.clipboard, encoding="utf-8")
        events = pane.session.get_events()
    return [event.message for event in events if isinstance(event, SessionErrorEvent)]


def run_cli(capsys: pytest.CaptureFixture[str], artefacts: Path, *argv: str) -> int:
    capsys.readouterr()
    status = main(list(argv))
    out, err = capsys.readouterr()
    name = "_".join(argv)[:60].replace("/", "-")
    (artefacts / f"cli-{name}.out").write_text(out + "\n--- stderr ---\n" + err)
    return status


def cli_session(capsys: pytest.CaptureFixture[str], server: DemoServer, artefacts: Path) -> str:
    """`ask` (both keys, and a failing turn), `sessions list [--json]`, every export."""
    server.enqueue(echoing(400), match="bad request")
    assert run_cli(capsys, artefacts, "ask", "--session", "cli", "hi from ask") == 0
    assert run_cli(capsys, artefacts, "ask", "--model", "lit:m-lit", "hi, literal") == 0
    assert run_cli(capsys, artefacts, "ask", "--session", "cli", "a bad request?") == 1
    listing = artefacts / "cli-sessions_list_--json.out"
    assert run_cli(capsys, artefacts, "sessions", "list", "--json") == 0
    assert run_cli(capsys, artefacts, "sessions", "list") == 0
    session_id = str(json.loads(listing.read_text().split("\n--- stderr")[0])[-1]["session_id"])
    for fmt in ("md", "json"):
        for target in ("cli", session_id):
            out = str(artefacts / f"export-{target}.{fmt}")
            assert run_cli(capsys, artefacts, "sessions", "export", target, "--format", fmt) == 0
            assert run_cli(capsys, artefacts, "sessions", "export", target, "-o", out) == 0
    return session_id


@pytest.fixture
def planted(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> Iterator[DemoServer]:
    """KEY in the environment, a config naming it (and holding LITERAL), a server, and
    every log record of every logger captured."""
    monkeypatch.setenv("PLANTED_KEY", KEY)
    caplog.set_level(logging.DEBUG)
    (tmp_path / "artefacts").mkdir()
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")  # where Ctrl+E exports
    with DemoServer(models=None) as server:
        yield server


async def test_a_full_session_leaves_the_key_nowhere_but_the_request(
    planted: DemoServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    config_path = write_config(planted.base_url)
    artefacts = tmp_path / "artefacts"
    errors = await run_app_session(planted, artefacts)
    # The CLI runs its own event loop: run it in a thread of its own.
    await asyncio.to_thread(cli_session, capsys, planted, artefacts)
    (artefacts / "log.txt").write_text(caplog.text, encoding="utf-8")

    sent = [request.headers.get("authorization") for request in planted.requests]
    assert f"Bearer {KEY}" in sent  # the key was in play, so finding none means something
    assert f"Bearer {LITERAL}" in sent
    assert [error.split(" from ")[0] for error in errors] == ["401 Unauthorized", "403 Forbidden"]
    assert "set PLANTED_KEY to a valid API key" in errors[0]
    assert "Incorrect API key provided: ***." in errors[1]  # the echo, masked
    assert KEY not in config_path.read_text()  # the config names the variable only
    assert " ".join(leaking_files(tmp_path, skip=config_path)) == ""
    assert len(list(artefacts.iterdir())) >= 15
    assert any((tmp_path / "data").iterdir())
    assert any((tmp_path / "cwd").glob("*.md"))


def test_the_config_file_names_the_variable_and_is_written_private(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PLANTED_KEY", KEY)
    path = write_config("http://127.0.0.1:9/v1")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    text = path.read_text()
    assert 'api_key_env = "PLANTED_KEY"' in text
    assert leaks(text) == ["sk-planted-LITERAL-5678", "planted-LITERAL", "LITERAL-5678"]
    env, literal = load_config(path).providers
    assert (env.resolve_api_key(), literal.resolve_api_key({})) == (KEY, LITERAL)


# -- error messages: a server that repeats the key back ---------------------------------

CUT = "x" * 140  # the key straddles the 160-character cut of a shown server message


def json_error(status: int, message: str) -> Behaviour:
    body = json.dumps({"error": {"message": message, "type": "invalid_request_error"}})
    return Behaviour(status=status, body=body, content_type="application/json")


ECHOES = {
    "400": json_error(400, f"Invalid API key: {KEY}"),
    "403": json_error(403, f"key {KEY} may not use this model"),
    "404 model": json_error(404, f"model not found for key {KEY}"),
    "413": json_error(413, f"request too large for {KEY}"),
    "500": json_error(500, f"internal error handling {KEY}"),
    "400 cut mid-key": json_error(400, f"{CUT} {KEY} {CUT}"),
    "plain text, not a stream": Behaviour(body=f"key {KEY} refused", content_type="text/plain"),
    "error event mid-stream": Behaviour(
        body=f'data: {{"error": {{"message": "bad key {KEY}"}}}}\n\n',
        content_type="text/event-stream",
    ),
}
KEY_SOURCES = {
    "env": {"api_key_env": "PLANTED_KEY"},
    "literal": {"api_key": KEY},
    "Authorization header": {"headers": {"Authorization": f"Bearer {KEY}"}},
    "api-key header": {"headers": {"api-key": KEY}},
}


async def failed_turn(config: Config) -> tuple[SessionEventError, list[str]]:
    """The error of one turn, and what the store kept of it (read by a new client)."""
    environ = {"PLANTED_KEY": KEY}
    async with CopilotClient(config, environ=environ) as client:
        session = await client.create_session()
        with pytest.raises(SessionEventError) as caught:
            await session.send_and_wait("hello")
    async with CopilotClient(config, environ=environ) as reader:
        record = await reader.read_session(session.session_id)
    stored = [e.message for e in record.events if isinstance(e, SessionErrorEvent)]
    return caught.value, stored


@pytest.mark.parametrize("source", KEY_SOURCES.values(), ids=list(KEY_SOURCES))
@pytest.mark.parametrize("echo", ECHOES.values(), ids=list(ECHOES))
async def test_an_echoed_key_is_masked_in_the_error_and_the_store(
    make_config: ConfigFactory, server: DemoServer, echo: Behaviour, source: dict[str, object]
) -> None:
    provider = ProviderConfig("p", server.base_url, default_model="m", **source)  # type: ignore[arg-type]
    server.enqueue(echo)
    error, stored = await failed_turn(make_config(providers=(provider,)))
    (request,) = server.requests
    assert KEY in str(dict(request.headers))  # sent, so the server could echo it
    assert stored == [error.message]
    assert leaks(error.message) == []
    assert "***" in error.message  # the echo is still there, masked, so it can be read


async def test_an_echoed_key_is_masked_in_a_failed_model_list(
    make_config: ConfigFactory,
) -> None:
    sent: list[httpx.Request] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(403, json={"error": {"message": f"key {KEY} refused"}})

    provider = ProviderConfig("p", "http://models.invalid/v1", api_key_env="PLANTED_KEY")
    config = make_config(providers=(provider,))
    transport = httpx.MockTransport(refuse)
    async with CopilotClient(config, environ={"PLANTED_KEY": KEY}, transport=transport) as client:
        with pytest.raises(ProviderError) as caught:
            await client.list_models()
    assert sent[0].headers["authorization"] == f"Bearer {KEY}"
    assert "403 Forbidden" in caught.value.message
    assert leaks(caught.value.message) == []


def test_short_header_values_are_not_taken_for_keys() -> None:
    headers = {"Authorization": f"Bearer {KEY}", "X-Api-Key": "1", "X-Team": "blue-team-42"}
    assert credentials(headers) == (f"Bearer {KEY}", KEY)
