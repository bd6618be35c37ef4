"""Turn HTTP statuses and transport failures into one actionable `ProviderError` line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import Any

import httpx

from copilot_tui.core.chat_chunks import sanitize_excerpt
from copilot_tui.core.config import ProviderConfig, Timeouts
from copilot_tui.core.config_schema import SECRET_HEADER
from copilot_tui.core.errors import ProviderError
from copilot_tui.core.retry import parse_retry_after

RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
CUT_ADVICE = "try again; if it keeps happening, check the server and any proxy in between"
_CONTEXT_HINTS = ("context_length", "context length", "too long", "too many tokens", "maximum")
MASK = "***"
_MIN_SECRET_LENGTH = 8  # shorter header values are not keys, and masking them garbles text


def credentials(headers: Mapping[str, str]) -> tuple[str, ...]:
    """The secret values among request headers, longest first ("Bearer k" gives also "k")."""
    values = [value.strip() for name, value in headers.items() if SECRET_HEADER.search(name)]
    tokens = [value.split(None, 1)[-1] for value in values]
    found = {secret for secret in (*values, *tokens) if len(secret) >= _MIN_SECRET_LENGTH}
    return tuple(sorted(found, key=len, reverse=True))


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret replaced by "***" (servers may echo a rejected key)."""
    for secret in secrets:
        text = text.replace(secret, MASK)
    return text


def redact_error(error: ProviderError, secrets: Iterable[str]) -> ProviderError:
    """`error` with the secrets masked in its message (changed in place, and returned)."""
    error.message = redact(error.message, secrets)
    error.args = (error.message,)
    return error


def server_message(body: str) -> str:
    """The human part of an error body: OpenAI-style JSON, a bare message, or text."""
    try:
        parsed: Any = json.loads(body)
    except ValueError:
        return "" if "<html" in body[:500].lower() else sanitize_excerpt(body.strip(), 160)
    if isinstance(parsed, dict):
        inner = parsed.get("error", parsed)
        if isinstance(inner, dict):
            inner = inner.get("message") or inner.get("detail") or inner.get("code") or ""
        return sanitize_excerpt(str(inner), 160)
    return sanitize_excerpt(str(parsed), 160)


def key_advice(provider: ProviderConfig) -> str:
    if provider.api_key_env:
        return f"set {provider.api_key_env} to a valid API key"
    if provider.api_key:
        return f"the api_key of provider '{provider.name}' in config.toml was rejected"
    return f"this server needs a key: set api_key_env for provider '{provider.name}' in config.toml"


def status_error(
    response: httpx.Response, body: str, *, provider: ProviderConfig, model: str
) -> ProviderError:
    """The error for a non-200 answer to a chat request."""
    status = response.status_code
    message = server_message(body)
    detail = f" ({message})" if message else ""
    head = f"{status} {_reason(status)} from {response.request.url}"
    if status == 401:
        return ProviderError(
            f"{head}: {key_advice(provider)}", error_type="authentication", status_code=status
        )
    if status == 403:
        return ProviderError(
            f"{head}{detail}: the key has no access to model '{model}'; "
            "check the key's permissions or pick another model",
            error_type="permission",
            status_code=status,
        )
    if status == 404:
        return _not_found(head, message, provider=provider, model=model)
    if status == 413 or (status == 400 and _mentions_context(message)):
        return ProviderError(
            f"the conversation is too long for model '{model}' ({head}{detail}): "
            "start a new session or send a shorter prompt",
            error_type="context_length",
            status_code=status,
        )
    return _other_status(response, head, detail, provider)


def _not_found(head: str, message: str, *, provider: ProviderConfig, model: str) -> ProviderError:
    if "model" in message.lower():
        text = (
            f"model '{model}' not found at {provider.base_url}{' (' + message + ')'}: "
            f"check the model name; list_models() shows what '{provider.name}' offers"
        )
    else:
        text = (
            f"{head}: check base_url of provider '{provider.name}' "
            "(most servers expect it to end in /v1)"
        )
    return ProviderError(text, error_type="not_found", status_code=404)


def _other_status(
    response: httpx.Response, head: str, detail: str, provider: ProviderConfig
) -> ProviderError:
    status = response.status_code
    retry_after = _retry_after(response)
    if status == 429:
        text = (
            f"{head}{detail}: rate limited; wait a little, or lower max_concurrency "
            f"of provider '{provider.name}'"
        )
        kind = "rate_limit"
    elif status >= 500:
        advice = (
            "the server is unavailable or overloaded"
            if status in RETRYABLE_STATUSES
            else ("the server failed")
        )
        text, kind = f"{head}{detail}: {advice}; try again later", "server"
    else:
        advice = f"check the model name and provider '{provider.name}' in config.toml"
        text, kind = f"{head}{detail}: the server refused the request; {advice}", "bad_request"
    return ProviderError(
        text,
        error_type=kind,
        status_code=status,
        retryable=status in RETRYABLE_STATUSES,
        retry_after=retry_after,
    )


def _retry_after(response: httpx.Response) -> float | None:
    return parse_retry_after(response.headers.get("retry-after"))


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "error"


def _mentions_context(message: str) -> bool:
    lowered = message.lower()
    return any(hint in lowered for hint in _CONTEXT_HINTS)


def transport_error(
    exc: httpx.HTTPError, *, url: str, provider: ProviderConfig, timeouts: Timeouts
) -> ProviderError:
    """The error for a request that failed below HTTP (DNS, TCP, TLS, timeouts, cuts)."""
    reason = sanitize_excerpt(str(exc) or type(exc).__name__, 160)
    if isinstance(exc, httpx.ConnectTimeout):
        return _retryable(
            f"no answer from {url} within {timeouts.connect:g} s (timeouts.connect): "
            "check the network and base_url",
            "timeout",
        )
    if isinstance(exc, httpx.ReadTimeout):
        return _retryable(
            f"{url} sent nothing for {timeouts.idle:g} s (timeouts.idle): "
            "the server is stuck or overloaded; try again, or raise timeouts.idle in config.toml",
            "timeout",
        )
    if isinstance(exc, httpx.ConnectError):
        return _connect_error(reason, url=url, provider=provider)
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return ProviderError(
            f"invalid base_url '{provider.base_url}' for provider '{provider.name}': {reason}",
            error_type="configuration",
        )
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError):
        return _retryable(
            f"the connection to {url} closed mid-reply ({reason}): {CUT_ADVICE}", "connection"
        )
    return _retryable(f"the connection to {url} broke ({reason}): {CUT_ADVICE}", "connection")


def _connect_error(reason: str, *, url: str, provider: ProviderConfig) -> ProviderError:
    lowered = reason.lower()
    host = httpx.URL(url).host
    if "ssl" in lowered or "certificate" in lowered or "tls" in lowered:
        return ProviderError(
            f"TLS error connecting to {url} ({reason}): check the server's certificate, "
            "or use http:// in base_url if the server does not speak TLS",
            error_type="connection",
        )
    if ("name" in lowered and ("resolution" in lowered or "known" in lowered)) or (
        "getaddrinfo" in lowered or "nodename" in lowered
    ):
        return _retryable(
            f"cannot resolve host '{host}' of {url}: check base_url and your network",
            "connection",
        )
    hint = "start it with `ollama serve`" if provider.name == "ollama" else "is the server running?"
    return _retryable(f"cannot connect to {url} ({reason}): {hint}", "connection")


def _retryable(message: str, error_type: str) -> ProviderError:
    return ProviderError(message, error_type=error_type, retryable=True)
