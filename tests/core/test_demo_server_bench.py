"""The demo server's benchmark aids: the `done=WORD` end marker and the request log."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from copilot_tui.core.demo_cli import RequestLog
from copilot_tui.core.demo_replies import demo_reply, tokenize
from copilot_tui.core.demo_server import Behaviour, DemoServer

CHAT = "/chat/completions"


def streamed_text(base_url: str, prompt: str) -> str:
    """The reply's text, joined from the content deltas of a streamed answer."""
    body = {"model": "demo", "messages": [{"role": "user", "content": prompt}], "stream": True}
    text = []
    with (
        httpx.Client(base_url=base_url, timeout=5, trust_env=False) as http,
        http.stream("POST", CHAT, json=body) as response,
    ):
        for line in response.iter_lines():
            payload = line.removeprefix("data: ")
            if line.startswith("data: ") and payload != "[DONE]":
                choices = json.loads(payload)["choices"]
                text.append(choices[0]["delta"].get("content", "") if choices else "")
    return "".join(text)


def log_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_done_directive_ends_a_generated_reply_with_its_marker() -> None:
    with DemoServer() as server:
        text = streamed_text(server.base_url, "Go [[tokens=300 done=w42]]")
    assert text.endswith("\n\nDONE-w42\n")
    generated = text.removesuffix("\n\nDONE-w42\n")
    assert generated == demo_reply("Go", "demo", 300)
    assert len(tokenize(generated)) == 300


def test_done_word_stays_text_and_applies_to_the_short_reply_and_fixed_text() -> None:
    with DemoServer() as server:
        assert streamed_text(server.base_url, "hi [[done=007]]").endswith("\n\nDONE-007\n")
        server.enqueue(Behaviour(text="Fixed.", done="x"))
        assert streamed_text(server.base_url, "anything") == "Fixed.\n\nDONE-x\n"
        assert "DONE-" not in streamed_text(server.base_url, "no marker asked for")


def test_log_has_a_start_and_an_end_line_per_chat_request(tmp_path: Path) -> None:
    log = tmp_path / "requests.jsonl"
    prompt = "A long prompt whose tail is what the log keeps [[tokens=50 delay=0.002]]"
    with DemoServer(log=RequestLog(log)) as server:
        before = time.monotonic()
        streamed_text(server.base_url, prompt)
        after = time.monotonic()
        httpx.get(f"{server.base_url}/models", trust_env=False)  # not a chat request
    start, end = log_lines(log)
    assert (start["event"], end["event"]) == ("req_start", "req_end")
    assert start["path"] == end["path"] == "/v1/chat/completions"
    assert start["prompt_tail"] == end["prompt_tail"] == prompt[-40:]
    # 50 tokens 2 ms apart: the end comes at least ~0.1 s after the start.
    assert before <= start["mono"] < start["mono"] + 0.09 < end["mono"] <= after


def test_command_line_log_option_writes_the_log(tmp_path: Path) -> None:
    log = tmp_path / "server.jsonl"
    command = [sys.executable, "-m", "copilot_tui.core.demo_server", "--port", "0"]
    command += ["--ttft", "0", "--delay", "0", "--models", "*", "--log", str(log)]
    env = os.environ | {"PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        assert streamed_text(base_url, "ping [[done=p1]]").endswith("DONE-p1\n")
    finally:
        process.terminate()
        process.communicate(timeout=5)
    assert [line["event"] for line in log_lines(log)] == ["req_start", "req_end"]
    assert log_lines(log)[0]["prompt_tail"] == "ping [[done=p1]]"
