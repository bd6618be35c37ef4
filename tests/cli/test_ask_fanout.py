"""`copilot-tui ask --model A --model B ...`: one prompt, every model at once, replies whole."""

from __future__ import annotations

import io
import json
import re
import signal
import time
from typing import Any

import pytest

from copilot_tui.cli.fanout_output import SectionPrinter
from copilot_tui.core.demo_server import Behaviour, DemoServer
from copilot_tui.core.events import AssistantMessageEvent, SessionErrorEvent, UserMessageEvent
from tests.cli.support import SUMMARY, Cli, stored, stored_sessions, summary
from tests.helpers import of_type

HEADER = re.compile(r"^── (.*) ──$", re.MULTILINE)
FIGURES = re.compile(r"first token \d+\.\d\d s · \d+\.\d\d s · \d+ in · \d+ out( · \d+ tok/s)?")


def sections(out: str) -> list[tuple[str, str]]:
    """(header, text below it) for every reply printed, in order."""
    parts = HEADER.split(out)
    assert parts[0] == "", out
    return list(zip(parts[1::2], parts[2::2], strict=True))


def run_by_model(compare_id: str) -> dict[str, AssistantMessageEvent]:
    """The stored reply of each session of the compare run, by model."""
    found = {}
    for meta in stored_sessions():
        events = stored(meta.session_id).events
        (prompt,) = of_type(events, UserMessageEvent)
        assert prompt.compare_id == compare_id
        (reply,) = of_type(events, AssistantMessageEvent)
        found[meta.model] = reply
    return found


def test_three_models_reply_together_in_the_time_of_the_slowest(
    cli: Cli, provider: DemoServer
) -> None:
    started = time.monotonic()
    result = cli(
        "ask", "--model", "m-c", "--model", "m-a", "--model", "m-b", "[[tokens=20 delay=0.05]] hi"
    )
    wall = time.monotonic() - started
    assert result.status == 0
    match = summary(result)
    assert match.group(2) == "3"
    replies = run_by_model(match.group(1))  # every session stored with the run's id
    assert set(replies) == {"m-a", "m-b", "m-c"}
    durations = [reply.duration_s or 0.0 for reply in replies.values()]
    assert min(durations) > 0.8  # the pace held: about 1 s a reply
    assert wall < 0.6 * sum(durations)  # together, not one after another
    printed = sections(result.out)
    assert [header.split(" · ")[0] for header, _ in printed] == ["m-c", "m-a", "m-b"]
    for header, text in printed:
        model, session_id, figures = header.split(" · ", 2)
        assert FIGURES.fullmatch(figures), header
        assert " · 20 out · " in header
        assert header.endswith(" tok/s")
        assert replies[model].session_id == session_id
        content = replies[model].content.rstrip("\n")
        assert text == f"\n{content}\n\n"


def test_replies_print_whole_in_option_order_when_the_first_is_slowest(
    cli: Cli, pace: dict[str, Behaviour]
) -> None:
    pace["slow"] = Behaviour(text="slow and steady", delay=0.05)
    pace["fast"] = Behaviour(text="quick reply")
    pace["faster"] = Behaviour(text="quicker reply")
    result = cli("ask", "--model", "slow", "--model", "fast", "--model", "faster", "go")
    assert result.status == 0
    printed = [(header.split(" · ")[0], text) for header, text in sections(result.out)]
    assert printed == [
        ("slow", "\nslow and steady\n\n"),
        ("fast", "\nquick reply\n\n"),
        ("faster", "\nquicker reply\n\n"),
    ]


def test_one_failing_model_is_reported_in_its_header_and_exits_1(
    cli: Cli, provider: DemoServer
) -> None:
    provider.enqueue(Behaviour(status=500), match="same prompt")  # the first request only
    result = cli("ask", "--model", "a", "--model", "b", "--model", "c", "same prompt")
    assert result.status == 1
    assert result.err.endswith("; 1 failed\n")
    replies = run_by_model(summary(result).group(1))
    printed = sections(result.out)
    failed = [(header, text) for header, text in printed if " · error: " in header]
    assert len(failed) == 1
    assert "500" in failed[0][0]
    assert failed[0][1] == "\n\n"
    assert sum(bool(FIGURES.search(header)) for header, _ in printed) == 2
    failed_model = failed[0][0].split(" · ")[0]
    assert [r.status for m, r in replies.items() if m != failed_model] == ["complete"] * 2
    (meta,) = [m for m in stored_sessions() if m.model == failed_model]
    assert of_type(stored(meta.session_id).events, SessionErrorEvent)


