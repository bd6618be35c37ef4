"""Tests of decoding streamed chat.completion.chunk payloads."""

from __future__ import annotations

import json
from dataclasses import astuple
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from copilot_tui.core.chat_chunks import ChunkUsage, DecodedChunk, decode_chunk, sanitize_excerpt
from copilot_tui.core.errors import ProviderError

SOURCE = "https://api.example.test/v1"


def decode(payload: Any) -> DecodedChunk:
    return decode_chunk(json.dumps(payload), source=SOURCE)


def decode_error(data: str) -> ProviderError:
    with pytest.raises(ProviderError) as caught:
        decode_chunk(data, source=SOURCE)
    return caught.value


# --- real streams -----------------------------------------------------------------
OPENAI_HEAD = (
    '{"id":"chatcmpl-AbC","object":"chat.completion.chunk","created":1733000000,'
    '"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_0ba0d124f1",'
)
OPENAI_STREAM = [
    OPENAI_HEAD + '"choices":[{"index":0,"delta":{"role":"assistant","content":"",'
    '"refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}',
    OPENAI_HEAD + '"choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,'
    '"finish_reason":null}],"usage":null}',
    OPENAI_HEAD + '"choices":[{"index":0,"delta":{"content":" world\\u2028!"},'
    '"logprobs":null,"finish_reason":null}],"usage":null}',
    OPENAI_HEAD + '"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],'
    '"usage":null}',
    OPENAI_HEAD + '"choices":[],"usage":{"prompt_tokens":19,"completion_tokens":3,'
    '"total_tokens":22,"prompt_tokens_details":{"cached_tokens":0},'
    '"completion_tokens_details":{"reasoning_tokens":0}}}',
    "[DONE]",
]


def test_openai_stream() -> None:
    assert [decode_chunk(data, source=SOURCE) for data in OPENAI_STREAM] == [
        DecodedChunk(),
        DecodedChunk(content="Hello"),
        DecodedChunk(content=" world\u2028!"),
        DecodedChunk(finish_reason="stop"),
        DecodedChunk(usage=ChunkUsage(input_tokens=19, output_tokens=3)),
        DecodedChunk(done=True),
    ]


SERVER_VARIANTS = [
    (  # Ollama: usage rides on the final content chunk
        '{"id":"chatcmpl-290","object":"chat.completion.chunk","model":"llama3.2",'
        '"system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant",'
        '"content":""},"finish_reason":"stop"}],"usage":{"prompt_tokens":26,'
        '"completion_tokens":8,"total_tokens":34}}',
        DecodedChunk(usage=ChunkUsage(26, 8), finish_reason="stop"),
    ),
    (  # llama.cpp: usage and timings on the final chunk
        '{"choices":[{"finish_reason":"length","index":0,"delta":{"content":"."}}],'
        '"object":"chat.completion.chunk","usage":{"completion_tokens":10,"prompt_tokens":5,'
        '"total_tokens":15},"timings":{"prompt_n":5,"prompt_ms":10.1,"predicted_n":10}}',
        DecodedChunk(content=".", usage=ChunkUsage(5, 10), finish_reason="length"),
    ),
    (  # Groq
        '{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],'
        '"x_groq":{"id":"req_1","usage":{"prompt_tokens":7,"completion_tokens":2}}}',
        DecodedChunk(usage=ChunkUsage(7, 2), finish_reason="stop"),
    ),
    ('{"object":"chat.completion.chunk","usage":null}', DecodedChunk()),  # no choices
    (" [DONE]\n", DecodedChunk(done=True)),
]


@pytest.mark.parametrize(("data", "expected"), SERVER_VARIANTS)
def test_server_variants(data: str, expected: DecodedChunk) -> None:
    assert decode_chunk(data, source=SOURCE) == expected


BAD_COUNTS = ["null", '"12"', "true", "-3", "1.5", "Infinity", "NaN"]
BAD_USAGES = [f'{{"prompt_tokens": {bad}, "output_tokens": {bad}}}' for bad in BAD_COUNTS]


# fmt: off
USAGES = [
    ('{"input_tokens": 4, "output_tokens": 6}', ChunkUsage(4, 6)), ("{}", ChunkUsage(0, 0)),
    ('{"prompt_tokens": 4}', ChunkUsage(4, 0)), ('{"completion_tokens": 12.0}', ChunkUsage(0, 12)),
    *((usage, ChunkUsage(0, 0)) for usage in BAD_USAGES),
]
# fmt: on


