"""relative_time.describe: table-driven, including future and timezone-aware inputs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from copilot_tui.relative_time import describe

NOW = datetime(2025, 3, 20, 15, 30, tzinfo=UTC)
TOKYO = timezone(timedelta(hours=9))
NEW_YORK = timezone(timedelta(hours=-4))


@pytest.mark.parametrize(
    ("ago", "expected"),
    [
        (timedelta(0), "just now"),
        (timedelta(seconds=59), "just now"),
        (timedelta(seconds=60), "1 min ago"),
        (timedelta(minutes=5, seconds=59), "5 min ago"),
        (timedelta(minutes=59, seconds=59), "59 min ago"),
        (timedelta(hours=1), "1 h ago"),
        (timedelta(hours=2, minutes=59), "2 h ago"),
        (timedelta(hours=23, minutes=59), "23 h ago"),
        (timedelta(hours=24), "yesterday"),  # 19 Mar 15:30, the day before
        (timedelta(hours=39), "yesterday"),  # 19 Mar 00:30
        (timedelta(hours=40), "2 days ago"),  # 18 Mar 23:30
        (timedelta(days=3), "3 days ago"),
        (timedelta(days=6), "6 days ago"),
        (timedelta(days=7), "13 Mar"),
        (timedelta(days=78), "1 Jan"),
        (timedelta(days=79), "31 Dec 2024"),
        (timedelta(days=800), "10 Jan 2023"),
    ],
)
def test_past_times(ago: timedelta, expected: str) -> None:
    assert describe(NOW - ago, NOW) == expected


@pytest.mark.parametrize(
    ("ahead", "expected"),
    [
        (timedelta(seconds=30), "just now"),  # clock skew between processes
        (timedelta(seconds=60), "just now"),
        (timedelta(minutes=5), "20 Mar"),
        (timedelta(days=300), "14 Jan 2026"),
    ],
)
def test_future_times(ahead: timedelta, expected: str) -> None:
    assert describe(NOW + ahead, NOW) == expected


def test_the_same_instant_in_other_zones_is_the_same_time() -> None:
    two_hours_ago = (NOW - timedelta(hours=2)).astimezone(TOKYO)
    assert describe(two_hours_ago, NOW.astimezone(NEW_YORK)) == "2 h ago"


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # 26 h before 20 Mar 15:30 UTC is 19 Mar 13:30 UTC.
        (NOW, "yesterday"),
        # In Tokyo that is 19 Mar 22:30 seen from 21 Mar 00:30: two calendar days.
        (NOW.astimezone(TOKYO), "2 days ago"),
    ],
)
def test_calendar_days_are_those_of_nows_timezone(now: datetime, expected: str) -> None:
    assert describe(NOW - timedelta(hours=26), now) == expected


def test_dates_are_shown_in_nows_timezone() -> None:
    when = datetime(2025, 3, 1, 23, 0, tzinfo=UTC)
    assert describe(when, NOW) == "1 Mar"
    assert describe(when, NOW.astimezone(TOKYO)) == "2 Mar"


def test_naive_datetimes_are_taken_as_utc() -> None:
    naive_now = NOW.replace(tzinfo=None)
    assert describe(naive_now - timedelta(minutes=5), NOW) == "5 min ago"
    assert describe(NOW - timedelta(hours=3), naive_now) == "3 h ago"
