"""Tests of the scripted OpenAI-compatible demo server, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from copilot_tui.core.demo_replies import DEMO_NOTICE, demo_reply, tokenize
from copilot_tui.core.demo_server import Behaviour, DemoServer

CHAT = "/chat/completions"
TEXT = "Hello, demo world!"
MALFORMED, ROLE, STOP, DONE = "data: {not json", "<role>", "<stop>", "data: [DONE]"


@pytest.fixture(autouse=True)
def no_server_noise(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Whatever a test does to a connection, asyncio must not log errors or warnings."""
    caplog.set_level(logging.WARNING)
    yield
    records = caplog.get_records("setup") + caplog.get_records("call") + caplog.records
    assert [r.getMessage() for r in records if r.levelno >= logging.WARNING] == []


@pytest.fixture
def server() -> Iterator[DemoServer]:
    with DemoServer() as demo:
        yield demo


@pytest.fixture
def client(server: DemoServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=5, trust_env=False) as http:
        yield http


def chat_body(prompt: str = "hi", *, stream: bool = True, usage: bool = False) -> dict[str, Any]:
    messages = [{"role": "user", "content": prompt}]
    body: dict[str, Any] = {"model": "demo", "messages": messages, "stream": stream}
    return body | ({"stream_options": {"include_usage": True}} if usage else {})


def stream_lines(client: httpx.Client, body: Any, into: list[str] | None = None) -> list[str]:
    """The non-empty lines of a streamed response, also collected into `into` as they come."""
    lines = [] if into is None else into
    with client.stream("POST", CHAT, json=body) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        lines.extend(line for line in response.iter_lines() if line)
    return lines


def payloads(lines: list[str]) -> list[Any]:
    """The `data:` payloads, JSON-decoded except "[DONE]"."""
    data = [line.removeprefix("data: ") for line in lines if line.startswith("data: ")]
    return [item if item == "[DONE]" else json.loads(item) for item in data]


def summary(lines: list[str]) -> list[str]:
    """A stream in short: each content delta, or <role>, <stop>, <usage>, <error>, or the line."""
    short = []
    for line in lines:
        try:
            event = json.loads(line.removeprefix("data: "))
        except ValueError:
            short.append(line)
            continue
        choice = event["choices"][0] if event.get("choices") else {}
        kind = "<error>" if "error" in event else "<usage>" if "usage" in event else None
        kind = kind or ("<role>" if "role" in choice["delta"] else None)
        short.append(kind or ("<stop>" if choice["finish_reason"] else choice["delta"]["content"]))
    return short


def contents(lines: list[str]) -> list[str]:
    """The content deltas of a stream."""
    return [item for item in summary(lines) if not item.startswith(("<", "data: ", ": "))]


def raw_request(server: DemoServer, body: Any) -> socket.socket:
    """A plain socket that has sent one chat request (and asked to close afterwards)."""
    data = json.dumps(body).encode()
    head = f"POST /v1{CHAT} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    sock.sendall(f"{head}Content-Length: {len(data)}\r\n\r\n".encode() + data)
    return sock


def chunk_frames(server: DemoServer, body: Any) -> list[bytes]:
    """The chunked-encoding frames of a streamed response, read off a plain socket."""
    with raw_request(server, body) as sock:
        rest = b"".join(iter(lambda: sock.recv(65536), b"")).split(b"\r\n\r\n", 1)[1]
    frames = []
    while (size := int(rest.split(b"\r\n", 1)[0], 16)) > 0:
        start = rest.index(b"\r\n") + 2
        frames.append(rest[start : start + size])
        rest = rest[start + size + 2 :]
    return frames


def test_models_endpoint_with_and_without_v1_and_with_any_model(server, client) -> None:
    owner = {"object": "model", "created": 0, "owned_by": "copilot-tui-demo"}
    expected = {"object": "list", "data": [{"id": "demo"} | owner, {"id": "demo-terse"} | owner]}
    assert client.get("/models").json() == expected
    assert client.get(server.base_url.removesuffix("/v1") + "/models").json() == expected
    with DemoServer(models=None) as anything, httpx.Client(trust_env=False) as http:
        assert http.get(f"{anything.base_url}/models").json() == {"object": "list", "data": []}
        body = chat_body(stream=False) | {"model": "whatever"}
        assert http.post(f"{anything.base_url}{CHAT}", json=body).json()["model"] == "whatever"


