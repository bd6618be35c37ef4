"""CopilotApp: one tab per open session, all streaming through one shared client."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.screen import Screen
from textual.widgets import Input, Static

from copilot_tui.bindings import TAB_ACTIONS, app_bindings
from copilot_tui.cli.output import print_error
from copilot_tui.commands import ModelCommands, action_commands
from copilot_tui.compare_flow import open_compare, start_broadcast
from copilot_tui.core.api_keys import check_api_keys
from copilot_tui.core.client import CopilotClient
from copilot_tui.core.errors import ConfigError, CopilotError
from copilot_tui.core.session import CopilotSession
from copilot_tui.safe_text import printable
from copilot_tui.session_opener import open_initial_sessions
from copilot_tui.tab_actions import copy_last_reply, export_session, rename_session
from copilot_tui.terminal_keys import enable_alt_keys
from copilot_tui.ui_state import UiState, load_ui_state, save_ui_state, ui_state_file
from copilot_tui.widgets.frames import FrameClock
from copilot_tui.widgets.session_pane import SessionPane
from copilot_tui.widgets.session_tabs import SessionTabs
from copilot_tui.widgets.steady_footer import SteadyFooter

if TYPE_CHECKING:
    from copilot_tui.screens.broadcast import BroadcastRequest
    from copilot_tui.screens.compare import CompareScreen
    from copilot_tui.screens.session_picker import SessionPicker

    SessionPickerDeleted = SessionPicker.Deleted
    SessionPickerRenamed = SessionPicker.Renamed
    CompareWinnerMarked = CompareScreen.WinnerMarked

EMPTY_TEXT = "No open sessions.\n\nCtrl+N starts a new one · Ctrl+O opens a stored one · F1 help"


class CopilotApp(App[None]):
    """The terminal UI over one `CopilotClient` (created by `run_app`, or injected)."""

    CSS_PATH = "app.tcss"
    TITLE = "copilot-tui"
    BINDINGS = app_bindings()
    COMMANDS = App.COMMANDS | {ModelCommands}

    def __init__(
        self,
        client: CopilotClient,
        *,
        session_id: str | None = None,
        model: str | None = None,
        state_file: Path | None = None,
    ) -> None:
        super().__init__()
        # An exit message (e.g. "the store is read-only") stays one line, unwrapped and
        # uncropped, even when stderr is a file or a pipe (80 columns to rich).
        self.error_console.soft_wrap = True
        enable_alt_keys()
        self.client = client
        self._requested_session = session_id
        self._requested_model = model
        self._state_file = state_file or ui_state_file(client.config)
        self._restored = False
        self._saved_state: UiState | None = None
        self.last_compare: tuple[str, tuple[str, ...]] | None = None  # run id, session ids

    def compose(self) -> ComposeResult:
        yield SessionTabs(FrameClock(self), id="tabs")
        yield Static(EMPTY_TEXT, id="empty")
        yield SteadyFooter()

    async def on_event(self, event: events.Event) -> None:
        """A paste into a one-line field shows its control characters, never obeys them."""
        if isinstance(event, events.Paste) and isinstance(self.focused, Input):
            event.text = printable(event.text)
        await super().on_event(event)

    def on_mount(self) -> None:
        self._apply_theme(self.client.config.ui.theme)
        self.set_interval(5, self.save_state)  # drafts survive a crash or a kill
        self._restore()

    def _apply_theme(self, theme: str) -> None:
        if theme in self.available_themes:
            self.theme = theme
        else:
            self.notify(f"unknown theme '{theme}' in config.toml; using the default", timeout=8)

    @property
    def tabs(self) -> SessionTabs:
        return self.query_one(SessionTabs)

    # -- start and stop ---------------------------------------------------------------

    @work(exclusive=True, group="restore")
    async def _restore(self) -> None:
        try:
            await self.client.start()
        except CopilotError as error:
            self.exit(return_code=1, message=f"copilot-tui: error: {error.message}")
            return
        state = await asyncio.to_thread(load_ui_state, self._state_file)
        self.last_compare = state.last_compare
        await open_initial_sessions(
            self, state, session_id=self._requested_session, model=self._requested_model
        )
        self._restored = True
        self._update_empty()

    def current_state(self) -> UiState:
        panes = self.tabs.panes
        active = self.tabs.active_session_pane
        return UiState(
            open_sessions=[pane.session.session_id for pane in panes],
            active=active.session.session_id if active else None,
            drafts={p.session.session_id: p.prompt.text for p in panes if p.prompt.text},
            last_compare=self.last_compare,
        )

    async def save_state(self) -> None:
        """Remember tabs and drafts; skipped until the last run's tabs are restored."""
        if not self._restored or not self.query(SessionTabs):
            return
        state = self.current_state()
        if state != self._saved_state:
            await asyncio.to_thread(save_ui_state, state, self._state_file)
            self._saved_state = state

    async def action_quit(self) -> None:
        await self.save_state()  # before the tabs are unmounted
        self.exit()

    async def on_unmount(self) -> None:
        await self.client.stop()

    # -- tabs -------------------------------------------------------------------------

    async def open_session_tab(self, session_id: str, *, activate: bool = True) -> None:
        """Focus the session's tab, or resume it into a new one."""
        try:
            session = await self.client.resume_session(session_id)
        except CopilotError as error:
            self.notify(error.message, severity="error", title="Cannot open")
            return
        await self.tabs.add_session(session, demo=self.client.is_demo, activate=activate)
        self._update_empty()

    def _update_empty(self) -> None:
        has_tabs = bool(self.tabs.panes)
        self.tabs.display = has_tabs
        self.query_one("#empty").display = not has_tabs

    def _active(self) -> SessionPane | None:
        pane = self.tabs.active_session_pane
        if pane is None:
            self.notify("no open session: Ctrl+N starts one", severity="warning")
        return pane

    @on(SessionTabs.TabActivated)
    async def _tab_activated(self) -> None:
        await self.save_state()

    # Screens are imported when first opened (start-up stays fast), so their messages
    # are handled by name: SessionPicker.Deleted -> on_session_picker_deleted.
    async def on_session_picker_deleted(self, message: SessionPickerDeleted) -> None:
        pane = self.tabs.pane_for(message.session_id)
        if pane is not None:
            await self.tabs.remove_session_pane(pane)
            self._update_empty()
            await self.save_state()

    def on_session_picker_renamed(self, message: SessionPickerRenamed) -> None:
        pane = self.tabs.pane_for(message.session_id)
        if pane is not None:
            self.tabs.relabel(pane)

    # -- actions (keys in keys.py) ----------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Tab actions are off while a dialog is open (Esc, F2... belong to the dialog)."""
        return not (action in TAB_ACTIONS and len(self.screen_stack) > 1)

    def action_new_session(self) -> None:
        from copilot_tui.screens.new_session import NewSessionScreen

        self.push_screen(NewSessionScreen(self.client), self._session_created)

    async def _session_created(self, session: CopilotSession | None) -> None:
        if session is not None:
            await self.open_session_tab(session.session_id)

    def action_open_picker(self) -> None:
        from copilot_tui.screens.session_picker import SessionPicker

        open_ids = [pane.session.session_id for pane in self.tabs.panes]
        self.push_screen(SessionPicker(self.client, open_session_ids=open_ids), self._picked)

    async def _picked(self, session_id: str | None) -> None:
        if session_id is not None:
            await self.open_session_tab(session_id)

    async def action_close_tab(self) -> None:
        if (pane := self._active()) is not None:
            await pane.session.disconnect()
            await self.tabs.remove_session_pane(pane)
            self._update_empty()
            await self.save_state()

    async def action_abort(self) -> None:
        pane = self.tabs.active_session_pane
        if pane is not None and pane.session.is_busy:
            await pane.abort()

    async def action_retry(self) -> None:
        if (pane := self._active()) is not None and not await pane.retry():
            self.notify("nothing to retry yet", severity="warning")

    def action_copy_reply(self) -> None:
        if (pane := self._active()) is not None:
            copy_last_reply(self, pane)

    async def action_export(self) -> None:
        if (pane := self._active()) is not None:
            await export_session(self, pane)

    def action_rename(self) -> None:
        if (pane := self._active()) is not None:
            rename_session(self, pane)

    def action_broadcast(self) -> None:
        from copilot_tui.screens.broadcast import BroadcastScreen

        tabs = [(p.session.session_id, p.title) for p in self.tabs.panes]
        active = self.tabs.active_session_pane
        chosen = [active.session.session_id] if active else []
        self.push_screen(BroadcastScreen(self.client, tabs, preselected=chosen), self._broadcast)

    async def _broadcast(self, request: BroadcastRequest | None) -> None:
        if request is not None:
            await start_broadcast(self, request)

    async def action_compare(self) -> None:
        await open_compare(self)

    async def open_compared_session(self, session_id: str | None) -> None:
        if session_id is not None:
            await self.open_session_tab(session_id)

    def on_compare_screen_winner_marked(self, message: CompareWinnerMarked) -> None:
        for session_id in message.session_ids:
            if (pane := self.tabs.pane_for(session_id)) is not None:
                pane.refresh_winner_marks()

    def action_next_tab(self) -> None:
        self.tabs.step(1)

    def action_previous_tab(self) -> None:
        self.tabs.step(-1)

    def action_jump_tab(self, number: int) -> None:
        self.tabs.jump(number)

    def action_help(self) -> None:
        from copilot_tui.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    def switch_model(self, model: str) -> None:
        """Use `model` for the active session's next turns (command palette)."""
        if (pane := self._active()) is not None:
            pane.session.model = model
            pane.refresh_status()
            self.notify(f"{pane.title}: next replies from {model}")

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield from action_commands(self)


def run_app(*, session_id: str | None = None, model: str | None = None) -> int:
    """Run the terminal UI; returns the process exit code."""
    try:
        client = CopilotClient()
        check_api_keys(client.config, os.environ)
    except ConfigError as error:
        print_error(error.message)
        return 2
    app = CopilotApp(client, session_id=session_id, model=model)
    app.run()
    return app.return_code or 0
