"""CopilotClient: many independent sessions served by one shared worker."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from typing import Any, Self

import httpx

from copilot_tui.core.config import Config, config_from_dict, load_config
from copilot_tui.core.errors import (
    CopilotError,
    SessionExistsError,
    SessionNotFoundError,
    session_exists_error,
    session_not_found_error,
)
from copilot_tui.core.events import SessionEvent
from copilot_tui.core.ids import new_session_id, validate_session_id
from copilot_tui.core.inputs import SessionOptions, checked_model, session_options
from copilot_tui.core.metadata import ModelInfo, SessionMetadata, SessionRecord
from copilot_tui.core.providers import ProviderSet, list_provider_models
from copilot_tui.core.runtime import ClientRuntime, open_runtime
from copilot_tui.core.session import CopilotSession
from copilot_tui.core.session_lock import SessionLock, locked_session
from copilot_tui.core.store import SearchHit, SessionStore, StoredSession


class CopilotClient:
    """The entry point: creates, resumes, lists and deletes sessions.

    Args:
        config: a `Config`, a dict shaped like config.toml, or None to read the
            user's config file (defaults when it is absent).
        transport: an httpx transport to use instead of the network (tests).
        environ: the environment to read provider variables and API keys from.
    """

    def __init__(
        self,
        config: Config | Mapping[str, Any] | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        if config is None:
            config = load_config()
        elif not isinstance(config, Config):
            config = config_from_dict(config)
        self._config = config
        self._environ = dict(os.environ if environ is None else environ)
        self._transport = transport
        self._runtime: ClientRuntime | None = None
        self._start_lock = asyncio.Lock()
        self._sessions: dict[str, CopilotSession] = {}
        self._models: list[ModelInfo] | None = None
        self.model_errors: list[str] = []

    # -- lifecycle --------------------------------------------------------------------

    async def start(self) -> None:
        """Open the store and the connection pool (and the demo model if needed)."""
        async with self._start_lock:
            if self._runtime is None:
                self._runtime = await open_runtime(self._config, self._environ, self._transport)

    async def stop(self) -> None:
        """Abort every running turn (partial replies kept) and close everything."""
        async with self._start_lock:
            runtime, self._runtime = self._runtime, None
            if runtime is None:
                return
            sessions = list(self._sessions.values())
            self._sessions.clear()
            await asyncio.gather(*(session.close_quietly() for session in sessions))
            await runtime.close()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # -- what it knows ----------------------------------------------------------------

    @property
    def config(self) -> Config:
        return self._config

    @property
    def providers(self) -> ProviderSet:
        return self._started().providers

    @property
    def is_demo(self) -> bool:
        """True when no provider is configured and the offline demo model answers."""
        return self._started().demo is not None

    @property
    def open_sessions(self) -> tuple[CopilotSession, ...]:
        return tuple(self._sessions.values())

    # -- sessions ---------------------------------------------------------------------

    async def create_session(
        self,
        options: Mapping[str, Any] | None = None,
        /,
        *,
        model: str | None = None,
        session_id: str | None = None,
        system_message: str | None = None,
        title: str | None = None,
    ) -> CopilotSession:
        """Create a session: `create_session({"model": ...})` or `create_session(model=...)`.

        Raises:
            InvalidSessionIdError: a custom id breaks the id rules.
            SessionExistsError: a session with that id already exists.
            SessionInUseError: another process has a session with that id open.
        """
        wanted = session_options(
            options, model=model, session_id=session_id, system_message=system_message, title=title
        )
        runtime = await self._ensure_started()
        sid = (
            new_session_id()
            if wanted.session_id is None
            else validate_session_id(wanted.session_id)
        )
        chosen_model = await self._model_for(wanted)
        if sid in self._sessions:
            raise session_exists_error(sid)
        with locked_session(runtime.services.store.path.parent, sid) as lock:
            await runtime.services.store.run(lambda s: _create(s, sid, chosen_model, wanted))
        return self._open(sid, chosen_model, wanted.title or "", wanted.system_message, [], lock)

    async def resume_session(self, session_id: str) -> CopilotSession:
        """The live session with its history; the same object if it is already open.

        Raises SessionNotFoundError, or SessionInUseError if another process has it open."""
        runtime = await self._ensure_started()
        validate_session_id(session_id)
        if session_id in self._sessions:
            return self._sessions[session_id]
        store = runtime.services.store
        with locked_session(store.path.parent, session_id) as lock:
            stored, events = await store.run(lambda s: _load(s, session_id, lock.fresh))
        if session_id in self._sessions:  # resumed concurrently while we were loading
            lock.release()
            return self._sessions[session_id]
        meta = stored.metadata
        return self._open(session_id, meta.model, meta.title, stored.system_message, events, lock)

    async def read_session(self, session_id: str) -> SessionRecord:
        """A stored session's metadata and history, without opening it (for exports)."""
        runtime = await self._ensure_started()
        live = self._sessions.get(session_id)
        stored, events = await runtime.services.store.run(lambda s: _read(s, session_id))
        if live is not None:  # the live history includes what is still streaming
            events = list(live.get_events())
        return SessionRecord(stored.metadata, stored.system_message, events)

    async def compare_run(self, compare_id: str) -> list[SessionRecord]:
        """The records of every session of compare run `compare_id`, in the run's order.

        Each is read like `read_session` reads it (live sessions include what streams).

        Raises:
            SessionNotFoundError: no stored session has a prompt of that run.
        """
        runtime = await self._ensure_started()
        ids = await runtime.services.store.run(lambda s: s.compare_run_sessions(compare_id))
        if not ids:
            hint = "no stored prompt has that compare id (broadcast() returns it)"
            raise SessionNotFoundError(f"no compare run '{compare_id}'; {hint}")
        return [await self.read_session(session_id) for session_id in ids]

    async def list_sessions(self) -> list[SessionMetadata]:
        """Every stored session, most recently modified first."""
        runtime = await self._ensure_started()
        return await runtime.services.store.run(lambda store: store.list_sessions())

    async def get_last_session_id(self) -> str | None:
        runtime = await self._ensure_started()
        return await runtime.services.store.run(lambda store: store.last_session_id())

    async def delete_session(self, session_id: str) -> None:
        """Delete a session and its history for good (an open one is closed first)."""
        runtime = await self._ensure_started()
        live = self._sessions.pop(session_id, None)
        if live is not None:
            await live.close_quietly()
        if not await runtime.services.store.run(lambda store: store.delete_session(session_id)):
            raise session_not_found_error(session_id)

    async def rename_session(self, session_id: str, title: str) -> None:
        runtime = await self._ensure_started()
        if session_id in self._sessions:
            await self._sessions[session_id].set_title(title)
        else:
            await runtime.services.store.run(lambda store: store.set_title(session_id, title))

    async def search_messages(self, query: str, *, limit: int = 50) -> list[SearchHit]:
        """Full-text search over every stored message, best match first."""
        runtime = await self._ensure_started()
        return await runtime.services.store.run(lambda store: store.search(query, limit=limit))

    async def list_models(self, *, refresh: bool = False) -> list[ModelInfo]:
        """The models the providers report (asked once, then cached)."""
        runtime = await self._ensure_started()
        if self._models is None or refresh:
            services = runtime.services
            models, errors = await list_provider_models(
                services.http, services.providers, timeouts=services.timeouts, environ=self._environ
            )
            if errors and not models:
                raise errors[0]
            self._models, self.model_errors = models, [error.message for error in errors]
        return list(self._models)

    # -- inside -----------------------------------------------------------------------

    def _started(self) -> ClientRuntime:
        if self._runtime is None:
            raise CopilotError("the client is not started; call await client.start()")
        return self._runtime

    async def _ensure_started(self) -> ClientRuntime:
        # Like the SDK's auto_start: using a client starts it.
        await self.start()
        return self._started()

    async def _model_for(self, wanted: SessionOptions) -> str:
        if wanted.model:
            return checked_model(wanted.model)
        configured = self.providers.configured_default_model()
        if configured:
            return configured
        default = self.providers.default.name
        offered = [m for m in await self.list_models() if m.provider == default]
        if not offered:
            raise CopilotError(
                f"no model to use: provider '{default}' lists none; "
                "set default_model in config.toml or pass model="
            )
        return offered[0].id

    def _open(
        self,
        session_id: str,
        model: str,
        title: str,
        system_message: str | None,
        events: list[SessionEvent],
        lock: SessionLock,
    ) -> CopilotSession:
        session = CopilotSession(
            self._started().services,
            session_id=session_id,
            model=model,
            title=title,
            system_message=system_message,
            events=events,
            on_close=self._forget,
            lock=lock,
        )
        self._sessions[session_id] = session
        return session

    def _forget(self, session: CopilotSession) -> None:
        if self._sessions.get(session.session_id) is session:
            del self._sessions[session.session_id]


def _create(store: SessionStore, session_id: str, model: str, wanted: SessionOptions) -> None:
    try:
        store.create_session(
            session_id, model=model, title=wanted.title or "", system_message=wanted.system_message
        )
    except SessionExistsError:
        raise session_exists_error(session_id) from None


def _read(store: SessionStore, session_id: str) -> tuple[StoredSession, list[SessionEvent]]:
    stored = store.get_session(session_id)
    if stored is None:
        raise session_not_found_error(session_id)
    return stored, store.load_events(session_id)


def _load(store: SessionStore, sid: str, fresh: bool) -> tuple[StoredSession, list[SessionEvent]]:
    if fresh and store.get_session(sid) is not None:
        # Locked by us alone, so nothing streams into it: "streaming" means cut off.
        store.mark_interrupted(sid)
    return _read(store, sid)
