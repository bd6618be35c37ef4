"""The frame clock: what is due at one point of the grid runs in one timer callback, so
it all reaches the screen in one update; and tab labels keep their width, so a spinner
starting or stopping moves no tab."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from textual.app import App

from copilot_tui.widgets.frames import FRAME, TICK_FRAMES, FrameClock
from copilot_tui.widgets.tab_label import tab_label

Run = tuple[str, float, asyncio.Task[object] | None]


def recorder(runs: list[Run], name: str) -> Callable[[], None]:
    def record() -> None:
        runs.append((name, time.monotonic(), asyncio.current_task()))

    return record


async def test_work_due_at_one_point_runs_in_one_callback() -> None:
    app: App[None] = App()
    async with app.run_test() as pilot:
        clock, runs = FrameClock(app), list[Run]()
        draw, tick = recorder(runs, "draw"), recorder(runs, "tick")
        clock.request(draw)
        clock.request(tick)
        clock.request(draw)  # asked twice: runs once
        await pilot.pause(3 * FRAME)
        assert [name for name, _, _ in runs] == ["draw", "tick"]
        assert runs[0][2] is runs[1][2]  # one task: one timer's callback


async def test_work_runs_on_the_grid_and_sooner_work_is_not_held_back() -> None:
    app: App[None] = App()
    async with app.run_test() as pilot:
        clock, runs = FrameClock(app), list[Run]()
        asked = time.monotonic()
        clock.request(recorder(runs, "tick"), every=TICK_FRAMES)
        clock.request(recorder(runs, "draw"))
        await pilot.pause((TICK_FRAMES + 2) * FRAME)
        ran = {name: at for name, at, _ in runs}
        assert ran["draw"] - asked < 2 * FRAME  # the next frame, not the tick's
        assert round(ran["tick"] / FRAME) % TICK_FRAMES == 0
        assert ran["tick"] - asked < (TICK_FRAMES + 1) * FRAME


def test_a_tab_label_keeps_its_width_whatever_the_state() -> None:
    labels = [
        tab_label("Fix the parser", state="idle", unread=False, queued=0, frame=0),
        tab_label("Fix the parser", state="streaming", unread=False, queued=0, frame=3),
        tab_label("Fix the parser", state="idle", unread=True, queued=0, frame=0),
        tab_label("Fix the parser", state="error", unread=False, queued=0, frame=0),
    ]
    assert {label.cell_length for label in labels} == {len("Fix the parser") + 2}
    assert [str(label)[0] for label in labels] == [" ", "⠸", "●", "✗"]
