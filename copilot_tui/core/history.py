"""Turn a session's stored events into the messages a model request carries."""

from __future__ import annotations

from collections.abc import Sequence

from copilot_tui.core.events import AssistantMessageEvent, SessionEvent, UserMessageEvent

ChatMessage = dict[str, str]


def build_messages(
    events: Sequence[SessionEvent], *, system_message: str | None, prompt: UserMessageEvent
) -> list[ChatMessage]:
    """The context for answering `prompt`: the system message, every earlier prompt that
    got a (possibly partial) reply paired with that reply, then `prompt` itself.

    Prompts without a reply (failed, or queued when a process died) are left out: the
    model never saw them answered, and a retry sends them again.
    """
    replies = _replies_by_prompt(events)
    messages: list[ChatMessage] = []
    if system_message:
        messages.append({"role": "system", "content": system_message})
    for event in events:
        if event.id == prompt.id:
            break
        if isinstance(event, UserMessageEvent) and event.id in replies:
            messages.append({"role": "user", "content": event.content})
            messages.append({"role": "assistant", "content": replies[event.id]})
    messages.append({"role": "user", "content": prompt.content})
    return messages


def _replies_by_prompt(events: Sequence[SessionEvent]) -> dict[str, str]:
    return {
        event.reply_to: event.content
        for event in events
        if isinstance(event, AssistantMessageEvent) and event.content
    }


def title_from_prompt(prompt: str, limit: int = 60) -> str:
    """A tab-sized title: the prompt's first non-blank line, whitespace collapsed."""
    line = next((ln for ln in prompt.splitlines() if ln.strip()), "")
    title = " ".join(line.split())
    title = "".join(ch for ch in title if ch.isprintable())
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"
