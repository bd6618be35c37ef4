"""`copilot-tui ask`: one streamed reply, sessions created or resumed, failures and Ctrl+C."""

from __future__ import annotations

import io
import signal

import pytest

from copilot_tui.cli.ask import StreamPrinter
from copilot_tui.cli.replies import run_prompt
from copilot_tui.core.client import CopilotClient
from copilot_tui.core.demo_server import Behaviour, DemoServer
from copilot_tui.core.events import AssistantMessageEvent, UserMessageEvent
from tests.cli.support import Cli, one_error_line, stored, stored_sessions
from tests.helpers import of_type


class ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def replies(session_id: str) -> list[AssistantMessageEvent]:
    return of_type(stored(session_id).events, AssistantMessageEvent)


def test_ask_streams_the_reply_of_a_new_session(cli: Cli, provider: DemoServer) -> None:
    provider.enqueue(Behaviour(text="Pelicans fly at about 40 km/h.", delay=0.002))
    result = cli("ask", "--model", "test", "How", "fast", "do", "pelicans", "fly?")
    assert result == (0, "Pelicans fly at about 40 km/h.\n", "")
    (session,) = stored_sessions()
    assert session.model == "test"
    (reply,) = replies(session.session_id)
    assert (reply.content, reply.status) == ("Pelicans fly at about 40 km/h.", "complete")
    assert of_type(stored(session.session_id).events, UserMessageEvent)[0].content == (
        "How fast do pelicans fly?"
    )


def test_ask_creates_then_resumes_a_named_session_and_switches_model(
    cli: Cli, provider: DemoServer
) -> None:
    assert cli("ask", "--session", "user-123-chat", "--model", "test", "one").status == 0
    assert cli("ask", "--session", "user-123-chat", "two").status == 0
    assert cli("ask", "--session", "user-123-chat", "--model", "other", "three").status == 0
    (session,) = stored_sessions()
    assert (session.session_id, session.model, session.message_count) == (
        "user-123-chat",
        "other",
        6,
    )
    assert [request.body["model"] for request in provider.requests[-3:]] == [
        "test",
        "test",
        "other",
    ]
    assert len(provider.requests[-1].body["messages"]) == 5  # the history went along


@pytest.mark.parametrize("argv", [["ask", "--model", "test"], ["ask", "--model", "test", "-"]])
def test_ask_reads_the_prompt_from_stdin(
    cli: Cli, provider: DemoServer, monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("line one\nline two\n"))
    assert cli(*argv).status == 0
    assert provider.requests[-1].body["messages"][-1]["content"] == "line one\nline two"


@pytest.mark.parametrize("stdin", ["", "  \n\n"])
def test_an_empty_prompt_is_a_usage_error(
    cli: Cli, provider: DemoServer, monkeypatch: pytest.MonkeyPatch, stdin: str
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    assert "the prompt is empty" in one_error_line(cli("ask", "--model", "test"), 2)
    assert "the prompt is empty" in one_error_line(cli("ask", "--model", "test", " "), 2)
    assert provider.requests == []


def test_a_failed_turn_keeps_the_partial_reply_and_exits_1(cli: Cli, provider: DemoServer) -> None:
    provider.enqueue(Behaviour(text="alpha beta gamma delta", error_at=3))
    result = cli("ask", "--session", "chat", "--model", "test", "hi")
    line = one_error_line(result, 1)
    (reply,) = replies("chat")
    assert reply.status == "error"
    assert reply.content
    assert result.out == reply.content + "\n"
    assert line.removeprefix("copilot-tui: error: ")
    assert stored("chat").events[-1].type == "session.error"


def test_a_refused_request_is_one_line(cli: Cli, provider: DemoServer) -> None:
    provider.enqueue(Behaviour(status=401))
    line = one_error_line(cli("ask", "--model", "test", "hi"), 1)
    assert "401" in line


def test_ctrl_c_aborts_the_turn_keeps_the_partial_reply_and_exits_130(
    cli: Cli, provider: DemoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # asyncio.run turns SIGINT into cancelling the command only over the default handler.
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    provider.enqueue(Behaviour(tokens=3000, delay=0.005))
    original_write = StreamPrinter.write

    def write_then_press_ctrl_c(self: StreamPrinter, text: str) -> None:
        original_write(self, text)
        if len(provider.requests) == 1 and not hasattr(self, "interrupted"):
            self.interrupted = True  # type: ignore[attr-defined]
            signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(StreamPrinter, "write", write_then_press_ctrl_c)
    result = cli("ask", "--session", "chat", "--model", "test", "write a lot")
    assert result.status == 130
    assert result.err == "copilot-tui: interrupted\n"
    (reply,) = replies("chat")
    assert reply.status == "aborted"
    assert reply.content
    assert result.out.endswith("\n")
    assert len(result.out) < 3000 * 3


def test_a_closed_stdout_aborts_the_turn_quietly(
    cli: Cli, provider: DemoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    provider.enqueue(Behaviour(tokens=3000, delay=0.005))
    monkeypatch.setattr("sys.stdout", ClosedPipe())
    result = cli("ask", "--session", "chat", "--model", "test", "write a lot")
    assert (result.status, result.err) == (1, "")
    assert replies("chat")[0].status == "aborted"


async def test_run_prompt_returns_reply_usage_and_timing(client: CopilotClient) -> None:
    session = await client.create_session(model="m")
    pieces: list[str] = []
    outcome = await run_prompt(session, "[[tokens=40]] hi", pieces.append)
    assert outcome.succeeded
    assert outcome.text == "".join(pieces) != ""
    assert outcome.usage is not None
    assert outcome.usage.output_tokens > 0
    assert outcome.elapsed_s > 0
    failed = await run_prompt(session, "[[status=400]] again")
    assert not failed.succeeded
    assert failed.error is not None
    assert "400" in failed.error.message


def test_stream_printer_keeps_split_crlf_and_ends_the_line() -> None:
    out = io.StringIO()
    printer = StreamPrinter(out)
    for piece in ("one\r", "\ntwo", "\x1b"):
        printer.write(piece)
    printer.finish()
    assert out.getvalue() == "one\ntwo␛\n"


def test_stream_printer_adds_no_newline_to_nothing_or_a_line_end() -> None:
    for pieces, expected in (((), ""), (("done\n",), "done\n")):
        out = io.StringIO()
        printer = StreamPrinter(out)
        for piece in pieces:
            printer.write(piece)
        printer.finish()
        assert out.getvalue() == expected


def test_stream_printer_stops_quietly_on_a_closed_pipe() -> None:
    printer = StreamPrinter(ClosedPipe())
    printer.write("text")
    printer.finish()
    assert printer.broken_pipe
