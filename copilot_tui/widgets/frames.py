"""One frame grid, and one clock on it, for everything that moves while replies stream.

A streaming reply renders at most once a frame, and the tab spinners and status lines
update every few frames. Every change costs a screen update (a few milliseconds: each
visible widget is asked for its lines); changes made in one callback share one.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from textual.geometry import Size
from textual.message_pump import MessagePump
from textual.reactive import Reactive
from textual.timer import Timer

FRAME = 1 / 12  # seconds; ~12 updates a second reads as smooth streaming text
TICK_FRAMES = 3  # spinners and status lines move every third frame (4 a second)
# A streaming reply grows this many lines at a time, the view scrolling with it; the
# text fills the room meanwhile. Each growth lays out and repaints the whole screen,
# and the scrollbar in an update of its own: once a line made it most of a reply's CPU.
GROW_LINES = 4


Callback = Callable[[], object]


def next_frame(every: int = 1) -> int:
    """The number of the grid's next point (frame n is at n * FRAME), a multiple of `every`."""
    frame = math.floor(time.monotonic() / FRAME) + 1
    return -(-frame // every) * every


class FrameClock:
    """Runs all that is due at a point of the grid in one callback of one timer.

    Timers of their own, set for the same point, fire a fraction of a millisecond
    apart: Textual draws the first one's change at once and the others' in a screen
    update of their own, so a spinner tick cost as much as a reply's frame.
    """

    def __init__(self, owner: MessagePump) -> None:
        self._owner = owner  # whose timer it is: it stops with its owner
        self._due: dict[int, dict[Callback, None]] = {}  # frame -> callbacks, in order
        self._timer: Timer | None = None
        self._timer_frame = 0

    def request(self, callback: Callback, *, every: int = 1) -> None:
        """Run `callback` at the grid's next point of every `every` frames; asked
        again before then, it still runs once."""
        frame = next_frame(every)
        self._due.setdefault(frame, {})[callback] = None
        if self._timer is None or frame < self._timer_frame:
            self._set_timer(frame)

    def _set_timer(self, frame: int) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer_frame = frame
        # Never a zero delay: a zero-interval Textual timer divides by zero.
        delay = max(frame * FRAME - time.monotonic(), 0.001)
        self._timer = self._owner.set_timer(delay, self._run)

    def _run(self) -> None:
        self._timer = None
        frames = sorted(frame for frame in self._due if frame <= self._timer_frame)
        due = [self._due.pop(frame) for frame in frames]
        if self._due:
            self._set_timer(min(self._due))
        for callbacks in due:
            for callback in callbacks:
                callback()


def virtual_size_without_relayout() -> Reactive[Size]:
    """A `virtual_size` for widgets that grow every frame: its change asks for no layout.

    Textual sets a widget's virtual size while it lays the screen out, and the change
    asks for a second layout of the whole screen, which finds nothing to move: the
    first placed everything and updated the scrollbars. A growing reply paid for two
    layouts a frame.
    """
    return Reactive(Size(0, 0), layout=False, repaint=False)
