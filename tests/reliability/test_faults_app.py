"""Faults from the model server, in the app: the error shows in the tab that caused it,
with its cause and fix; the partial reply is shown and marked failed; the other tab keeps
streaming, unmarked; the store keeps what happened."""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable
from pathlib import Path

import pytest
from textual import events
from textual.css.query import NoMatches
from textual.pilot import Pilot

from copilot_tui.app import CopilotApp
from copilot_tui.core.client import CopilotClient
from copilot_tui.core.config import Config
from copilot_tui.core.demo_server import Behaviour, DemoServer
from copilot_tui.core.events import AssistantMessageEvent, SessionErrorEvent
from copilot_tui.widgets.messages import AssistantMessage, ErrorNotice
from copilot_tui.widgets.session_pane import SessionPane
from copilot_tui.widgets.status_line import StatusLine
from tests.conftest import ConfigFactory
from tests.helpers import of_type
from tests.reliability.fault_cases import (
    CASES,
    ENVIRON,
    FAULT_PROMPT,
    FaultCase,
)
from tests.reliability.fault_checks import (
    SteadyWatch,
    check_error,
    check_reply,
    stored_outcome,
)
from tests.reliability.fault_endpoints import (
    fault_config,
    fault_endpoint,
)
from tests.ui.harness import restored, save_tabs, seed_session
from tests.ui.harness import wait_until as harness_wait_until

pytestmark = pytest.mark.fault


async def send_in_tab(pilot: Pilot[None], pane: SessionPane, text: str) -> None:
    """Type `text` into the pane's prompt and send it as Enter does (without waiting for
    the whole app to go idle, which never happens while another tab streams)."""
    pane.prompt.insert(text)
    pane.prompt.submit()
    await pilot.pause(0.01)


async def press_now(pilot: Pilot[None], key: str) -> None:
    """Deliver a key as the terminal does (`pilot.press` waits for an idle app)."""
    pilot.app.post_message(events.Key(key, None))
    await pilot.pause(0.01)


async def wait_until(
    pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 10
) -> None:
    """The harness's wait, naming in its failure what was waited for and how the tabs are."""
    try:
        await harness_wait_until(pilot, condition, timeout)
    except AssertionError:
        raise AssertionError(
            f"not met in {timeout} s: {inspect.getsource(condition).strip()}; {_seen(pilot)}"
        ) from None


def _seen(pilot: Pilot[None]) -> str:
    """What the app shows: its screens, notices and tabs."""
    app = pilot.app
    assert isinstance(app, CopilotApp)
    notes = [str(note.message) for note in app._notifications]
    seen = f"running: {app.is_running}, crashed: {app._exception!r}; notices: {notes}"
    with contextlib.suppress(NoMatches):
        panes = app.tabs.panes
        seen += f"; tabs: {[(label(app, p), p.state, shown_texts(p)) for p in panes]}"
    return seen


def label(app: CopilotApp, pane: SessionPane) -> str:
    return str(app.tabs.get_tab(pane).label)


def two_tabs(config: Config, state: Path, *, faulty_model: str) -> CopilotApp:
    """Tab 1, in front, talks to the faulty endpoint; tab 2 to the healthy server, from
    the background.

    The tests switch no tabs: Textual (8.2) can drop the Show event of a tab made visible
    while the screen redraws, and a pane that misses it does not render what it missed.
    """
    seed_session(config, "steady", title="steady chat")
    seed_session(config, "faulty", title="faulty chat", model=faulty_model)
    save_tabs(state, ["faulty", "steady"], active="faulty")
    return CopilotApp(CopilotClient(config, environ=ENVIRON), state_file=state)


def shown_texts(pane: SessionPane) -> list[str]:
    """The text each reply view in the pane shows."""
    return [view.source for view in pane.query(AssistantMessage)]


def last_status(pane: SessionPane) -> str | None:
    """The status of the last reply the pane shows."""
    views = pane.query(AssistantMessage)
    return views.last().status if views else None


