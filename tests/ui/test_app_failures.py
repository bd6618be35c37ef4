"""The app never crashes on a broken store or a session deleted elsewhere (bad config:
tests/reliability/test_bad_config.py)."""

from __future__ import annotations

from pathlib import Path

from copilot_tui.app import CopilotApp
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
