"""CLI tests run `main([...])` in-process against the isolated store and a scripted server."""

from __future__ import annotations

import pytest

from copilot_tui.__main__ import main
from copilot_tui.core.demo_server import DemoServer
from tests.cli.support import Cli, Result


@pytest.fixture
def provider(server: DemoServer, monkeypatch: pytest.MonkeyPatch) -> DemoServer:
    """`server`, found by the CLI the way a user's OpenAI-compatible server is: the env."""
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    return server


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    """Run the command in-process; returns its status and what it wrote."""

    def run(*argv: str) -> Result:
        capsys.readouterr()
        status = main(list(argv))
        captured = capsys.readouterr()
        return Result(status, captured.out, captured.err)

    return run