def test_json_is_one_document_with_every_reply_and_error(cli: Cli, provider: DemoServer) -> None:
    provider.enqueue(Behaviour(text="fine \x1b[2J"), Behaviour(status=500), match="q?")
    result = cli("ask", "--json", "--model", "x", "--model", "y", "q?")
    assert result.status == 1
    document = json.loads(result.out)
    assert "\x1b" not in result.out
    assert set(document) == {"compare_id", "prompt", "elapsed_s", "replies"}
    assert document["prompt"] == "q?"
    assert SUMMARY.match(result.err).group(1) == document["compare_id"]  # type: ignore[union-attr]
    stored_replies = run_by_model(document["compare_id"])
    assert [reply["model"] for reply in document["replies"]] == ["x", "y"]
    by_status = {reply["status"]: reply for reply in document["replies"]}
    assert set(by_status) == {"complete", "error"}
    good, bad = by_status["complete"], by_status["error"]
    assert set(good) == {
        *("model", "session_id", "status", "content", "error", "ttft_s", "duration_s"),
        *("input_tokens", "output_tokens", "tokens_per_s", "estimated_tokens"),
    }
    assert good["content"] == "fine \x1b[2J" == stored_replies[good["model"]].content
    assert good["error"] is None
    assert good["output_tokens"] > 0
    assert good["estimated_tokens"] is False
    assert "500" in bad["error"]


def test_json_with_one_model_and_a_session_is_a_run_of_one(cli: Cli, provider: DemoServer) -> None:
    result = cli("ask", "--json", "--session", "chat", "--model", "solo", "hello")
    assert result.status == 0
    document = json.loads(result.out)
    (reply,) = document["replies"]
    assert reply["session_id"] == "chat"
    assert reply["status"] == "complete"
    assert run_by_model(document["compare_id"])["solo"].content == reply["content"] != ""
    assert summary(result).group(2) == "1"


def test_escape_sequences_in_replies_and_errors_never_reach_stdout(
    cli: Cli, pace: dict[str, Behaviour]
) -> None:
    pace["m\x1b[31m"] = Behaviour(text="hi \x1b[2J\x1b]52;c;aGk=\x07 there\r\n")
    pace["bad"] = Behaviour(status=400, body='{"error": {"message": "no \\u001b[2J way"}}')
    result = cli("ask", "--model", "m\x1b[31m", "--model", "bad", "hi")
    assert result.status == 1
    for raw in ("\x1b", "\x07", "\r"):
        assert raw not in result.out
        assert raw not in result.err
    assert "hi ␛[2J␛]52;c;aGk=␇ there\n" in result.out
    assert result.out.startswith("── m␛[31m · ")
    assert " · error: 400 " in result.out
    assert "2J way" in result.out


def test_session_with_several_models_is_refused_before_asking(
    cli: Cli, provider: DemoServer
) -> None:
    result = cli("ask", "--session", "chat", "--model", "a", "--model", "b", "hi")
    assert result.status == 2
    assert result.err.splitlines() == [
        "copilot-tui: error: --session takes one --model; several models get a new session each"
    ]
    assert (result.out, provider.requests, stored_sessions()) == ("", [], [])


def test_ctrl_c_aborts_every_turn_keeps_partial_replies_and_exits_130(
    cli: Cli, pace: dict[str, Behaviour], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    pace["quick"] = Behaviour(tokens=10, delay=0.02)
    pace["endless"] = Behaviour(tokens=3000, delay=0.005)
    original = SectionPrinter.__call__

    def print_then_press_ctrl_c(self: SectionPrinter, reply: Any) -> None:
        original(self, reply)
        signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(SectionPrinter, "__call__", print_then_press_ctrl_c)
    result = cli("ask", "--model", "quick", "--model", "endless", "write a lot")
    assert result.status == 130
    note, interrupted = result.err.splitlines()
    assert interrupted == "copilot-tui: interrupted"
    compare_id = re.fullmatch(r"compare run (\w+): interrupted; partial replies kept", note)
    assert compare_id is not None
    replies = run_by_model(compare_id.group(1))
    assert [header.split(" · ")[0] for header, _ in sections(result.out)] == ["quick"]
    assert replies["quick"].status == "complete"
    assert replies["endless"].status == "aborted"
    assert 0 < len(replies["endless"].content) < 3000 * 3


class ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_closed_stdout_aborts_the_other_turns_quietly(
    cli: Cli, pace: dict[str, Behaviour], monkeypatch: pytest.MonkeyPatch
) -> None:
    pace["endless"] = Behaviour(tokens=3000, delay=0.005)
    monkeypatch.setattr("sys.stdout", ClosedPipe())
    result = cli("ask", "--model", "quick", "--model", "endless", "write a lot")
    assert (result.status, result.err) == (1, "")
    (endless,) = [meta for meta in stored_sessions() if meta.model == "endless"]
    (reply,) = of_type(stored(endless.session_id).events, AssistantMessageEvent)
    assert reply.status == "aborted"
