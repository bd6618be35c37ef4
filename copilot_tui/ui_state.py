"""What the app remembers between runs: open tabs, the active one, unsent drafts."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from copilot_tui.core.config import Config
from copilot_tui.core.paths import data_dir

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class UiState:
    """Open tabs in order, the active tab and each tab's unsent prompt."""

    open_sessions: list[str] = field(default_factory=list)
    active: str | None = None
    drafts: dict[str, str] = field(default_factory=dict)
    last_compare: tuple[str, tuple[str, ...]] | None = None  # compare run id, its sessions


def ui_state_file(config: Config) -> Path:
    return (config.data_dir or data_dir()) / "ui-state.json"


def load_ui_state(path: Path) -> UiState:
    """The saved state; a missing or damaged file gives an empty state (and a log line)."""
    try:
        raw: Any = json.loads(path.read_text(encoding="utf-8"))
        return UiState(
            open_sessions=[str(i) for i in raw.get("open_sessions", [])],
            active=raw.get("active") if isinstance(raw.get("active"), str) else None,
            drafts={str(k): str(v) for k, v in dict(raw.get("drafts", {})).items()},
            last_compare=_last_compare(raw.get("last_compare")),
        )
    except FileNotFoundError:
        return UiState()
    except (OSError, ValueError, TypeError, AttributeError) as error:
        logger.warning("ignoring unreadable UI state %s: %s", path, error)
        return UiState()


def _last_compare(raw: Any) -> tuple[str, tuple[str, ...]] | None:
    if not isinstance(raw, list) or len(raw) != 2 or not isinstance(raw[1], list):
        return None
    return str(raw[0]), tuple(str(session_id) for session_id in raw[1])


def save_ui_state(state: UiState, path: Path) -> None:
    """Write atomically (temp file + rename), readable by the user only."""
    data = {
        "open_sessions": state.open_sessions,
        "active": state.active,
        "drafts": state.drafts,
        "last_compare": list(state.last_compare) if state.last_compare else None,
    }
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".ui-state-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