def test_unknown_model_route_and_malformed_json_get_json_errors(server, client) -> None:
    unknown = client.post(CHAT, json=chat_body() | {"model": "gpt-x"})
    message = "The model `gpt-x` does not exist or you do not have access to it."
    error = {"message": message, "type": "invalid_request_error", "code": "model_not_found"}
    assert (unknown.status_code, unknown.json()) == (404, {"error": error})
    assert client.get("/nowhere").status_code == 404
    broken = client.post(CHAT, content=b"{not json")
    assert (broken.status_code, broken.json()["error"]["type"]) == (400, "invalid_request_error")
    assert server.requests[-1].body is None


def test_requests_are_recorded_with_parsed_body_and_lower_cased_headers(server, client) -> None:
    body = chat_body("record me", stream=False)
    client.post(CHAT, json=body, headers={"Authorization": "Bearer sk-test"})
    client.get("/models")
    first, second = server.requests
    assert (first.method, first.path, first.body) == ("POST", "/v1/chat/completions", body)
    assert first.headers["authorization"] == "Bearer sk-test"
    assert (second.method, second.path, second.body) == ("GET", "/v1/models", None)


def test_stream_sends_openai_chunks_in_order_with_usage_when_asked(server, client) -> None:
    server.set_default(Behaviour(text=TEXT))
    *chunks, done = payloads(stream_lines(client, chat_body("x" * 40, usage=True)))
    first, *middle, final, usage = chunks
    envelope = {"id": first["id"], "object": "chat.completion.chunk", "created": first["created"]}
    assert (done, first["id"][:9]) == ("[DONE]", "chatcmpl-")
    assert all(c | envelope == c and c["model"] == "demo" for c in chunks)
    role = {"role": "assistant", "content": ""}
    assert first["choices"] == [{"index": 0, "delta": role, "finish_reason": None}]
    tokens = tokenize(TEXT)
    assert [c["choices"] for c in middle] == [
        [{"index": 0, "delta": {"content": t}, "finish_reason": None}] for t in tokens
    ]
    assert final["choices"] == [{"index": 0, "delta": {}, "finish_reason": "stop"}]
    counts = {"prompt_tokens": 10, "completion_tokens": len(tokens)}
    counts["total_tokens"] = 10 + len(tokens)
    assert usage == envelope | {"model": "demo", "choices": [], "usage": counts}


def test_non_streaming_request_gets_a_whole_completion(server, client) -> None:
    server.set_default(Behaviour(text=TEXT))
    reply = client.post(CHAT, json=chat_body(stream=False)).json()
    message = {"role": "assistant", "content": TEXT}
    assert reply["object"] == "chat.completion"
    assert reply["choices"] == [{"index": 0, "message": message, "finish_reason": "stop"}]
    assert reply["usage"]["completion_tokens"] == len(tokenize(TEXT))


def test_generated_reply_is_deterministic_and_says_it_is_the_demo(client) -> None:
    replies = ["".join(contents(stream_lines(client, chat_body("Sort\n`fast`")))) for _ in "ab"]
    assert replies[0] == replies[1] == demo_reply("Sort\n`fast`", "demo")
    for part in (DEMO_NOTICE, "```python\n", '> You asked: "Sort fast"'):
        assert part in replies[0]
    terse = demo_reply("Sort", "demo-terse")
    assert DEMO_NOTICE in terse
    assert len(terse.strip().splitlines()) <= 4
    assert len(terse) * 3 < len(demo_reply("Sort", "demo"))


@pytest.mark.parametrize("tokens", [40, 200, 1000, 3000])
def test_reply_of_n_tokens_has_n_tokens_with_sections(tokens: int) -> None:
    reply = demo_reply("benchmark", "demo", tokens=tokens)
    assert abs(len(tokenize(reply)) - tokens) <= tokens * 0.05
    assert demo_reply("benchmark", "demo", tokens=tokens) == reply
    for section_marker in ("```python", "\n### ", "\n- "):
        assert reply.count(section_marker) >= tokens // 400


@given(st.text())
def test_tokens_join_back_into_the_text(text: str) -> None:
    assert "".join(tokenize(text)) == text


