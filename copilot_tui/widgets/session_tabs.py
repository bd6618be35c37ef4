"""The tab strip: one pane per open session, with live status marks."""

from __future__ import annotations

import itertools

from textual import on
from textual.content import Content
from textual.css.query import NoMatches
from textual.widgets import Static, Tab, TabbedContent
from textual.widgets._tabbed_content import ContentTab

from copilot_tui.core.session import CopilotSession
from copilot_tui.widgets.frames import TICK_FRAMES, FrameClock
from copilot_tui.widgets.session_pane import SessionPane
from copilot_tui.widgets.tab_label import tab_label


def repaint_label(tab: Tab, label: Content) -> None:
    """Show a label as wide as the old one: a repaint of the tab alone.

    The `label` setter also re-lays out the tab bar and restarts its underline's
    0.3 s slide; spinners in eight streaming tabs did that 32 times a second.
    """
    tab._label = label  # what the `label` property reads; Textual has no quiet setter
    Static.update(tab, label, layout=False)


class SessionTabs(TabbedContent):
    """Open sessions as tabs. Marks: spinner while streaming, ✗ after an error,
    ● for a reply that finished while the tab was in the background."""

    def __init__(self, frames: FrameClock, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._frames = frames  # the panes' replies draw on it; the spinners tick on it
        self._pane_numbers = itertools.count(1)
        self._unread: set[str] = set()
        self._streaming: set[SessionPane] = set()  # kept by StateChanged: tick needs no query
        self._frame = 0

    # -- which panes ------------------------------------------------------------------

    @property
    def panes(self) -> list[SessionPane]:
        """The panes in tab-bar order (a pane added `before` another is mounted last)."""
        by_id = {pane.id: pane for pane in self.query(SessionPane)}
        tab_ids = (ContentTab.sans_prefix(tab.id or "") for tab in self.query(ContentTab))
        return [by_id[pane_id] for pane_id in tab_ids if pane_id in by_id]

    @property
    def active_session_pane(self) -> SessionPane | None:
        try:
            pane = self.active_pane
        except NoMatches:  # the active tab's pane is still being mounted
            return None
        return pane if isinstance(pane, SessionPane) else None

    def pane_for(self, session_id: str) -> SessionPane | None:
        return next((p for p in self.panes if p.session.session_id == session_id), None)

    # -- opening, closing, moving -----------------------------------------------------

    async def add_session(
        self,
        session: CopilotSession,
        *,
        demo: bool,
        draft: str = "",
        activate: bool = True,
        before: SessionPane | None = None,
    ) -> SessionPane:
        """A pane for `session` (or its existing one), optionally made active; new panes
        go at the end, or `before` another pane."""
        pane = self.pane_for(session.session_id)
        if pane is None:
            pane_id = f"session-pane-{next(self._pane_numbers)}"
            pane = SessionPane(
                session, pane_id=pane_id, demo=demo, draft=draft, frames=self._frames
            )
            await self.add_pane(pane, before=before)
            self.relabel(pane)
        if activate:
            self.activate(pane)
        return pane

    def activate(self, pane: SessionPane) -> None:
        # The focus moves first, at once (`focus()` waits a turn of the loop): if the old
        # tab's prompt still has it when a layout hides that tab, Textual hands it to a
        # widget of the hidden tab and switches back there, and typed keys go nowhere.
        self.screen.set_focus(pane.prompt)
        self.active = pane.id or ""

    async def remove_session_pane(self, pane: SessionPane) -> None:
        self._unread.discard(pane.id or "")
        self._streaming.discard(pane)
        await self.remove_pane(pane.id or "")
        if (active := self.active_session_pane) is not None:
            active.prompt.focus()

    def step(self, offset: int) -> None:
        """Activate the tab `offset` places away, wrapping around."""
        panes = self.panes
        current = self.active_session_pane
        if panes and current is not None:
            self.activate(panes[(panes.index(current) + offset) % len(panes)])

    def jump(self, number: int) -> None:
        """Activate tab `number` (1-based), if there is one."""
        panes = self.panes
        if 0 < number <= len(panes):
            self.activate(panes[number - 1])

    # -- marks ------------------------------------------------------------------------

    def _tick_while_streaming(self) -> None:
        # On the clock the replies draw on: a tick shares their frame's screen update.
        self.tick()
        if self._streaming:
            self._frames.request(self._tick_while_streaming, every=TICK_FRAMES)

    def relabel(self, pane: SessionPane) -> None:
        try:
            tab = self.get_tab(pane)
        except NoMatches:  # the tab (or the whole app) is closing
            return
        label = tab_label(
            pane.title,
            state=pane.state,
            unread=(pane.id or "") in self._unread,
            queued=pane.session.queued_count,
            frame=self._frame,
        )
        if label.cell_length != tab.label.cell_length:
            tab.label = label  # the tab bar re-measures and slides its underline along
        elif label != tab.label:
            repaint_label(tab, label)

    def tick(self) -> None:
        """Advance the spinners and streaming times (called a few times a second)."""
        if self._streaming:
            self._frame += 1
            for pane in self._streaming:
                self.relabel(pane)
                if pane.display:  # a hidden tab's status line is redrawn when shown
                    pane.refresh_status()

    @on(SessionPane.StateChanged)
    def _state_changed(self, message: SessionPane.StateChanged) -> None:
        pane = message.pane
        if isinstance(message, SessionPane.ReplyFinished) and pane is not self.active_session_pane:
            self._unread.add(pane.id or "")
        if pane.state == "streaming":
            self._streaming.add(pane)
            self._frames.request(self._tick_while_streaming, every=TICK_FRAMES)
        else:
            self._streaming.discard(pane)
        self.relabel(pane)

    @on(TabbedContent.TabActivated)
    def _activated(self, message: TabbedContent.TabActivated) -> None:
        pane = self.active_session_pane
        if pane is not None:
            self._unread.discard(pane.id or "")
            # After the layout: a label changing width reads geometry, and doing that
            # before the pane is laid out makes Textual drop the pane's Show event.
            self.call_after_refresh(self.relabel, pane)
            # Not only on Show: Textual drops a pane's Show if anything reads geometry
            # between the pane turning visible and the next layout.
            self.call_after_refresh(pane.show_missed)
