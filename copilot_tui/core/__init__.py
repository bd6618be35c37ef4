"""The headless library: sessions, streaming, store and config. Never imports textual.

Names are imported on first use (PEP 562), so `import copilot_tui.core` stays cheap and
running a submodule with `python -m` does not import the rest.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from copilot_tui.core.client import CopilotClient
    from copilot_tui.core.config import Config, ProviderConfig, load_config
    from copilot_tui.core.errors import (
        ConfigError,
        CopilotError,
        InvalidArgumentError,
        InvalidSessionIdError,
        ProviderError,
        SessionClosedError,
        SessionEventError,
        SessionExistsError,
        SessionInUseError,
        SessionNotFoundError,
        StoreError,
    )
    from copilot_tui.core.events import (
        AssistantMessageDeltaEvent,
        AssistantMessageEvent,
        AssistantTurnStartEvent,
        AssistantUsageEvent,
        EventType,
        SessionErrorEvent,
        SessionEvent,
        SessionIdleEvent,
        SessionInfoEvent,
        SessionTitleChangedEvent,
        UserMessageEvent,
    )
    from copilot_tui.core.metadata import ModelInfo, SessionMetadata, SessionRecord
    from copilot_tui.core.session import CopilotSession

_EXPORTS = {
    "AssistantMessageDeltaEvent": "copilot_tui.core.events",
    "AssistantMessageEvent": "copilot_tui.core.events",
    "AssistantTurnStartEvent": "copilot_tui.core.events",
    "AssistantUsageEvent": "copilot_tui.core.events",
    "Config": "copilot_tui.core.config",
    "ConfigError": "copilot_tui.core.errors",
    "CopilotClient": "copilot_tui.core.client",
    "CopilotError": "copilot_tui.core.errors",
    "CopilotSession": "copilot_tui.core.session",
    "EventType": "copilot_tui.core.events",
    "InvalidArgumentError": "copilot_tui.core.errors",
    "InvalidSessionIdError": "copilot_tui.core.errors",
    "ModelInfo": "copilot_tui.core.metadata",
    "ProviderConfig": "copilot_tui.core.config",
    "ProviderError": "copilot_tui.core.errors",
    "SessionClosedError": "copilot_tui.core.errors",
    "SessionErrorEvent": "copilot_tui.core.events",
    "SessionEvent": "copilot_tui.core.events",
    "SessionEventError": "copilot_tui.core.errors",
    "SessionExistsError": "copilot_tui.core.errors",
    "SessionIdleEvent": "copilot_tui.core.events",
    "SessionInUseError": "copilot_tui.core.errors",
    "SessionInfoEvent": "copilot_tui.core.events",
    "SessionMetadata": "copilot_tui.core.metadata",
    "SessionNotFoundError": "copilot_tui.core.errors",
    "SessionRecord": "copilot_tui.core.metadata",
    "SessionTitleChangedEvent": "copilot_tui.core.events",
    "StoreError": "copilot_tui.core.errors",
    "UserMessageEvent": "copilot_tui.core.events",
    "load_config": "copilot_tui.core.config",
}

__all__ = [
    "AssistantMessageDeltaEvent",
    "AssistantMessageEvent",
    "AssistantTurnStartEvent",
    "AssistantUsageEvent",
    "Config",
    "ConfigError",
    "CopilotClient",
    "CopilotError",
    "CopilotSession",
    "EventType",
    "InvalidArgumentError",
    "InvalidSessionIdError",
    "ModelInfo",
    "ProviderConfig",
    "ProviderError",
    "SessionClosedError",
    "SessionErrorEvent",
    "SessionEvent",
    "SessionEventError",
    "SessionExistsError",
    "SessionIdleEvent",
    "SessionInUseError",
    "SessionInfoEvent",
    "SessionMetadata",
    "SessionNotFoundError",
    "SessionRecord",
    "SessionTitleChangedEvent",
    "StoreError",
    "UserMessageEvent",
    "load_config",
]


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value
