"""What the offline demo model says, and the OpenAI-compatible JSON it says it in.

Pure functions, no I/O. Replies depend only on the prompt and the model name, so a test
or a benchmark that sends the same prompt always sees the same text, token for token.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import random
import re
import shlex
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

DEMO_NOTICE = "This is copilot-tui's offline demo model: no account or network needed."

_TOKEN = re.compile(r"\s*(?:\w{1,7}|[^\w\s]+)|\s+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_MARKDOWN_BREAKING = str.maketrans("", "", '`*_[]<>#|~\\"')
_DIRECTIVE = re.compile(r"\[\[(.*?)\]\]", re.DOTALL)
_WORDS: Mapping[str, Any] = {"true": True, "false": False, "none": None, "null": None}
_QUOTE_CHARS = 60
_SECTION_TOKENS = 200
_ERROR_KINDS: Mapping[int, tuple[str, str]] = {
    400: ("invalid_request_error", "bad_request"),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("permission_error", "permission_denied"),
    404: ("invalid_request_error", "not_found"),
    429: ("rate_limit_error", "rate_limit_exceeded"),
    503: ("server_error", "overloaded"),
}

_TOPICS = ("Streaming", "Markdown", "Conversations", "Errors", "Layout", "Shortcuts")
_SENTENCES = (
    "Every answer here comes from a fixed template on this machine, so it is fast and free.",
    "The text streams in small pieces, the same way a hosted model sends it.",
    "Nothing you type leaves this computer while the demo model answers.",
    "Configure an account to talk to a real model instead.",
    "Long replies come in sections, so scrolling and rendering get a real workout.",
    "Headings, lists and code blocks show how the transcript renders Markdown.",
)
_BULLETS = (
    "Replies arrive token by token, just like from a hosted model.",
    "The same question always gets the same answer.",
    "No account, key or network connection is needed.",
    "Stopping a reply keeps the part that has already arrived.",
    "Every reply ends with a code block to show syntax highlighting.",
)
_CODE_SNIPPETS = (
    'def greet(name: str) -> str:\n    return f"Hello, {name}!"\n\n\nprint(greet("demo"))',
    "numbers = [3, 1, 4, 1, 5, 9, 2, 6]\nprint(sorted(set(numbers)))",
    "def fibonacci(n: int) -> list[int]:\n    a, b = 0, 1\n    result = []\n"
    "    for _ in range(n):\n        result.append(a)\n        a, b = b, a + b\n    return result",
)


def tokenize(text: str) -> list[str]:
    """Split text into word-sized tokens; joining them gives the text back.

    A token is a word (at most 7 characters of it) or a run of punctuation, each with its
    leading whitespace, or whitespace at the very end.

    Args:
        text: Any string.

    Returns:
        The tokens, about one per 4 characters of English prose.
    """
    return _TOKEN.findall(text)


def demo_reply(prompt: str, model: str, tokens: int | None = None) -> str:
    """Build the demo model's Markdown reply to a prompt.

    Args:
        prompt: The user's last message.
        model: The model name; a name containing "terse" gives a much shorter reply.
        tokens: When given, the reply is exactly this many tokens long (see `tokenize`),
            made of sections with a heading, a list and a code block every ~200 tokens.

    Returns:
        The reply; the same prompt and model always give the same text.
    """
    rng = random.Random(hashlib.sha256(f"{model}\0{prompt}".encode()).digest())
    quote = quote_prompt(prompt)
    if tokens is not None:
        return _long_reply(rng, quote, tokens)
    if "terse" in model:
        return f'**Demo reply** to "{quote}".\n\n{DEMO_NOTICE}\n'
    return _intro(rng, quote) + _section_body(rng, sentences=2)


def quote_prompt(prompt: str) -> str:
    """Flatten the start of a prompt into one line that cannot break the reply's Markdown."""
    flat = " ".join(_CONTROL.sub(" ", prompt).translate(_MARKDOWN_BREAKING).split())
    if len(flat) > _QUOTE_CHARS:
        flat = flat[: _QUOTE_CHARS - 1].rstrip() + "…"
    return flat or "(empty prompt)"


def _intro(rng: random.Random, quote: str) -> str:
    return f'## {rng.choice(_TOPICS)}\n\n> You asked: "{quote}"\n\n{DEMO_NOTICE}\n\n'


def _section_body(rng: random.Random, *, sentences: int) -> str:
    paragraph = " ".join(rng.choice(_SENTENCES) for _ in range(sentences))
    bullets = "".join(f"- {bullet}\n" for bullet in rng.sample(_BULLETS, 3))
    return f"{paragraph}\n\n{bullets}\n```python\n{rng.choice(_CODE_SNIPPETS)}\n```\n"


