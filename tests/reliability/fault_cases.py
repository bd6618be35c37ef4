"""The faults a model server can cause, as one table for the library and the app tests.

Each case says how to provoke the fault (a scripted `Behaviour` of the test server, or
an endpoint that refuses, does not resolve, speaks no TLS or never completes the TCP
handshake) and what the session must end with: one `session.error` of a kind, whose
message names the cause and the fix, after so many attempts, with or without a partial
reply. The failing session talks to provider "faulty"; a second session streams from
provider "test" at the same time and must not notice.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

from copilot_tui.core.config import Timeouts
from copilot_tui.core.demo_server import Behaviour

FAULT_PROMPT = "please fail"  # what the failing session sends; the server matches on it
FAULTY_HOST = "faulty.invalid"  # resolved by `FakeDns` only: no test asks a real resolver
KEY_ENV, WRONG_KEY = "FAULTY_KEY", "sk-wrong-0123456789"
ENVIRON = {KEY_ENV: WRONG_KEY}  # the client's environment: provider "faulty" sends the key
MAX_ATTEMPTS = 3  # make_config's RetryPolicy
STEADY_PACE = 0.01  # seconds between the other session's tokens
OVERLAP_MARGIN = 0.2  # how much longer the other session streams than the fault takes
JSON = "application/json"
CONTEXT_BODY = json.dumps(
    {
        "error": {
            "message": "This model's maximum context length is 8192 tokens",
            "code": "context_length_exceeded",
        }
    }
)
HTML = "<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>"
DEFAULT_TIMEOUTS = Timeouts(connect=2.0, idle=5.0)


@dataclass(frozen=True)
class FaultCase:
    """One fault and the outcome it must have.

    Attributes:
        error_type: of the one `session.error`.
        cause: text of its message that names what went wrong.
        fix: text of its message that says what to do.
        attempts: requests (or connection attempts) the fault gets: retries included.
        behaviour: how the scripted server answers each attempt (endpoint "server").
        endpoint: "server", "strict_server" (knows only model test-model), "refused",
            "dns" (the name does not resolve), "tls" (https to a server that answers in
            plain text) or "connect_timeout" (a listener whose backlog is full).
        status_code: of the error.
        partial: whether text arrives before the fault (kept, marked "error").
        model: the failing session's model at provider "faulty".
        timeouts: the client's timeouts.
        reply_cap: the library's `MAX_REPLY_CHARS` during the test, if not the default.
        retry_after: the `Retry-After` seconds the retries must wait.
        seconds: about how long the fault takes to surface, retries included.
    """

    error_type: str
    cause: str
    fix: str
    attempts: int = 1
    behaviour: Behaviour | None = None
    endpoint: str = "server"
    status_code: int | None = None
    partial: bool = False
    model: str = "test-model"
    timeouts: Timeouts = field(default=DEFAULT_TIMEOUTS)
    reply_cap: int | None = None
    retry_after: float | None = None
    seconds: float = 0.05

    @property
    def session_model(self) -> str:
        return f"faulty:{self.model}"

    def steady_prompt(self) -> str:
        """A prompt whose reply streams for longer than the fault takes to surface."""
        tokens = math.ceil((self.seconds + OVERLAP_MARGIN) / STEADY_PACE)
        return f"[[tokens={tokens} delay={STEADY_PACE}]] steady"


def _status(status: int, error_type: str, cause: str, fix: str, attempts: int = 1) -> FaultCase:
    return FaultCase(
        error_type, cause, fix, attempts, behaviour=Behaviour(status=status), status_code=status
    )


UNAVAILABLE = "the server is unavailable or overloaded; try again later"
CUT = "try again; if it keeps happening, check the server and any proxy in between"
NOT_OPENAI = "check that base_url points at an OpenAI-compatible server"

CASES: dict[str, FaultCase] = {
    "401": _status(401, "authentication", "401 Unauthorized", f"set {KEY_ENV} to a valid API key"),
    "403": _status(403, "permission", "403 Forbidden", "check the key's permissions"),
    "404-unknown-model": FaultCase(
        "not_found",
        "model 'gpt-9' not found at http://127.0.0.1",
        "check the model name; list_models() shows what 'faulty' offers",
        endpoint="strict_server",
        model="gpt-9",
        status_code=404,
    ),
    "413": _status(413, "context_length", "too long for model", "start a new session"),
    "400-context-too-long": FaultCase(
        "context_length",
        "maximum context length is 8192 tokens",
        "start a new session or send a shorter prompt",
        behaviour=Behaviour(status=400, body=CONTEXT_BODY, content_type=JSON),
        status_code=400,
    ),
    "400": _status(400, "bad_request", "400 Bad Request", "check the model name and provider"),
    "429-retry-after": FaultCase(
        "rate_limit",
        "429 Too Many Requests",
        "rate limited; wait a little",
        MAX_ATTEMPTS,
        behaviour=Behaviour(status=429, headers={"Retry-After": "0.2"}),
        status_code=429,
        retry_after=0.2,
        seconds=0.5,
    ),
    "429-no-retry-after": _status(
        429, "rate_limit", "429 Too Many Requests", "wait a little", MAX_ATTEMPTS
    ),
    "500": _status(500, "server", "500 Internal Server Error", "try again later"),
    "502": _status(502, "server", "502 Bad Gateway", UNAVAILABLE, MAX_ATTEMPTS),
    "503": _status(503, "server", "503 Service Unavailable", UNAVAILABLE, MAX_ATTEMPTS),
    "504": _status(504, "server", "504 Gateway Timeout", UNAVAILABLE, MAX_ATTEMPTS),
    "502-html-page": FaultCase(
        "server",
        "502 Bad Gateway",
        UNAVAILABLE,
        MAX_ATTEMPTS,
        behaviour=Behaviour(status=502, body=HTML),
        status_code=502,
    ),
    "connection-refused": FaultCase(
        "connection",
        f"cannot connect to http://{FAULTY_HOST}",
        "is the server running?",
        MAX_ATTEMPTS,
        endpoint="refused",
    ),
    "dns-failure": FaultCase(
        "connection",
        f"cannot resolve host '{FAULTY_HOST}'",
        "check base_url and your network",
        MAX_ATTEMPTS,
        endpoint="dns",
    ),
    "tls-error": FaultCase(
        "connection",
        f"TLS error connecting to https://{FAULTY_HOST}",
        "use http:// in base_url if the server does not speak TLS",
        endpoint="tls",
    ),
    "connect-timeout": FaultCase(
        "timeout",
        "within 0.3 s (timeouts.connect)",
        "check the network and base_url",
        MAX_ATTEMPTS,
        endpoint="connect_timeout",
        timeouts=Timeouts(connect=0.3, idle=5.0),
        seconds=1.0,
    ),
    "headers-then-silence": FaultCase(
        "timeout",
        "sent nothing for 0.3 s (timeouts.idle)",
        "raise timeouts.idle in config.toml",
        MAX_ATTEMPTS,
        behaviour=Behaviour(silence_after=0),
        timeouts=Timeouts(connect=2.0, idle=0.3),
        seconds=1.0,
    ),
    "cut-before-any-text": FaultCase(
        "connection", "closed mid-reply", CUT, MAX_ATTEMPTS, behaviour=Behaviour(cut_after=0)
    ),
    "cut-mid-reply": FaultCase(
        "connection", "closed mid-reply", CUT, behaviour=Behaviour(cut_after=3), partial=True
    ),
    "malformed-json-chunk": FaultCase(
        "protocol",
        "malformed chunk from http://127.0.0.1",
        f"the server broke the stream format; try again, or {NOT_OPENAI}",
        behaviour=Behaviour(malformed_at=3),
        partial=True,
    ),
    "html-instead-of-a-stream": FaultCase(
        "protocol",
        "answered with text/html instead of an event stream",
        "check base_url of provider 'faulty'",
        behaviour=Behaviour(body=HTML),
    ),
    "error-object-mid-stream": FaultCase(
        "server",
        "mid-stream: The demo server failed in the middle of the reply",
        "the server failed mid-reply; try again later",
        behaviour=Behaviour(error_at=3),
        partial=True,
    ),
    "10mb-single-chunk": FaultCase(
        "protocol",
        "sent a single event larger than 1 MiB",
        NOT_OPENAI,
        behaviour=Behaviour(big_chunk_bytes=10 << 20),
    ),
    "reply-never-ends": FaultCase(
        "server",
        "passed 65,536 characters without ending",
        "send the prompt again or try another model",
        behaviour=Behaviour(never_end=True, text="loop ", big_chunk_bytes=4096),
        partial=True,
        reply_cap=64 << 10,
    ),
}
