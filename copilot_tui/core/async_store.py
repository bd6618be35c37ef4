"""The session store for asyncio code: every call runs on one dedicated worker thread.

sqlite3 connections must stay on the thread that made them, and a query must never
stall the event loop, so the `SessionStore` is created, used and closed on a single
`ThreadPoolExecutor(max_workers=1)` thread. Calls run in the order they were made.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from copilot_tui.core.errors import StoreError
from copilot_tui.core.store import SessionStore

T = TypeVar("T")


class AsyncSessionStore:
    """Awaitable access to a `SessionStore` living on its own thread.

    Example:
        store = await AsyncSessionStore.open(paths.store_file())
        sessions = await store.run(lambda s: s.list_sessions(limit=50))
        await store.close()
    """

    def __init__(self, store: SessionStore, executor: ThreadPoolExecutor) -> None:
        """Wrap a store already opened on `executor`'s only thread; use `open` instead."""
        self.path: Path = store.path
        self._store = store
        self._executor = executor
        self._closed = False

    @classmethod
    async def open(cls, path: Path) -> AsyncSessionStore:
        """Open the store at `path` on a new worker thread.

        Raises:
            StoreError: the store cannot be opened (see `SessionStore`).
        """
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="copilot-tui-store")
        try:
            store = await asyncio.get_running_loop().run_in_executor(executor, SessionStore, path)
        except BaseException:
            executor.shutdown(wait=False)
            raise
        return cls(store, executor)

    async def run(self, operation: Callable[[SessionStore], T]) -> T:
        """Run `operation(store)` on the worker thread and return its result.

        Exceptions raised by `operation` propagate to the caller unchanged.

        Raises:
            StoreError: the store was closed.
        """
        if self._closed:
            raise StoreError(f"session store {self.path} is closed")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, operation, self._store)

    async def close(self) -> None:
        """Close the store on its thread (after calls already queued) and stop the thread.

        Calling it again does nothing.
        """
        if self._closed:
            return
        self._closed = True
        try:
            await asyncio.get_running_loop().run_in_executor(self._executor, self._store.close)
        finally:
            # The queue is empty by now, so this does not wait for real work.
            self._executor.shutdown(wait=False)