def _long_reply(rng: random.Random, quote: str, tokens: int) -> str:
    # Whole sections are added while they fit, so every code fence is closed; the rest is
    # prose cut at exactly `tokens`. Counting parts separately can only overestimate
    # (tokens merge across part boundaries), so the sections never pass `tokens`.
    parts = [_intro(rng, quote)]
    estimate = len(tokenize(parts[0]))
    for number in range(1, tokens // _SECTION_TOKENS + 1):
        section = f"### Part {number}: {rng.choice(_TOPICS)}\n\n"
        section += _section_body(rng, sentences=8) + "\n"
        estimate += len(tokenize(section))
        if estimate > tokens:
            break
        parts.append(section)
    missing = tokens - len(tokenize("".join(parts)))
    parts += _sentences_of_at_least(rng, missing + 20)
    return "".join(tokenize("".join(parts))[:tokens])


def _sentences_of_at_least(rng: random.Random, tokens: int) -> list[str]:
    sentences: list[str] = []
    while tokens > 0:
        sentence = rng.choice(_SENTENCES)
        sentences.append(sentence + " ")
        tokens -= len(tokenize(sentence))
    return sentences


def end_marker(word: str | None) -> str:
    """What ends a reply for `[[done=WORD]]`: "DONE-WORD" as its own paragraph ("" for None)."""
    return "" if word is None else f"\n\nDONE-{word}\n"


def parse_directives(prompt: str) -> dict[str, str]:
    """The `key=value` pairs of the `[[...]]` directives in a prompt, values unparsed."""
    directives: dict[str, str] = {}
    for block in _DIRECTIVE.findall(prompt):
        try:
            words = shlex.split(block)
        except ValueError:  # An unbalanced quote: fall back to plain words.
            words = block.split()
        for key, equals, value in (word.partition("=") for word in words):
            if equals:
                directives[key] = value
    return directives


def strip_directives(prompt: str) -> str:
    """The prompt without its `[[...]]` directives."""
    return _DIRECTIVE.sub("", prompt).strip()


def parse_scalar(raw: str) -> Any:
    """A directive value as an int, float, bool or None when it reads as one, else the text."""
    if raw.lower() in _WORDS:
        return _WORDS[raw.lower()]
    for convert in (int, float):
        with contextlib.suppress(ValueError):
            return convert(raw)
    return raw


def split_reply(text: str, *, one_chunk_bytes: int | None = None) -> list[str]:
    """The pieces a reply is streamed in: its tokens, or one piece of exactly N bytes.

    Args:
        text: The reply.
        one_chunk_bytes: When given, `text` is repeated and cut so that the single piece
            is exactly this many bytes of UTF-8.
    """
    if one_chunk_bytes is None:
        return tokenize(text)
    encoded = (text or DEMO_NOTICE).encode()
    cut = (encoded * (one_chunk_bytes // len(encoded) + 1))[:one_chunk_bytes]
    piece = cut.decode(errors="ignore")
    return [piece + " " * (one_chunk_bytes - len(piece.encode()))]


def message_text(message: Any) -> str:
    """The text of a chat message whose content is a string or a list of text parts."""
    content = message.get("content") if isinstance(message, dict) else None
    if isinstance(content, list):
        parts = [part.get("text") for part in content if isinstance(part, dict)]
        return "".join(part for part in parts if isinstance(part, str))
    return content if isinstance(content, str) else ""


def last_user_text(messages: Sequence[Any]) -> str:
    """The text of the last user message, or "" when there is none."""
    for message in reversed(messages):
        if isinstance(message, dict) and message.get("role") == "user":
            return message_text(message)
    return ""


def prompt_tokens(messages: Sequence[Any]) -> int:
    """Estimate a request's prompt tokens: a quarter of its characters, at least one."""
    return max(1, sum(len(message_text(message)) for message in messages) // 4)


def parse_json(raw: bytes) -> Any:
    """A request body parsed as JSON, or None when it is empty or not JSON."""
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def json_bytes(payload: Any) -> bytes:
    """Compact UTF-8 JSON, the way OpenAI-compatible servers send it."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def status_phrase(status: int) -> str:
    """The reason phrase of an HTTP status code ("Too Many Requests")."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def error_payload(status: int, message: str | None = None) -> dict[str, Any]:
    """An OpenAI-style error body for a status code."""
    kind, code = _ERROR_KINDS.get(status, ("server_error", "server_error"))
    text = message or f"Demo server answered {status} {status_phrase(status)}."
    return {"error": {"message": text, "type": kind, "code": code}}


def model_not_found_payload(model: str) -> dict[str, Any]:
    """The body OpenAI sends for a model name it does not know."""
    message = f"The model `{model}` does not exist or you do not have access to it."
    error = {"message": message, "type": "invalid_request_error", "code": "model_not_found"}
    return {"error": error}


def models_payload(models: Sequence[str]) -> dict[str, Any]:
    """The body of `GET /v1/models`."""
    owner = "copilot-tui-demo"
    data = [{"id": m, "object": "model", "created": 0, "owned_by": owner} for m in models]
    return {"object": "list", "data": data}


def _new_completion_id() -> str:
    return f"chatcmpl-{uuid.uuid4().hex[:24]}"


@dataclass(frozen=True)
class Completion:
    """One reply's identity and token counts, shared by all of its chunks."""

    model: str
    prompt_tokens: int
    completion_tokens: int
    id: str = field(default_factory=_new_completion_id)
    created: int = field(default_factory=lambda: int(time.time()))

    def usage(self) -> dict[str, int]:
        """The `usage` object of this completion."""
        prompt, completion = self.prompt_tokens, self.completion_tokens
        total = prompt + completion
        return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": total}

    def chunk(self, delta: Mapping[str, str], finish_reason: str | None = None) -> dict[str, Any]:
        """One `chat.completion.chunk` with a single choice."""
        choice = {"index": 0, "delta": dict(delta), "finish_reason": finish_reason}
        return {**self._envelope("chat.completion.chunk"), "choices": [choice]}

    def usage_chunk(self) -> dict[str, Any]:
        """The chunk that ends a stream whose request asked to include usage."""
        return {**self._envelope("chat.completion.chunk"), "choices": [], "usage": self.usage()}

    def message(self, text: str) -> dict[str, Any]:
        """A whole, non-streamed `chat.completion`."""
        message = {"role": "assistant", "content": text}
        choice = {"index": 0, "message": message, "finish_reason": "stop"}
        return {**self._envelope("chat.completion"), "choices": [choice], "usage": self.usage()}

    def _envelope(self, kind: str) -> dict[str, Any]:
        return {"id": self.id, "object": kind, "created": self.created, "model": self.model}
