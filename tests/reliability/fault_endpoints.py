"""How the fault cases are provoked: the scripted server, or an endpoint that refuses,
does not resolve, answers TLS in plain text or never completes the TCP handshake; and
how many attempts reached it."""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest

from copilot_tui.core import stream_guard
from copilot_tui.core.config import Config, ProviderConfig
from copilot_tui.core.demo_server import DemoServer
from tests.conftest import ConfigFactory
from tests.reliability.fault_cases import FAULT_PROMPT, FAULTY_HOST, KEY_ENV, FaultCase


@dataclass(frozen=True)
class Endpoint:
    """Where provider "faulty" points, and how many attempts reached it so far."""

    base_url: str
    attempts: Callable[[], int]


def prompts_seen(server: DemoServer, prompt: str = FAULT_PROMPT) -> int:
    """How many chat requests `server` got whose last message was `prompt`."""
    return sum(1 for request in server.requests if _last_message(request.body) == prompt)


def _last_message(body: Any) -> object:
    messages = body.get("messages") if isinstance(body, dict) else None
    return messages[-1].get("content") if isinstance(messages, list) and messages else None


@contextmanager
def fault_endpoint(
    case: FaultCase, server: DemoServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Endpoint]:
    """Set up what provokes `case` (and its reply cap) for as long as the block runs."""
    if case.reply_cap is not None:
        monkeypatch.setattr(stream_guard, "MAX_REPLY_CHARS", case.reply_cap)
    if case.endpoint == "server":
        assert case.behaviour is not None
        server.enqueue(*[case.behaviour] * case.attempts, match=FAULT_PROMPT)
        yield Endpoint(server.base_url, lambda: prompts_seen(server))
    elif case.endpoint == "strict_server":
        with DemoServer(models=("test-model",)) as strict:
            yield Endpoint(strict.base_url, lambda: prompts_seen(strict))
    else:
        dns = FakeDns(monkeypatch, resolves=case.endpoint != "dns")
        with _listener(case.endpoint) as (scheme, port):
            yield Endpoint(f"{scheme}://{FAULTY_HOST}:{port}/v1", lambda: dns.lookups)


class FakeDns:
    """Replaces `socket.getaddrinfo`: FAULTY_HOST is loopback (or does not resolve), IP
    literals pass through, and every other name fails, so nothing reaches a real resolver.

    httpx (through anyio) looks the host up once per connection attempt, so `lookups`
    counts the attempts at an endpoint that never answers an HTTP request.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *, resolves: bool) -> None:
        self.lookups = 0
        self._resolves = resolves
        self._real = socket.getaddrinfo
        monkeypatch.setattr(socket, "getaddrinfo", self._getaddrinfo)

    def _getaddrinfo(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name == FAULTY_HOST:
            self.lookups += 1
            if self._resolves:
                return self._real("127.0.0.1", port, *args, **kwargs)
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        if name is not None and not _is_ip_literal(name):
            raise socket.gaierror(socket.EAI_NONAME, f"tests resolve no real names ({name})")
        return self._real(host, port, *args, **kwargs)


def _is_ip_literal(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


@contextmanager
def _listener(kind: str) -> Iterator[tuple[str, int]]:
    if kind == "refused":
        with socket.socket() as probe:  # bound, never listening: the port refuses
            probe.bind(("127.0.0.1", 0))
            yield "http", probe.getsockname()[1]
    elif kind == "dns":
        yield "http", 80
    elif kind == "tls":
        with PlainTextServer() as plain:
            yield "https", plain.port
    else:
        assert kind == "connect_timeout", kind
        with full_backlog() as port:
            yield "http", port


@contextmanager
def full_backlog() -> Iterator[int]:
    """A loopback port whose accept queue is full, so the kernel drops new SYNs and
    a connect never completes (it would take the SYN retry, seconds away)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        address = listener.getsockname()
        fillers = [socket.create_connection(address, timeout=2)]  # fills the queue
        late = socket.socket()
        late.setblocking(False)
        late.connect_ex(address)  # its SYN is dropped too, for good measure
        fillers.append(late)
        try:
            yield address[1]
        finally:
            for filler in fillers:
                filler.close()


class PlainTextServer:
    """Answers every connection with a plain HTTP error, whatever the client sends: a
    TLS client gets a reply that is no TLS record."""

    def __init__(self) -> None:
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(8)
        self._socket.settimeout(0.05)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self.port: int = self._socket.getsockname()[1]

    def __enter__(self) -> PlainTextServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._socket.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._socket.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    conn.recv(4096)
                    conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                except OSError:
                    pass


def fault_config(
    make_config: ConfigFactory, server: DemoServer, case: FaultCase, endpoint: Endpoint
) -> Config:
    """Provider "test" (the healthy server, default) and "faulty" (the endpoint)."""
    steady = ProviderConfig(name="test", base_url=server.base_url, default_model="test-model")
    faulty = ProviderConfig(name="faulty", base_url=endpoint.base_url, api_key_env=KEY_ENV)
    return make_config(providers=(steady, faulty), timeouts=case.timeouts)
