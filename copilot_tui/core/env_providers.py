"""The provider to use when `config.toml` defines none, found in environment variables.

Checked in order, first match wins: OpenAI (`OPENAI_BASE_URL` / `OPENAI_API_KEY`,
which also covers vLLM, llama.cpp and other OpenAI-compatible local servers),
GitHub Models (`GITHUB_TOKEN` / `GH_TOKEN`), then Ollama (`OLLAMA_HOST`).
"""

from __future__ import annotations

import contextlib
import ipaddress
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

from .config import ProviderConfig
from .errors import ConfigError

OPENAI_BASE_URL = "https://api.openai.com/v1"
GITHUB_BASE_URL = "https://models.github.ai/inference"
GITHUB_MODELS_URL = "https://models.github.ai/catalog/models"
GITHUB_HEADERS = {"X-GitHub-Api-Version": "2022-11-28"}
OLLAMA_PORT = 11434
# A server listening on "every address" is reached, from a client, on loopback.
_WILDCARD_HOSTS = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}


def providers_from_env(environ: Mapping[str, str]) -> tuple[ProviderConfig, ...]:
    """The first provider the environment describes, as a 1-tuple, or `()`.

    Empty (or blank) variables count as unset.

    Raises:
        ConfigError: `OPENAI_BASE_URL` or `OLLAMA_HOST` is set but unusable.
    """
    for detect in _DETECTORS:
        provider = detect(environ)
        if provider is not None:
            return (provider,)
    return ()


def _get(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name, "").strip()
    return value or None


def _env_error(name: str, problem: str) -> ConfigError:
    return ConfigError("environment", problem, key=name)


def _openai(environ: Mapping[str, str]) -> ProviderConfig | None:
    base_url, key = _get(environ, "OPENAI_BASE_URL"), _get(environ, "OPENAI_API_KEY")
    if base_url is None and key is None:
        return None
    url = (base_url or OPENAI_BASE_URL).rstrip("/")
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        example = "http://localhost:8000/v1"
        raise _env_error("OPENAI_BASE_URL", f"must be an http(s) URL like {example}, got {url!r}")
    return ProviderConfig(
        name="openai",
        base_url=url,
        api_key_env="OPENAI_API_KEY" if key else None,  # local servers need no key
        # Only OpenAI's own model names are known; other servers are asked (/models).
        default_model="gpt-4o-mini" if parts.hostname == "api.openai.com" else None,
    )


def _github(environ: Mapping[str, str]) -> ProviderConfig | None:
    token_env = next((n for n in ("GITHUB_TOKEN", "GH_TOKEN") if _get(environ, n)), None)
    if token_env is None:
        return None
    return ProviderConfig(
        name="github",
        base_url=GITHUB_BASE_URL,
        api_key_env=token_env,
        headers=GITHUB_HEADERS,
        default_model="openai/gpt-4.1-mini",
        models_url=GITHUB_MODELS_URL,
    )


def _ollama(environ: Mapping[str, str]) -> ProviderConfig | None:
    host = _get(environ, "OLLAMA_HOST")
    if host is None:
        return None
    return ProviderConfig(name="ollama", base_url=ollama_base_url(host), default_model="llama3.2")


def ollama_base_url(host: str) -> str:
    """The OpenAI-compatible endpoint for an `OLLAMA_HOST` value, as Ollama reads it.

    Accepts `host`, `host:port`, `:port`, `[v6]:port` and `http(s)://host[:port][/path]`.
    Like Ollama's own client: a bare host gets port 11434, an explicit `http://`
    or `https://` without a port gets 80 or 443.

    Raises:
        ConfigError: The scheme is not http(s) or the port is not a number.
    """
    value = host.strip().strip("\"'")
    scheme, has_scheme, rest = value.partition("://")
    if not has_scheme:
        scheme, rest = "http", value
    with contextlib.suppress(ValueError):  # a bare IPv6 address such as ::1
        rest = f"[{ipaddress.IPv6Address(rest)}]"
    if scheme not in ("http", "https"):
        raise _env_error("OLLAMA_HOST", f"must be host:port or http(s)://host:port, got {host!r}")
    try:
        parts = urlsplit(f"{scheme}://{rest}")
        port = parts.port or (OLLAMA_PORT if not has_scheme else 443 if scheme == "https" else 80)
    except ValueError:
        raise _env_error("OLLAMA_HOST", f"has an invalid host or port: {host!r}") from None
    name = parts.hostname or ""
    name = _WILDCARD_HOSTS.get(name, name)
    netloc = f"[{name}]:{port}" if ":" in name else f"{name}:{port}"
    prefix = parts.path.rstrip("/").removesuffix("/v1")  # "/v1" is added below anyway
    return f"{scheme}://{netloc}{prefix}/v1"


_DETECTORS: tuple[Callable[[Mapping[str, str]], ProviderConfig | None], ...] = (
    _openai,
    _github,
    _ollama,
)
