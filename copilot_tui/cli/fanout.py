"""One prompt on several sessions at once, each reply collected whole: the core of a fan-out.

`fan_out` neither prints nor exits. It hands each finished reply to a callback in the
order of the sessions (so a caller can print them one after another without mixing
streams) and returns the whole run, for a summary or a JSON document.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from copilot_tui.core.compare import CompareEntry, broadcast, entry_of
from copilot_tui.core.events import SessionEvent
from copilot_tui.core.session import CopilotSession


@dataclass(frozen=True, slots=True)
class FanoutReply:
    """One session's part of a fan-out, once its turn has ended."""

    entry: CompareEntry
    elapsed_s: float  # from the broadcast to the end of this session's turn

    @property
    def succeeded(self) -> bool:
        reply = self.entry.reply
        return self.entry.error is None and reply is not None and reply.status == "complete"


@dataclass(frozen=True, slots=True)
class FanoutRun:
    """A whole fan-out: the replies in the order of the sessions, and its wall time."""

    compare_id: str
    prompt: str
    replies: tuple[FanoutReply, ...]
    elapsed_s: float  # from the broadcast to the end of the last turn

    @property
    def slowest_s(self) -> float:
        return max((reply.elapsed_s for reply in self.replies), default=0.0)

    @property
    def failed_count(self) -> int:
        return sum(not reply.succeeded for reply in self.replies)


ReplySink = Callable[[FanoutReply], None]


async def fan_out(
    sessions: Sequence[CopilotSession],
    prompt: str,
    *,
    compare_id: str | None = None,
    on_reply: ReplySink | None = None,
) -> FanoutRun:
    """Send `prompt` to every session at once (one compare run) and wait for every reply.

    The sessions must be idle and run nothing else meanwhile. `on_reply` gets each reply
    in session order, as soon as it and every reply before it have ended. A failed turn
    is not raised: it is its entry's `error`. If the caller is cancelled (Ctrl+C), or
    `on_reply` raises, every running turn is aborted first; partial replies stay stored.
    """
    finished = [_turn_end(session) for session in sessions]
    started = time.monotonic()
    try:
        run_id = await broadcast(sessions, prompt, compare_id=compare_id)
        replies = [
            await _collect(session, run_id, ended, started, on_reply)
            for session, ended in zip(sessions, finished, strict=True)
        ]
    except BaseException:
        await asyncio.gather(*(session.abort() for session in sessions))
        raise
    finally:
        for ended in finished:
            ended.cancel()  # unsubscribes the sessions that never finished
    return FanoutRun(run_id, prompt, tuple(replies), time.monotonic() - started)


async def _collect(
    session: CopilotSession,
    compare_id: str,
    ended: asyncio.Future[float],
    started: float,
    on_reply: ReplySink | None,
) -> FanoutReply:
    ended_at = await ended
    reply = FanoutReply(entry_of(session, compare_id), ended_at - started)
    if on_reply is not None:
        on_reply(reply)
    return reply


def _turn_end(session: CopilotSession) -> asyncio.Future[float]:
    """A future set to the moment `session` next goes idle (its queue empty)."""
    ended: asyncio.Future[float] = asyncio.get_running_loop().create_future()

    def idle(_event: SessionEvent) -> None:
        if not ended.done():
            ended.set_result(time.monotonic())

    unsubscribe = session.on("session.idle", idle)
    ended.add_done_callback(lambda _future: unsubscribe())
    return ended
