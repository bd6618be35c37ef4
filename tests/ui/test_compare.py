"""A/B testing in the app: broadcast (Ctrl+B), the compare view (Ctrl+K), winners."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, SelectionList, TextArea

from copilot_tui.core.config import Config
from copilot_tui.core.demo_server import Behaviour, DemoServer
from copilot_tui.screens.broadcast import BroadcastScreen
from copilot_tui.screens.compare import CompareScreen
from copilot_tui.widgets.compare_column import CompareColumn
from copilot_tui.widgets.messages import AssistantMessage, ErrorNotice
from tests.conftest import ConfigFactory
from tests.ui.harness import make_app, restored, save_tabs, seed_three, wait_until

PACED = "[[tokens=100 delay=0.03]]"  # about 3 s a reply


def two_tabs(make_config: ConfigFactory, tmp_path: Path) -> tuple[Config, Path]:
    config = make_config()
    seed_three(config, answered=False)
    state = tmp_path / "ui.json"
    save_tabs(state, ["alpha", "beta"], active="alpha")
    return config, state


async def broadcast_from_dialog(pilot: Pilot[None], prompt: str) -> CompareScreen:
    """Ctrl+B; tick beta too (alpha, the active tab, is ticked); one new model; send."""
    app = pilot.app
    await pilot.press("ctrl+b")
    await wait_until(pilot, lambda: isinstance(app.screen, BroadcastScreen))
    dialog = app.screen
    dialog.query_one("#targets", SelectionList).select("beta")
    dialog.query_one("#extra-models", Input).value = "other-model"
    dialog.query_one("#broadcast-prompt", TextArea).text = prompt
    # Ctrl+S's action, without pilot.press: it waits for the whole process to go idle,
    # which here means waiting for the replies to finish (Ctrl+S is pressed elsewhere).
    assert isinstance(dialog, BroadcastScreen)
    targets = dialog.request().target_count
    dialog.action_send()
    await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen))
    screen = app.screen
    assert isinstance(screen, CompareScreen)
    await wait_until(pilot, lambda: len(screen.columns) == targets)
    return screen


def column_texts(screen: CompareScreen) -> list[str]:
    """What each column's reply shows ("" while the column is still mounting it)."""
    return [
        "".join(view.source for view in column.query(AssistantMessage)) for column in screen.columns
    ]


async def test_broadcast_streams_three_sessions_on_two_models_side_by_side(
    make_config: ConfigFactory, tmp_path: Path, server: DemoServer
) -> None:
    config, state = two_tabs(make_config, tmp_path)
    app = make_app(config, state)
    async with app.run_test(size=(120, 36)) as pilot:
        await restored(pilot)
        screen = await broadcast_from_dialog(pilot, f"{PACED} compare this")
        columns = screen.columns
        assert [c.entry.model for c in columns] == ["test-model", "test-model", "other-model"]
        await wait_until(pilot, lambda: all(c.entry.streaming for c in columns))
        partial = column_texts(screen)
        await wait_until(
            pilot,
            lambda: all(
                len(t) > len(p) + 50 for t, p in zip(column_texts(screen), partial, strict=True)
            ),
        )
        await wait_until(
            pilot, lambda: all(c.entry.figures is not None for c in columns), timeout=20
        )
        assert all("compare this" in text for text in column_texts(screen))
        heads = [str(c.query_one(".compare-figures").render()) for c in columns]
        assert all("first token" in head and "tok/s" in head for head in heads)
        assert len(app.tabs.panes) == 3  # the new model's session got a tab
        chats = [r.body for r in server.requests if r.path.endswith("/chat/completions")]
        assert [body["messages"][-1]["content"] for body in chats] == [f"{PACED} compare this"] * 3


