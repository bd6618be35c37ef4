"""One run of each many-tab terminal scenario: eight streaming tabs while typing in a
ninth, opening a big stored session, and memory with twenty big sessions open."""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Sequence
from pathlib import Path

from tests.benchmarks.terminal_proc import peak_rss_mb, rss_mb
from tests.benchmarks.terminal_scenarios import (
    Bench,
    Figures,
    new_tag,
    running_app,
    type_prompt,
    wait_for_probe,
    wait_until_usable,
)
from tests.benchmarks.terminal_setup import end_text
from tests.benchmarks.tmux_driver import TmuxDriver, TmuxError

STREAMING_TABS = 8
KEY_INTERVAL = 0.05  # seconds between keystrokes, a fast typist
KEY_POLL = 0.004  # poll faster while timing keystrokes: the target is 50 ms
TYPED = "abcdefghijklmnopqrstuvwxyz0123456789"
UNREAD_MARK = "●"  # a background tab whose reply finished
ERROR_MARK = "✗"


def show_tab(tmux: TmuxDriver, keys: str, session_id: str) -> float:
    """Switch tabs with `keys`; when the status line shows `session_id` (the active tab)."""
    tmux.send_keys(keys)
    return tmux.wait_for(rf"· {re.escape(session_id)}\s*$", 20)


class TabMarks:
    """Watches every screen for the moment each tab's label shows a mark."""

    def __init__(self, tabs: Sequence[str]) -> None:
        self.seen: dict[str, float] = {}
        self.failed: set[str] = set()
        self._patterns = {
            tab: re.compile(rf"([{UNREAD_MARK}{ERROR_MARK}]) {tab}\b") for tab in tabs
        }

    def __call__(self, screen: str, now: float) -> None:
        tab_bar = screen.split("\n", 1)[0]
        for tab, pattern in self._patterns.items():
            if tab not in self.seen and (found := pattern.search(tab_bar)):
                self.seen[tab] = now
                if found.group(1) == ERROR_MARK:
                    self.failed.add(tab)

    def wait_all(self, tmux: TmuxDriver, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while len(self.seen) < len(self._patterns):
            if time.monotonic() > deadline:
                missing = sorted(set(self._patterns) - set(self.seen))
                raise TimeoutError(f"tabs {missing} never finished:\n{tmux.screen}")
            tmux.capture()
            time.sleep(0.01)


def _keystroke_latencies(tmux: TmuxDriver, count: int) -> list[float]:
    """Type `count` characters one by one; seconds from each key to it on screen."""
    shown = f"probe{new_tag()}-"
    type_prompt(tmux, shown)
    latencies = []
    for number in range(count):
        shown += TYPED[number % len(TYPED)]
        sent = time.monotonic()
        tmux.type_text(shown[-1])
        latencies.append(tmux.wait_for(re.escape(shown), 10, poll=KEY_POLL) - sent)
        time.sleep(max(0.0, sent + KEY_INTERVAL - time.monotonic()))
    return latencies


def _percentile(samples: Sequence[float], fraction: float) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[round(fraction * 100) - 1]


def eight_tabs(bench: Bench, seed: Path, tabs: Sequence[str], keystrokes: int) -> Figures:
    """Eight tabs stream 1,000 tokens (10 ms apart) while the user types in a ninth."""
    tag, streaming = new_tag(), tabs[:STREAMING_TABS]
    with running_app(bench, seed, tabs, active=tabs[0]) as tmux:
        wait_until_usable(tmux)
        marks = TabMarks(streaming)
        tmux.observers.append(marks)
        for number, tab in enumerate(streaming, start=1):
            show_tab(tmux, f"M-{number}", tab)
            type_prompt(tmux, f"Tab {tab} [[tokens=1000 delay=0.01 done={tag}{tab}]]")
            tmux.send_keys("Enter")
        show_tab(tmux, f"M-{len(tabs)}", tabs[-1])
        latencies = _keystroke_latencies(tmux, keystrokes)
        marks.wait_all(tmux, 120)
    lags = [marks.seen[tab] - bench.server.finished_at(tag + tab) for tab in streaming]
    return {
        "key_p95_ms": 1000 * _percentile(latencies, 0.95),
        "key_median_ms": 1000 * statistics.median(latencies),
        "key_max_ms": 1000 * max(latencies),
        "done_lag_max_s": max(lags),
        "done_lag_median_s": statistics.median(lags),
        "failed_tabs": float(len(marks.failed)),
    }


def open_big_session(bench: Bench, seed: Path, home_tab: str, big: str) -> Figures:
    """Ctrl+O, filter to `big`, Enter -> its newest text on screen and a typed probe shown."""
    with running_app(bench, seed, [home_tab], active=home_tab) as tmux:
        wait_until_usable(tmux)
        tmux.send_keys("C-o")
        tmux.wait_for(r"All [\d,]+ sessions", 30)
        tmux.type_text(big)
        tmux.wait_for(r"\b1 of [\d,]+ sessions", 10)
        chosen = time.monotonic()
        tmux.send_keys("Enter")
        newest = tmux.wait_for(re.escape(end_text(big)), 30)
        usable = wait_for_probe(tmux, f"zq{new_tag()}")
        return {"usable_s": usable - chosen, "newest_shown_s": newest - chosen}


def visit_all(tmux: TmuxDriver, tabs: Sequence[str]) -> None:
    """Ctrl+PageDown from the first tab until the last one has shown. Tabs are still
    being restored while the first is usable: on the last one restored so far the key
    wraps round to the first, and the walk starts again from there."""
    shown, deadline = 0, time.monotonic() + 120
    while shown < len(tabs) - 1:
        if time.monotonic() > deadline:
            raise TmuxError(f"tab {tabs[shown + 1]} never showed")
        tmux.send_keys("C-NPage")
        wanted = [end_text(tabs[shown + 1])] + ([end_text(tabs[0])] if shown else [])
        try:
            tmux.wait_for("|".join(map(re.escape, wanted)), 2)
        except TmuxError:
            continue  # only the first tab is restored yet: the key did nothing
        shown = shown + 1 if wanted[0] in tmux.capture() else 0


def many_big_tabs(bench: Bench, seed: Path, tabs: Sequence[str]) -> Figures:
    """Restore `tabs`, show each once (Ctrl+PageDown), then read the app's memory."""
    with running_app(bench, seed, tabs, active=tabs[0]) as tmux:
        tmux.wait_for(re.escape(end_text(tabs[0])), 120)
        wait_until_usable(tmux)  # every tab restored: until then the active tab may change
        ready = time.monotonic()
        visit_all(tmux, tabs)
        visited = time.monotonic()
        time.sleep(1.0)  # let the last tab's rendering settle
        return {
            "rss_mb": rss_mb(tmux.pid),
            "peak_rss_mb": peak_rss_mb(tmux.pid),
            "restore_s": ready - tmux.launched_at,
            "visit_all_s": visited - ready,
        }
