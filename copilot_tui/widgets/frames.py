"""One frame grid for everything that moves while replies stream.

A streaming reply renders at most once a frame, and the tab spinners and status lines
update every few frames. Each kind of update on its own timer would add frames of its
own (every frame re-lays out and repaints the screen, ~20 ms); on one grid they share.
"""

from __future__ import annotations

import time

FRAME = 1 / 12  # seconds; ~12 updates a second reads as smooth streaming text
TICK_FRAMES = 3  # spinners and status lines move every third frame (4 a second)


def until_next_frame(every: int = 1) -> float:
    """Seconds from now to the next point of the grid (of every `every` frames)."""
    period = FRAME * every
    return period - time.monotonic() % period
