"""How long ago something happened, the short way a list shows it ("5 min ago")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# A time this little in the future is clock skew between processes, not a real future.
_SKEW = timedelta(minutes=1)


def describe(when: datetime, now: datetime) -> str:
    """`when` relative to `now`: "just now", "5 min ago", "2 h ago", "yesterday",
    "3 days ago", then a date ("12 Mar", or "12 Mar 2024" in another year).

    Calendar days and dates are those of `now`'s timezone; a naive datetime is taken
    as UTC. A time more than a minute in the future is shown as its date.
    """
    when, now = _aware(when), _aware(now)
    elapsed = now - when
    if elapsed < -_SKEW:
        return _date(when.astimezone(now.tzinfo), now)
    if elapsed < timedelta(minutes=1):
        return "just now"
    if elapsed < timedelta(hours=1):
        return f"{elapsed // timedelta(minutes=1)} min ago"
    if elapsed < timedelta(days=1):
        return f"{elapsed // timedelta(hours=1)} h ago"
    local_when = when.astimezone(now.tzinfo)
    days = (now.date() - local_when.date()).days
    if days <= 1:
        return "yesterday"
    if days < 7:
        return f"{days} days ago"
    return _date(local_when, now)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _date(when: datetime, now: datetime) -> str:
    # Month names from a table: strftime("%b") would follow the process locale.
    day_month = f"{when.day} {_MONTHS[when.month - 1]}"
    return day_month if when.year == now.year else f"{day_month} {when.year}"
