"""The reliability suite: each test proves one promise (a fault handled, a bad input
refused, a crash survived, a secret kept). The summary counts what passed, per kind, so
the README's "Reliability" section can quote the suite's own figures."""

from __future__ import annotations

from collections import Counter

import pytest

KINDS = {
    "fault": "server faults handled",
    "crash": "crash and concurrency runs survived",
    "bad_input": "bad inputs refused or shown safely",
    "secret": "secret-leak checks",
}


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    passed = Counter(
        kind
        for report in terminalreporter.stats.get("passed", [])
        if "tests/reliability/" in report.nodeid
        for kind in KINDS
        if kind in report.keywords
    )
    if passed:
        terminalreporter.write_sep("-", "reliability")
        for kind, label in KINDS.items():
            terminalreporter.write_line(f"{passed[kind]:4d} {label}")