@pytest.mark.parametrize("name", CASES)
async def test_a_fault_shows_in_its_own_tab_only(
    name: str,
    make_config: ConfigFactory,
    server: DemoServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    case = CASES[name]
    with fault_endpoint(case, server, monkeypatch) as endpoint:
        config = fault_config(make_config, server, case, endpoint)
        app = two_tabs(config, tmp_path / "ui.json", faulty_model=case.session_model)
        async with app.run_test(size=(120, 40)) as pilot:
            await restored(pilot)
            faulty, steady = app.tabs.panes
            watch = SteadyWatch(steady.session, faulty.session)
            await send_in_tab(pilot, steady, case.steady_prompt())
            await wait_until(pilot, lambda: watch.received > 0)
            await send_in_tab(pilot, faulty, FAULT_PROMPT)
            await wait_until(
                pilot, lambda: faulty.state == "error" and bool(faulty.query(ErrorNotice))
            )
            (notice,) = faulty.query(ErrorNotice)
            shown = str(notice.render())
            assert case.cause in shown, shown
            assert case.fix in shown, shown
            assert last_status(faulty) == "error"
            assert "failed" in str(faulty.query(AssistantMessage).last().border_subtitle)
            assert bool(shown_texts(faulty)[-1]) == case.partial
            await wait_until(pilot, lambda: "✗" in label(app, faulty))
            assert "✗" not in label(app, steady)
            # The other tab went on streaming in the background and finished, unmarked.
            # (It is not switched to: see `two_tabs`.)
            await wait_until(pilot, lambda: steady.state == "idle", timeout=20)
            watch.check(of_type(steady.session.get_events(), AssistantMessageEvent)[-1])
            assert not of_type(steady.session.get_events(), SessionErrorEvent)
            assert endpoint.attempts() == case.attempts
            await wait_until(pilot, lambda: "●" in label(app, steady))  # done, unread
            assert "✗" not in label(app, steady)
            assert " · ready · " in str(steady.query_one(StatusLine).render())
            assert " · error · " in str(faulty.query_one(StatusLine).render())
            assert not [note for note in app._notifications if note.severity == "error"]
        history = faulty.session.get_events()
        error = check_error(case, of_type(history, SessionErrorEvent))
        reply = of_type(history, AssistantMessageEvent)[-1]
        stored, stored_errors = await stored_outcome(config, "faulty", reply.message_id)
    assert error.message in shown
    check_reply(case, stored)
    assert stored == reply
    assert [stored_error.message for stored_error in stored_errors] == [error.message]


async def test_escape_ends_a_reply_that_never_ends_and_the_other_tab_streams_on(
    make_config: ConfigFactory, server: DemoServer, tmp_path: Path
) -> None:
    server.enqueue(Behaviour(never_end=True, text="loop ", delay=0.005), match=FAULT_PROMPT)
    case = FaultCase("none", "", "", seconds=1.0)
    config = make_config()
    app = two_tabs(config, tmp_path / "ui.json", faulty_model="test-model")
    async with app.run_test(size=(120, 40)) as pilot:
        await restored(pilot)
        endless, steady = app.tabs.panes
        watch = SteadyWatch(steady.session, endless.session, until="assistant.message")
        await send_in_tab(pilot, steady, case.steady_prompt())
        await wait_until(pilot, lambda: watch.received > 0)
        await send_in_tab(pilot, endless, FAULT_PROMPT)
        await wait_until(pilot, lambda: any(shown_texts(endless)))
        await press_now(pilot, "escape")
        await wait_until(pilot, lambda: endless.state == "idle")
        assert last_status(endless) == "aborted"
        assert "aborted" in str(endless.query(AssistantMessage).last().border_subtitle)
        assert not endless.query(ErrorNotice)
        assert "✗" not in label(app, endless)
        await wait_until(pilot, lambda: server.disconnects == 1)
        await wait_until(pilot, lambda: steady.state == "idle", timeout=20)
        watch.check(of_type(steady.session.get_events(), AssistantMessageEvent)[-1])
        aborted = of_type(endless.session.get_events(), AssistantMessageEvent)[-1]
    stored, errors = await stored_outcome(config, "faulty", aborted.message_id)
    assert stored.status == "aborted"
    assert stored.content == aborted.content != ""
    assert errors == []
