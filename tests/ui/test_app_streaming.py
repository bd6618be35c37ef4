"""The app streams in every tab at once, each pane showing only its own session."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import events
from textual.pilot import Pilot

from copilot_tui.app import CopilotApp
from copilot_tui.core.config import Config
from copilot_tui.core.demo_server import Behaviour, DemoServer
from copilot_tui.widgets.messages import AssistantMessage, ErrorNotice, UserMessage
from copilot_tui.widgets.session_pane import SessionPane
from tests.conftest import ConfigFactory
from tests.ui.harness import (
    active,
    make_app,
    reply_texts,
    restored,
    save_tabs,
    seed_three,
    wait_until,
)

SLOW = "[[tokens=60 delay=0.03]]"


async def type_and_send(pilot: Pilot[None], text: str) -> None:
    """Type `text` into the active tab's prompt and send it as Enter does.

    Not `pilot.press`: it waits for the whole process to go idle, which never happens
    while the in-process scripted server streams to other tabs.
    """
    app = pilot.app
    assert isinstance(app, CopilotApp)
    pane = active(app)
    prompt = pane.prompt
    prompt.insert(text)
    prompt.submit()
    await pilot.pause(0.01)


def shows(pane: SessionPane, text: str) -> Callable[[], bool]:
    return lambda: text in "".join(reply_texts(pane))


async def terminal_key(pilot: Pilot[None], key: str, character: str) -> None:
    """Deliver a key as the terminal driver does (pilot.press sends no character)."""
    pilot.app.post_message(events.Key(key, character))
    await pilot.pause(0.05)


def seeded_three_tabs(make_config: ConfigFactory, tmp_path: Path) -> tuple[Config, Path]:
    config = make_config()
    seed_three(config, answered=False)
    state = tmp_path / "ui.json"
    save_tabs(state, ["alpha", "beta", "gamma"], active="alpha")
    return config, state


async def test_three_tabs_stream_at_once_each_with_its_own_reply(
    make_config: ConfigFactory, tmp_path: Path
) -> None:
    config, state = seeded_three_tabs(make_config, tmp_path)
    app = make_app(config, state)
    async with app.run_test(size=(120, 40)) as pilot:
        await restored(pilot)
        panes = app.tabs.panes
        for number, name in enumerate(("alpha", "beta", "gamma"), start=1):
            app.tabs.jump(number)  # Alt+N, without the pilot's wait for an idle process
            assert app.tabs.active_session_pane is panes[number - 1]
            await type_and_send(pilot, f"{SLOW} {name} question")
        await wait_until(pilot, lambda: all(p.state == "streaming" for p in panes))
        await wait_until(pilot, lambda: all(p.state == "idle" for p in panes), timeout=20)
        for number, (pane, name) in enumerate(zip(panes, ("alpha", "beta", "gamma"), strict=True)):
            app.tabs.jump(number + 1)  # a background tab renders what it missed when shown
            await wait_until(pilot, shows(pane, f"{name} question"))
            (text,) = reply_texts(pane)
            others = {"alpha", "beta", "gamma"} - {name}
            assert all(f"{other} question" not in text for other in others)


async def test_switching_tabs_with_keys(make_config: ConfigFactory, tmp_path: Path) -> None:
    config, state = seeded_three_tabs(make_config, tmp_path)
    app = make_app(config, state)
    async with app.run_test(size=(120, 40)) as pilot:
        await restored(pilot)

        def ids() -> str:
            return active(app).session.session_id

        assert ids() == "alpha"
        await pilot.press("ctrl+pagedown")
        assert ids() == "beta"
        await pilot.press("alt+right")
        assert ids() == "gamma"
        await pilot.press("ctrl+pagedown")
        assert ids() == "alpha"  # wraps around
        await pilot.press("ctrl+pageup")
        assert ids() == "gamma"
        await pilot.press("alt+left")
        assert ids() == "beta"
        await terminal_key(pilot, "alt+1", "1")  # as a terminal sends it: with a character
        assert ids() == "alpha"
        await terminal_key(pilot, "alt+3", "3")
        assert ids() == "gamma"
        await terminal_key(pilot, "alt+9", "9")  # no ninth tab: nothing changes
        assert ids() == "gamma"
        assert active(app).prompt.text == ""  # and no digit was typed into the prompt


async def test_switching_never_interrupts_a_stream(
    make_config: ConfigFactory, tmp_path: Path
) -> None:
    config, state = seeded_three_tabs(make_config, tmp_path)
    app = make_app(config, state)
    async with app.run_test(size=(120, 40)) as pilot:
        await restored(pilot)
        pane = active(app)
        await type_and_send(pilot, f"{SLOW} keep going")
        await wait_until(pilot, lambda: pane.state == "streaming")
        for number in (2, 3, 1, 2):
            app.tabs.jump(number)
            await pilot.pause(0.05)
        await wait_until(pilot, lambda: pane.state == "idle", timeout=20)
        reply = pane.session.get_events()[-2]
        assert reply.type == "assistant.message"
        assert reply.status == "complete"  # type: ignore[attr-defined]
        assert "●" in str(app.tabs.get_tab(pane).label)  # unread: it finished in the background
        await pilot.press("alt+1")
        assert "●" not in str(app.tabs.get_tab(pane).label)


async def test_escape_aborts_and_keeps_the_partial_reply(
    make_config: ConfigFactory, tmp_path: Path, server: DemoServer
) -> None:
    app = make_app(make_config(), tmp_path / "ui.json")
    async with app.run_test(size=(120, 40)) as pilot:
        await restored(pilot)
        pane = active(app)
        await type_and_send(pilot, "[[never_end=true delay=0.005]] forever")
        await wait_until(pilot, lambda: any(reply_texts(pane)))  # some text is on screen
        await pilot.press("escape")
        await wait_until(pilot, lambda: pane.state == "idle")
        view = pane.query(AssistantMessage).last()
        assert view.status == "aborted"
        assert "aborted" in str(view.border_subtitle)
        assert reply_texts(pane)[-1]
        await wait_until(pilot, lambda: server.disconnects == 1)


async def test_prompts_sent_during_a_reply_are_queued_then_answered(
    make_config: ConfigFactory, tmp_path: Path
) -> None:
    app = make_app(make_config(), tmp_path / "ui.json")
    async with app.run_test(size=(120, 40)) as pilot:
        await restored(pilot)
        pane = active(app)
        await type_and_send(pilot, f"{SLOW} first")
        await wait_until(pilot, lambda: pane.state == "streaming")
        await type_and_send(pilot, "second")
        await pilot.pause()
        second = pane.query(UserMessage).last()
        assert second.queued
        assert "+1" in str(app.tabs.get_tab(pane).label)
        # What the pane shows (it follows the session's events a moment later).
        await wait_until(pilot, lambda: len(reply_texts(pane)) == 2, timeout=20)
        await wait_until(pilot, lambda: not second.queued)


async def test_retry_resends_the_last_prompt_after_an_error(
    make_config: ConfigFactory, tmp_path: Path, server: DemoServer
) -> None:
    server.enqueue(Behaviour(status=500))
    app = make_app(make_config(), tmp_path / "ui.json")
    async with app.run_test(size=(120, 40)) as pilot:
        await restored(pilot)
        pane = active(app)
        await type_and_send(pilot, "please work")
        await wait_until(pilot, lambda: pane.state == "error" and bool(pane.query(ErrorNotice)))
        assert "500 Internal Server Error" in str(pane.query_one(ErrorNotice).render())
        assert "✗" in str(app.tabs.get_tab(pane).label)
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: pane.state == "idle" and len(server.requests) == 2)
        prompts = [r.body["messages"][-1]["content"] for r in server.requests]
        assert prompts == ["please work", "please work"]
        await wait_until(pilot, lambda: "please work" in (reply_texts(pane) or [""])[-1])


async def test_an_error_in_one_tab_leaves_the_others_streaming(
    make_config: ConfigFactory, tmp_path: Path, server: DemoServer
) -> None:
    config, state = seeded_three_tabs(make_config, tmp_path)
    server.enqueue(Behaviour(status=401), match="doomed")
    app = make_app(config, state)
    async with app.run_test(size=(120, 40)) as pilot:
        await restored(pilot)
        panes: list[SessionPane] = app.tabs.panes
        long_reply = "[[tokens=100 delay=0.04]]"  # still streaming when tab 2 fails
        await type_and_send(pilot, f"{long_reply} fine one")
        app.tabs.jump(2)
        await type_and_send(pilot, "doomed")
        app.tabs.jump(3)
        await type_and_send(pilot, f"{long_reply} fine two")
        await wait_until(pilot, lambda: panes[1].state == "error")
        # After tab 2 failed, tabs 1 and 3 are (still, or by now) streaming.
        await wait_until(pilot, lambda: panes[0].state == panes[2].state == "streaming")
        assert panes[1].state == "error"
        await wait_until(pilot, lambda: panes[0].state == panes[2].state == "idle", timeout=20)
        assert not panes[2].query(ErrorNotice)
        # Tab 2 was left 10 ms after its prompt was sent, maybe before it was first laid
        # out and drew its history: its error shows when the user comes back to it.
        app.tabs.jump(2)
        await wait_until(pilot, lambda: bool(panes[1].query(ErrorNotice)))