@pytest.mark.parametrize(("usage", "expected"), USAGES)
def test_usage_names_and_unusable_counts(usage: str, expected: ChunkUsage) -> None:
    assert decode_chunk(f'{{"usage": {usage}}}', source=SOURCE).usage == expected


# fmt: off
EMPTY_PAYLOADS = [
    {"object": "chat.completion.chunk"}, {"choices": []}, {"choices": None}, {"choices": ["x"]},
    {"choices": {"delta": {"content": "x"}}}, {"choices": [{"delta": None}]}, {"usage": None},
    {"choices": [{"delta": {"content": None}}]}, {"choices": [{"delta": {"content": 3}}]},
    {"choices": [{"finish_reason": ""}]},
]
# fmt: on


@pytest.mark.parametrize("payload", EMPTY_PAYLOADS)
def test_missing_or_mistyped_fields_read_as_empty(payload: dict[str, Any]) -> None:
    assert decode(payload) == DecodedChunk()


# fmt: off
CONTENT_SOURCES = [
    ({"text": "legacy", "finish_reason": None}, "legacy"),
    ({"message": {"role": "assistant", "content": "final"}}, "final"),
    ({"delta": {"content": "d"}, "message": {"content": "m"}, "text": "t"}, "d"),
    ({"delta": {"content": [{"type": "text", "text": "a"}, {"type": "x"}, {"text": "b"}]}}, "ab"),
    ({"delta": {"content": None, "reasoning_content": "hmm"}}, ""),
]
# fmt: on


@pytest.mark.parametrize(("choice", "content"), CONTENT_SOURCES)
def test_content_sources(choice: dict[str, Any], content: str) -> None:
    assert decode({"choices": [choice, {"delta": {"content": "second choice"}}]}).content == content


# --- errors -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ('{"error": {"message": "Server error", "type": "server_error"}}', "Server error"),
        ('{"error": "model \\"x\\" not found"}', 'model "x" not found'),
        ('{"object": "error", "message": "boom", "type": "InternalServerError"}', "boom"),
        ('{"error": {"code": 500}}', '{"code": 500}'),
        ('{"error": ["a"]}', '["a"]'),
        ('{"error": ""}', "(no message)"),
    ],
)
def test_error_objects(data: str, message: str) -> None:
    error = decode_error(data)
    assert error.message == f"error from {SOURCE} mid-stream: {message}"
    assert (error.error_type, error.retryable, error.status_code) == ("server", False, None)


# fmt: off
ERROR_LABELS = [  # (code, type, expected error_type)
    ("rate_limit_exceeded", "tokens", "rate_limit"), (None, "RateLimitError", "rate_limit"),
    (429, None, "rate_limit"), ("429", None, "rate_limit"), ("Too_Many_Requests", 0, "rate_limit"),
    ("context_length_exceeded", None, "context_length"), (None, "ContextWindowExceededError",
    "context_length"), (400, "exceed_context_size_error", "context_length"),  # llama.cpp
    (400, "BadRequestError", "server"), (None, None, "server"), ("rate", "limit", "server"),
]
# fmt: on


@pytest.mark.parametrize(("code", "kind", "error_type"), ERROR_LABELS)
def test_error_classification(code: object, kind: object, error_type: str) -> None:
    error = {"message": "rate limit or context length exceeded", "code": code, "type": kind}
    assert decode_error(json.dumps({"error": error})).error_type == error_type


def test_null_error_is_no_error() -> None:
    assert decode({"error": None, "choices": [{"delta": {"content": "x"}}]}).content == "x"


def test_error_message_is_sanitized() -> None:
    message = decode_error(json.dumps({"error": {"message": "a\x1b[2Jb\n" + "x" * 900}})).message
    assert "\x1b" not in message and "\n" not in message  # noqa: PT018
    assert "a\\x1b[2Jb\\n" in message
    assert message.endswith("…")


MALFORMED = ["{", "data: {}", "{'a': 1}", "nul\x00l", "[" * 100_000, "[" + "9" * 5000 + "]"]