def test_prose_tokens_are_word_sized_and_the_quoted_prompt_is_one_safe_line() -> None:
    prose = "The quick brown fox jumps over the lazy dog, then naps in the warm sun. " * 20
    assert 3.0 <= len(prose) / len(tokenize(prose)) <= 6.0
    reply = demo_reply("line one\nline\ttwo\x00 **bold** `code` # [link](x) " + "z" * 80, "demo")
    quote_line = next(line for line in reply.splitlines() if line.startswith("> You asked"))
    quoted = quote_line.removeprefix('> You asked: "').removesuffix('"')
    assert quoted.startswith("line one line two")
    assert len(quoted) <= 60
    assert not set(quoted) & set("\x00\t*`#[]")


def test_prompt_directives_override_the_default(client) -> None:
    lines = stream_lines(client, chat_body("go [[tokens=300 keepalive_every=10 bogus=1]]"))
    assert (len(contents(lines)), lines.count(": keep-alive")) == (300, 30)
    quoted = chat_body('[[text="two words" never_end=false delay=0.001 split_writes=true]]')
    assert contents(stream_lines(client, quoted)) == ["two", " words"]
    limited = client.post(CHAT, json=chat_body("[[status=429 retry_after=2]]"))
    assert (limited.status_code, limited.headers["retry-after"]) == (429, "2")
    assert limited.json()["error"]["type"] == "rate_limit_error"


def test_queued_behaviours_go_first_in_first_out_to_matching_prompts(server, client) -> None:
    server.enqueue(Behaviour(text="one"), Behaviour(text="two"))
    server.enqueue(Behaviour(text="matched"), match="needle")

    def ask(prompt: str) -> list[str]:
        return contents(stream_lines(client, chat_body(prompt)))

    assert [ask("[[text=three]]") for _ in range(3)] == [["one"], ["two"], ["three"]]
    earlier_needle = chat_body("no match [[text=plain]]")
    earlier_needle["messages"].insert(0, {"role": "user", "content": "needle"})
    assert contents(stream_lines(client, earlier_needle)) == ["plain"]
    assert ask("a needle [[text=plain]]") == ["matched"]
    assert ask("needle [[text=plain]]") == ["plain"]


def test_error_status_and_raw_bodies(server, client) -> None:
    page = "<html><body>Bad gateway</body></html>"
    limited = Behaviour(status=429, headers={"Retry-After": "1"})
    server.enqueue(limited, Behaviour(body=page), Behaviour(status=502, body=page))
    response = client.post(CHAT, json=chat_body())
    assert (response.status_code, response.headers["retry-after"]) == (429, "1")
    assert response.headers["content-type"] == "application/json"
    assert set(response.json()["error"]) == {"message", "type", "code"}
    for status in (200, 502):
        response = client.post(CHAT, json=chat_body())
        assert (response.status_code, response.text) == (status, page)
        assert response.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(
    ("behaviour", "middle"),
    [
        (Behaviour(text="a b c"), ["a", " b", " c", STOP]),
        (Behaviour(text="a b c", malformed_at=2), ["a", MALFORMED, " c", STOP]),
        (Behaviour(text="a b c", error_at=2), ["a", "<error>"]),
        (Behaviour(text="a b c", keepalive_every=2), ["a", ": keep-alive", " b", " c", STOP]),
        (Behaviour(text="a b c", split_writes=True), ["a", " b", " c", STOP]),
    ],
)
def test_stream_shapes(server, client, behaviour: Behaviour, middle: list[str]) -> None:
    server.enqueue(behaviour)
    assert summary(stream_lines(client, chat_body())) == [ROLE, *middle, DONE]


def test_cut_after_drops_the_connection_without_done(server, client) -> None:
    server.enqueue(Behaviour(text="a b c d e f g h", cut_after=3))
    lines: list[str] = []
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        stream_lines(client, chat_body(), into=lines)
    assert summary(lines) == [ROLE, "a", " b", " c"]


def test_silent_stream_times_the_client_out_and_stop_is_prompt(server) -> None:
    server.enqueue(Behaviour(text="a b c d", silence_after=2))
    lines: list[str] = []
    timeout = httpx.Timeout(5, read=0.3)
    with httpx.Client(base_url=server.base_url, timeout=timeout, trust_env=False) as client:
        with pytest.raises(httpx.ReadTimeout):
            stream_lines(client, chat_body(), into=lines)
        assert contents(lines) == ["a", " b"]
        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < 2


def test_stop_is_prompt_while_a_request_waits_out_a_long_delay(server) -> None:
    server.enqueue(Behaviour(headers_delay=30))
    with raw_request(server, chat_body()) as sock:
        while not server.requests:
            time.sleep(0.005)
        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < 2
        assert sock.recv(1024) == b""


