"""Fixtures shared by every test: a scripted model server and clients wired to it."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from copilot_tui.__main__ import main
from copilot_tui.core.client import CopilotClient
from copilot_tui.core.config import Config, ProviderConfig, RetryPolicy, Timeouts
from copilot_tui.core.demo_server import DemoServer
from tests.cli.support import Cli, Result

ConfigFactory = Callable[..., Config]


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may read or write the real user's config or sessions."""
    monkeypatch.setenv("COPILOT_TUI_CONFIG", str(tmp_path / "config" / "config.toml"))
    monkeypatch.setenv("COPILOT_TUI_DATA_DIR", str(tmp_path / "data"))
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "GITHUB_TOKEN", "GH_TOKEN", "OLLAMA_HOST"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def server() -> Iterator[DemoServer]:
    """A scripted server that accepts any model name and answers at once."""
    with DemoServer(models=None) as running:
        yield running


@pytest.fixture
def provider(server: DemoServer, monkeypatch: pytest.MonkeyPatch) -> DemoServer:
    """`server`, found the way a user's OpenAI-compatible server is: through the
    environment (child processes inherit it too)."""
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    return server


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    """Run a command line in-process; returns its status and what it wrote."""

    def run(*argv: str) -> Result:
        capsys.readouterr()
        status = main(list(argv))
        captured = capsys.readouterr()
        return Result(status, captured.out, captured.err)

    return run


@pytest.fixture
def make_config(tmp_path: Path, server: DemoServer) -> ConfigFactory:
    """A config pointing at `server`, with fast retries; keyword arguments override."""

    def make(**changes: object) -> Config:
        base = Config(
            providers=(
                ProviderConfig(name="test", base_url=server.base_url, default_model="test-model"),
            ),
            data_dir=tmp_path / "data",
            retry=RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05),
            timeouts=Timeouts(connect=2.0, idle=5.0),
            flush_interval=0.05,
        )
        return dataclasses.replace(base, **changes)  # type: ignore[arg-type]

    return make


@pytest.fixture
async def client(make_config: ConfigFactory) -> AsyncIterator[CopilotClient]:
    async with CopilotClient(make_config(), environ={}) as started:
        yield started
