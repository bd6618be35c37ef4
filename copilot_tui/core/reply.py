"""A reply while it streams: its text, its timing, and its partial saves."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from copilot_tui.core.chat_chunks import ChunkUsage

logger = logging.getLogger(__name__)


class Reply:
    """The text received so far, and when it came."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._text = ""
        self._joined_parts = 0
        self.size = 0  # characters so far
        self.started = time.monotonic()
        self.first_text_at: float | None = None
        self.usage: ChunkUsage | None = None

    def append(self, text: str) -> None:
        if self.first_text_at is None:
            self.first_text_at = time.monotonic()
        self._parts.append(text)
        self.size += len(text)

    @property
    def has_text(self) -> bool:
        return bool(self._parts)

    def text(self) -> str:
        # Join lazily and keep the result: partial saves ask for it repeatedly.
        if self._joined_parts != len(self._parts):
            self._text = "".join(self._parts)
            self._parts = [self._text]
            self._joined_parts = 1
        return self._text

    @property
    def ttft_s(self) -> float | None:
        return None if self.first_text_at is None else self.first_text_at - self.started

    def duration_s(self) -> float:
        return time.monotonic() - self.started


class PartialFlusher:
    """Saves a streaming reply's text at most `interval` seconds after it arrives.

    A timer (not the next chunk) triggers the save, so text that arrives just before
    the stream stalls is on disk within `interval` too. One save runs at a time.
    """

    def __init__(self, interval: float, save: Callable[[], Awaitable[None]]) -> None:
        self._interval = interval
        self._save = save
        self._timer: asyncio.TimerHandle | None = None
        self._saving: asyncio.Task[None] | None = None

    def text_arrived(self) -> None:
        if self._timer is None:
            loop = asyncio.get_running_loop()
            self._timer = loop.call_later(self._interval, self._start_save)

    def _start_save(self) -> None:
        self._timer = None
        if self._saving is not None and not self._saving.done():
            self.text_arrived()  # the store is slow; try again next interval
            return
        self._saving = asyncio.ensure_future(self._guarded_save())

    async def _guarded_save(self) -> None:
        try:
            await self._save()
        except Exception:
            logger.exception("could not save a partial reply")

    async def close(self) -> None:
        """Stop the timer and wait for a save in progress (the final save comes next)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._saving is not None:
            await asyncio.wait({self._saving})
