"""What a terminal benchmark run starts from: a seeded store, saved tabs, a config, an env.

Seeding thousands of messages takes seconds, so a seeded data directory is built once
into a cache (keyed by the seed's parameters and the store's source code, so a schema
change builds a new one) and copied for every run.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from copilot_tui.core import demo_replies, events, store, store_schema
from copilot_tui.core.events import AssistantMessageEvent, UserMessageEvent
from copilot_tui.core.store import SessionStore

MODEL = "bench"
SEED_TIME = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
_PADDING = "Please explain it step by step, with an example and the trade-offs involved. " * 4
CACHE = Path(tempfile.gettempdir()) / "copilot-tui-bench-seeds"
CACHE_DAYS = 2
PROVIDER_VARIABLES = (
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "OLLAMA_HOST",
)


@dataclass(frozen=True)
class SeedSpec:
    """Sessions `<prefix>1`... each with `turns` prompt/reply pairs; titles = ids.

    A turn is about 1 KB: a ~350-character prompt and the short demo reply (a paragraph,
    a list and a code block). The newest reply of every session ends with "END-<id>",
    so a test can see it on screen.
    """

    prefix: str
    count: int
    turns: int
    digits: int = 1  # numbers are zero-padded to this width: t1, s0001

    def ids(self) -> list[str]:
        return [f"{self.prefix}{n:0{self.digits}d}" for n in range(1, self.count + 1)]


def end_text(session_id: str) -> str:
    """The text the newest reply of a seeded session ends with."""
    return f"END-{session_id}"


def _seed_session(db: SessionStore, session_id: str, spec: SeedSpec, start: datetime) -> None:
    db.create_session(session_id, model=MODEL, title=session_id, created=start)
    for turn in range(spec.turns):
        when = start + timedelta(seconds=turn)
        prompt = f"Question {turn} of {session_id}: how does part {turn} work? {_PADDING}"
        asked = UserMessageEvent(
            session_id=session_id, id=f"{session_id}-u{turn}", timestamp=when, content=prompt
        )
        db.append_event(asked)
        reply = demo_replies.demo_reply(prompt, MODEL)
        if turn == spec.turns - 1:
            reply += f"\n\n{end_text(session_id)}\n"
        answer_id = f"{session_id}-a{turn}"
        db.upsert_message(
            AssistantMessageEvent(
                session_id=session_id,
                id=answer_id,
                message_id=answer_id,
                reply_to=asked.id,
                model=MODEL,
                content=reply,
                timestamp=when,
            )
        )


def seed_store(data_dir: Path, specs: Sequence[SeedSpec]) -> None:
    """Store the sessions of every spec in `data_dir`/sessions.db."""
    data_dir.mkdir(parents=True, exist_ok=True)
    db = SessionStore(data_dir / "sessions.db")
    try:
        for spec in specs:
            for number, session_id in enumerate(spec.ids()):
                _seed_session(db, session_id, spec, SEED_TIME + timedelta(minutes=number))
    finally:
        db.close()


def _cache_key(specs: Sequence[SeedSpec]) -> str:
    digest = hashlib.sha256(repr(list(specs)).encode())
    for module in (store, store_schema, events, demo_replies, sys.modules[__name__]):
        digest.update(inspect.getsource(module).encode())
    return digest.hexdigest()[:16]


def seeded_data(specs: Sequence[SeedSpec]) -> Path:
    """A cached data directory holding `specs`' sessions (built on first use)."""
    target = CACHE / _cache_key(specs)
    if (target / "sessions.db").exists():
        os.utime(target)  # in use: not pruned
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    _prune_cache()
    building = Path(tempfile.mkdtemp(prefix="building-", dir=CACHE))
    seed_store(building, specs)
    try:
        building.rename(target)
    except OSError:  # another run built it meanwhile
        shutil.rmtree(building, ignore_errors=True)
    return target


def _prune_cache() -> None:
    """Drop seeds unused for a while (left by older code: each is tens of MB)."""
    too_old = time.time() - CACHE_DAYS * 86400
    for entry in CACHE.iterdir():
        if entry.stat().st_mtime < too_old:
            shutil.rmtree(entry, ignore_errors=True)


@dataclass(frozen=True)
class RunHome:
    """One run's private directories: HOME, the config file and the data directory."""

    root: Path

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def config(self) -> Path:
        return self.root / "config.toml"

    @property
    def data(self) -> Path:
        return self.root / "data"


def config_text(port: int) -> str:
    """A config with one provider, the demo server; enough concurrency for 8+ streams."""
    return (
        f'default_model = "{MODEL}"\n\n[providers.bench]\n'
        f'base_url = "http://127.0.0.1:{port}/v1"\nmax_concurrency = 16\n'
    )


def prepare_home(
    root: Path, port: int, seed: Path | None, tabs: Sequence[str], active: str | None = None
) -> RunHome:
    """A fresh run directory: the seeded data copied in, `tabs` saved as the open tabs."""
    run = RunHome(root)
    run.home.mkdir(parents=True)
    if seed is None:
        run.data.mkdir()
    else:
        shutil.copytree(seed, run.data)
    run.config.write_text(config_text(port), encoding="utf-8")
    state: dict[str, object] = {"open_sessions": list(tabs), "active": active, "drafts": {}}
    (run.data / "ui-state.json").write_text(json.dumps(state), encoding="utf-8")
    return run


def app_environment(run: RunHome) -> dict[str, str]:
    """The whole environment the app runs with: private dirs, no provider variables."""
    return {
        "HOME": str(run.home),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "TERM": "tmux-256color",
        "COLORTERM": "truecolor",
        "TMPDIR": str(run.root),
        "COPILOT_TUI_CONFIG": str(run.config),
        "COPILOT_TUI_DATA_DIR": str(run.data),
    }


def environment_without_providers(base: Mapping[str, str]) -> dict[str, str]:
    """`base` without the variables that would make a process talk to a real provider."""
    return {k: v for k, v in base.items() if k not in PROVIDER_VARIABLES}