async def test_a_failing_target_shows_its_error_in_its_column(
    make_config: ConfigFactory, tmp_path: Path, server: DemoServer
) -> None:
    server.enqueue(Behaviour(status=500), match="fail")  # not retried: one target fails
    config, state = two_tabs(make_config, tmp_path)
    app = make_app(config, state)
    async with app.run_test(size=(120, 36)) as pilot:
        await restored(pilot)
        screen = await broadcast_from_dialog(pilot, f"{PACED} one will fail")
        columns = screen.columns

        def settled(column: CompareColumn) -> bool:  # what the column shows, not the session
            reply = column.entry.reply
            return column.entry.error is not None or (
                reply is not None and reply.status == "complete"
            )

        await wait_until(pilot, lambda: all(settled(c) for c in columns), timeout=20)
        failed = [c for c in columns if c.entry.error is not None]
        assert len(failed) == 1
        assert failed[0].query(ErrorNotice)
        assert str(failed[0].query_one(".compare-figures").render()) == "failed"
        finished = [c for c in columns if c.entry.error is None]
        assert all(c.entry.reply and c.entry.reply.status == "complete" for c in finished)


async def test_a_winner_mark_survives_a_restart(make_config: ConfigFactory, tmp_path: Path) -> None:
    config, state = two_tabs(make_config, tmp_path)
    app = make_app(config, state)
    async with app.run_test(size=(120, 36)) as pilot:
        await restored(pilot)
        screen = await broadcast_from_dialog(pilot, "pick the best")
        await wait_until(pilot, lambda: all(c.entry.figures for c in screen.columns), timeout=20)
        await pilot.press("right", "w")
        await wait_until(pilot, lambda: screen.columns[1].entry.reply.winner)  # type: ignore[union-attr]
        assert screen.columns[1].border_subtitle == "★ winner"
        await pilot.press("enter")  # open beta, the winner's session, as the active tab
        await wait_until(pilot, lambda: not isinstance(app.screen, CompareScreen))
        pane = app.tabs.active_session_pane
        assert pane is not None
        assert pane.session.session_id == "beta"
        await pilot.press("ctrl+q")
    again = make_app(config, state)
    async with again.run_test(size=(120, 36)) as pilot:
        await restored(pilot)
        await pilot.press("ctrl+k")
        await wait_until(pilot, lambda: isinstance(again.screen, CompareScreen))
        columns: list[CompareColumn] = again.screen.columns  # type: ignore[attr-defined]
        assert [bool(c.entry.reply and c.entry.reply.winner) for c in columns] == [
            False,
            True,
            False,
        ]
        await pilot.press("escape", "alt+2")
        beta = again.tabs.active_session_pane
        assert beta is not None
        await wait_until(pilot, lambda: any(view.winner for view in beta.query(AssistantMessage)))


async def test_compare_without_a_run_needs_two_tabs(
    make_config: ConfigFactory, tmp_path: Path
) -> None:
    app = make_app(make_config(), tmp_path / "ui.json")
    async with app.run_test(size=(100, 30)) as pilot:
        await restored(pilot)
        await pilot.press("ctrl+k")
        assert not isinstance(app.screen, CompareScreen)
        assert any("Ctrl+B" in str(n.message) for n in app._notifications)
        await pilot.press("ctrl+b")
        await wait_until(pilot, lambda: isinstance(app.screen, BroadcastScreen))
        await pilot.press("ctrl+s")  # one target only: an inline problem, nothing sent
        assert isinstance(app.screen, BroadcastScreen)
        assert "at least two" in str(app.screen.query_one("#broadcast-error").render())


async def test_the_compare_view_exports_the_run_as_one_document(
    make_config: ConfigFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    config, state = two_tabs(make_config, tmp_path)
    app = make_app(config, state)
    async with app.run_test(size=(120, 36)) as pilot:
        await restored(pilot)
        screen = await broadcast_from_dialog(pilot, "export us")
        await wait_until(pilot, lambda: all(c.entry.figures for c in screen.columns), timeout=20)
        await pilot.press("ctrl+e")
        await wait_until(pilot, lambda: any(tmp_path.glob("compare-*.md")))
    document = exported(tmp_path)
    assert "\n## test-model · alpha" in document
    assert "\n## test-model · beta" in document
    assert "\n## other-model · " in document
    assert document.index("alpha") < document.index("beta") < document.index("other-model ·")


def exported(folder: Path) -> str:
    (path,) = folder.glob("compare-*.md")
    return path.read_text()
