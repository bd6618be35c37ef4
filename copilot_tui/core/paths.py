"""Where the config file and the data directory live (XDG, with overrides)."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "copilot-tui"


def _xdg_dir(variable: str, fallback: str) -> Path:
    value = os.environ.get(variable, "")
    # The XDG spec says relative paths are invalid and must be ignored.
    if value and os.path.isabs(value):
        return Path(value)
    return Path.home() / fallback


def config_file() -> Path:
    """`$COPILOT_TUI_CONFIG`, else `$XDG_CONFIG_HOME/copilot-tui/config.toml`."""
    override = os.environ.get("COPILOT_TUI_CONFIG")
    if override:
        return Path(override).expanduser()
    return _xdg_dir("XDG_CONFIG_HOME", ".config") / APP_NAME / "config.toml"


def data_dir() -> Path:
    """`$COPILOT_TUI_DATA_DIR`, else `$XDG_DATA_HOME/copilot-tui`."""
    override = os.environ.get("COPILOT_TUI_DATA_DIR")
    if override:
        return Path(override).expanduser()
    return _xdg_dir("XDG_DATA_HOME", ".local/share") / APP_NAME


def store_file(directory: Path | None = None) -> Path:
    return (directory or data_dir()) / "sessions.db"