@pytest.mark.parametrize(
    ("data", "detail"),
    [
        *((data, sanitize_excerpt(data)) for data in MALFORMED),
        ("", "empty data"),
        ("  \n", "empty data"),
        *((data, f"expected a JSON object: {data}") for data in ["[]", "3", '"t"', "null"]),
    ],
    ids=lambda value: sanitize_excerpt(value, 12),  # short ids for the 100 kB payloads
)
def test_malformed_data(data: str, detail: str) -> None:
    error = decode_error(data)
    assert error.error_type == "protocol"
    assert error.message == f"malformed chunk from {SOURCE}: {detail}"


def test_malformed_chunk_excerpt_escapes_terminal_controls() -> None:
    data = "\x1b[2J\x1b]0;pwned\x07 not json " + "y" * 200
    message = decode_error(data).message
    assert "\x1b" not in message and "\x07" not in message  # noqa: PT018
    excerpt = message.removeprefix(f"malformed chunk from {SOURCE}: ")
    assert excerpt.startswith("\\x1b[2J\\x1b]0;pwned\\x07 not json y")
    assert len(excerpt) == 80
    assert excerpt.endswith("…")


# --- sanitize_excerpt -------------------------------------------------------------

# fmt: off
ESCAPES = [
    ("plain", "plain"), ("tab\there", "tab\\there"), ("bidi\u202eevil", "bidi\\u202eevil"),
    ("line\u2028sep", "line\\u2028sep"), ("lone\ud800", "lone\\ud800"), ("c1\x9b", "c1\\x9b"),
    ("déjà vu 日本 🙂\u00a0", "déjà vu 日本 🙂\u00a0"),
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), ESCAPES)
def test_sanitize_escapes_unsafe_characters_only(text: str, expected: str) -> None:
    assert sanitize_excerpt(text) == expected


def test_sanitize_truncates_to_limit_without_cutting_an_escape() -> None:
    assert sanitize_excerpt("abcdef", limit=4) == "abc…"
    assert sanitize_excerpt("ab\x1bcd", limit=6) == "ab…"
    assert sanitize_excerpt("abcd", limit=4) == "abcd"
    assert sanitize_excerpt("a\nb", limit=4) == "a\\nb"
    with pytest.raises(ValueError, match="at least 1"):
        sanitize_excerpt("x", limit=0)


ANY_CHARACTERS = st.characters(exclude_categories=())  # surrogates included


@given(st.text(ANY_CHARACTERS), st.integers(min_value=1, max_value=200))
def test_sanitize_output_is_short_and_printable(text: str, limit: int) -> None:
    excerpt = sanitize_excerpt(text, limit)
    assert len(excerpt) <= limit
    assert not any(char in excerpt for char in "\x00\x1b\n\r\x85\u2028\u202e")
    excerpt.encode("utf-8")  # no lone surrogates left
    if len(text) <= limit and text.isprintable():
        assert excerpt == text


# --- never anything but ProviderError ---------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=20,
)
KNOWN_KEYS = ["choices", "delta", "message", "content", "text", "finish_reason", "usage",
              "prompt_tokens", "completion_tokens", "input_tokens", "output_tokens", "error",
              "code", "type", "object", "x_groq"]  # fmt: skip
chunk_like = st.recursive(
    json_values,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(KNOWN_KEYS), children, max_size=5)
    ),
    max_leaves=25,
)


def assert_decodes_or_provider_error(data: str) -> None:
    try:
        decoded = decode_chunk(data, source=SOURCE)
    except ProviderError as error:
        raised: ProviderError | None = error
    else:
        raised = None
        assert isinstance(decoded.content, str)
        assert isinstance(decoded.finish_reason or "", str)
        assert all(isinstance(count, int) for count in astuple(decoded.usage or ChunkUsage(0, 0)))
    if raised is not None:
        assert raised.error_type in {"protocol", "server", "rate_limit", "context_length"}
        raised.message.encode("utf-8")  # printable: no lone surrogates


@given(st.text(ANY_CHARACTERS))
def test_any_text_decodes_or_raises_provider_error(data: str) -> None:
    assert_decodes_or_provider_error(data)


@given(json_values | chunk_like)
def test_any_json_value_decodes_or_raises_provider_error(value: object) -> None:
    assert_decodes_or_provider_error(json.dumps(value))
