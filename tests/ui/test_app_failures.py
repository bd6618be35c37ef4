"""The app never crashes on a broken store, a bad config or a session deleted elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from copilot_tui.app import CopilotApp, run_app
from copilot_tui.core.client import CopilotClient
from copilot_tui.core.store import SessionStore
from tests.conftest import ConfigFactory
from tests.ui.harness import active, make_app, restored, wait_until


async def test_a_session_deleted_elsewhere_while_open_gives_a_notice(
    make_config: ConfigFactory, tmp_path: Path
) -> None:
    config = make_config()
    app = make_app(config, tmp_path / "ui.json", session_id="doomed")
    async with app.run_test(size=(100, 30)) as pilot:
        await restored(pilot)
        assert config.data_dir is not None
        other_process = SessionStore(config.data_dir / "sessions.db")
        other_process.delete_session("doomed")
        other_process.close()
        pane = active(app)
        pane.prompt.insert("still here?")
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(app._notifications))
        assert any("doomed" in str(n.message) for n in app._notifications)
        assert app.is_running


async def test_an_unusable_data_directory_exits_with_one_clear_line(
    make_config: ConfigFactory, tmp_path: Path
) -> None:
    not_a_dir = tmp_path / "data-is-a-file"
    not_a_dir.write_text("oops")
    app = CopilotApp(CopilotClient(make_config(data_dir=not_a_dir), environ={}))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: app.return_code is not None)
        assert app._exit_renderables  # printed and cleared when the app has shut down
        message = str(app._exit_renderables[0])
    assert app.return_code == 1
    assert "data-is-a-file" in message
    assert "\n" not in message.strip()


def test_a_malformed_config_stops_the_app_before_it_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[retry]\nmax_attempts = 'many'\n")
    monkeypatch.setenv("COPILOT_TUI_CONFIG", str(config))
    assert run_app() == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("copilot-tui: error: ")
    assert "config.toml:2" in error
    assert "max_attempts" in error
    assert "\n" not in error