def test_client_giving_up_before_the_headers_leaves_no_noise(server) -> None:
    server.enqueue(Behaviour(headers_delay=0.1), Behaviour(headers_delay=0.1))
    timeout = httpx.Timeout(5, read=0.02)
    with httpx.Client(base_url=server.base_url, timeout=timeout, trust_env=False) as client:
        for body in (chat_body(), chat_body(stream=False)):
            with pytest.raises(httpx.ReadTimeout):
                client.post(CHAT, json=body)
    time.sleep(0.2)  # Long enough for the server to try to answer both.


def test_never_ending_stream_counts_the_client_leaving(server, client) -> None:
    server.enqueue(Behaviour(text="tick", never_end=True))
    with client.stream("POST", CHAT, json=chat_body()) as response:
        lines = response.iter_lines()
        received = [line for line in (next(lines) for _ in range(60)) if line]
        assert server.active_streams == 1
    assert contents(received) == ["tick"] * (len(received) - 1)
    deadline = time.monotonic() + 3
    while (server.disconnects, server.active_streams) != (1, 0):
        assert time.monotonic() < deadline
        time.sleep(0.005)


def test_big_chunk_arrives_intact(server, client) -> None:
    server.enqueue(Behaviour(big_chunk_bytes=10_000_000))
    response = client.post(CHAT, json=chat_body())
    (content,) = contents([line for line in response.text.split("\n") if line])
    assert len(content.encode()) == 10_000_000
    assert content.startswith(demo_reply("hi", "demo")[:100])


def test_split_writes_cut_each_event_in_two(server) -> None:
    server.enqueue(Behaviour(text=TEXT), Behaviour(text=TEXT, split_writes=True))
    whole, split = chunk_frames(server, chat_body()), chunk_frames(server, chat_body())
    assert all(frame.endswith(b"\n\n") for frame in whole)
    assert len(split) == 2 * len(whole)
    assert not any(frame.endswith(b"\n\n") for frame in split[::2])


def test_headers_delay_and_ttft_hold_back_the_response(server, client) -> None:
    server.enqueue(Behaviour(text="a b", headers_delay=0.15, ttft=0.15))
    started = time.monotonic()
    with client.stream("POST", CHAT, json=chat_body()) as response:
        headers_at = time.monotonic() - started
        assert next(response.iter_lines()).startswith("data: ")
        first_at = time.monotonic() - started
    assert 0.15 <= headers_at < first_at
    assert first_at >= 0.3


def test_keep_alive_reuses_one_connection_and_connection_close_does_not(server, client) -> None:
    client.get("/models")
    stream_lines(client, chat_body())
    client.post(CHAT, json=chat_body(stream=False))
    assert server.connections_accepted == 1
    client.get("/models", headers={"Connection": "close"})
    client.get("/models")
    assert server.connections_accepted == 2


async def test_concurrent_streams_are_served_at_the_same_time(server) -> None:
    server.set_default(Behaviour(text=" a" * 25, delay=0.02))
    async with httpx.AsyncClient(base_url=server.base_url, trust_env=False) as client:

        async def one_stream() -> int:
            async with client.stream("POST", CHAT, json=chat_body()) as response:
                return len([line async for line in response.aiter_lines() if line])

        started = time.monotonic()
        counts = await asyncio.gather(*(one_stream() for _ in range(3)))
    elapsed, one_stream_time = time.monotonic() - started, 24 * 0.02
    assert counts == [28, 28, 28]
    assert one_stream_time <= elapsed < 3 * one_stream_time * 0.7


def test_lifecycle_is_idempotent_and_base_url_needs_a_start() -> None:
    server = DemoServer()
    with pytest.raises(RuntimeError):
        _ = server.base_url
    url = server.start()
    assert server.start() == url == f"http://127.0.0.1:{server.port}/v1"
    server.stop()
    server.stop()
    with pytest.raises(RuntimeError):
        _ = server.port


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_command_line_serves_until_interrupted(signum: int) -> None:
    command = [sys.executable, "-m", "copilot_tui.core.demo_server", "--port", "0", "--ttft", "0"]
    env = os.environ | {"PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        models = httpx.get(f"{process.stdout.readline().strip()}/models", trust_env=False)
        assert [m["id"] for m in models.json()["data"]] == ["demo", "demo-terse"]
        process.send_signal(signum)
        assert process.wait(timeout=5) == 0
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()
