"""One frame grid for everything that moves while replies stream.

A streaming reply renders at most once a frame, and the tab spinners and status lines
update every few frames. Each kind of update on its own timer would add frames of its
own (every frame re-lays out and repaints the screen, ~20 ms); on one grid they share.
"""

from __future__ import annotations

import time

from textual.geometry import Size
from textual.reactive import Reactive

FRAME = 1 / 12  # seconds; ~12 updates a second reads as smooth streaming text
TICK_FRAMES = 3  # spinners and status lines move every third frame (4 a second)
# A streaming reply grows this many lines at a time, the view scrolling with it; the
# text fills the room meanwhile. Each growth lays out and repaints the whole screen,
# and the scrollbar in an update of its own: once a line made it most of a reply's CPU.
GROW_LINES = 4


def until_next_frame(every: int = 1) -> float:
    """Seconds from now to the next point of the grid (of every `every` frames)."""
    period = FRAME * every
    return period - time.monotonic() % period


def virtual_size_without_relayout() -> Reactive[Size]:
    """A `virtual_size` for widgets that grow every frame: its change asks for no layout.

    Textual sets a widget's virtual size while it lays the screen out, and the change
    asks for a second layout of the whole screen, which finds nothing to move: the
    first placed everything and updated the scrollbars. A growing reply paid for two
    layouts a frame.
    """
    return Reactive(Size(0, 0), layout=False, repaint=False)
