"""Which provider serves a model string, how many requests it may take, what it offers."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from copilot_tui.core.chat_api import MAX_ERROR_BODY, read_limited, request_headers
from copilot_tui.core.config import ProviderConfig, Timeouts
from copilot_tui.core.errors import ProviderError
from copilot_tui.core.http_errors import credentials, redact, status_error, transport_error
from copilot_tui.core.metadata import ModelInfo

MODEL_LIST_TIMEOUT = 15.0


class ProviderSet:
    """The configured providers; a model string "name:model" picks provider `name`.

    A model string whose prefix is not a provider name goes to the default provider
    whole, so Ollama tags like "llama3.2:3b" keep their colon.
    """

    def __init__(
        self,
        providers: Sequence[ProviderConfig],
        *,
        default_provider: str | None = None,
        default_model: str | None = None,
    ) -> None:
        if not providers:
            raise ValueError("ProviderSet needs at least one provider")
        self._by_name = {provider.name: provider for provider in providers}
        self.default = self._by_name[default_provider] if default_provider else providers[0]
        self._default_model = default_model
        self._limits = {p.name: asyncio.Semaphore(p.max_concurrency) for p in providers}

    @property
    def providers(self) -> tuple[ProviderConfig, ...]:
        return tuple(self._by_name.values())

    def route(self, model: str) -> tuple[ProviderConfig, str]:
        """The provider and its own model name for a session's model string."""
        prefix, colon, rest = model.partition(":")
        if colon and rest and prefix in self._by_name:
            return self._by_name[prefix], rest
        named = self._by_name.get(model)
        if named is not None and named.default_model:
            return named, named.default_model
        return self.default, model

    def qualify(self, provider: ProviderConfig, model: str) -> str:
        """The model string that routes back to `provider` and `model`."""
        return model if provider is self.default else f"{provider.name}:{model}"

    def configured_default_model(self) -> str | None:
        if self._default_model:
            return self._default_model
        return self.default.default_model

    def limiter(self, provider: ProviderConfig) -> asyncio.Semaphore:
        """The queue for `provider`'s concurrent requests (FIFO, so it is fair)."""
        return self._limits[provider.name]


async def fetch_models(
    http: httpx.AsyncClient,
    provider: ProviderConfig,
    *,
    timeouts: Timeouts,
    environ: Mapping[str, str],
) -> list[str]:
    """The provider's model names: its static `models`, then what its server lists."""
    url = provider.models_url or f"{provider.base_url}/models"
    headers = request_headers(provider, environ)
    headers["Accept"] = "application/json"
    timeout = httpx.Timeout(min(timeouts.idle, MODEL_LIST_TIMEOUT), connect=timeouts.connect)
    try:
        async with http.stream("GET", url, headers=headers, timeout=timeout) as response:
            body = await read_limited(response, 8 * 1024 * 1024)
            if response.status_code != 200:
                shown = redact(body[:MAX_ERROR_BODY], credentials(headers))
                raise status_error(response, shown, provider=provider, model="")
    except httpx.HTTPError as exc:
        raise transport_error(exc, url=url, provider=provider, timeouts=timeouts) from exc
    listed = parse_model_list(body, url=url)
    return list(dict.fromkeys([*provider.models, *listed]))


def parse_model_list(body: str, *, url: str) -> list[str]:
    """Model names from an OpenAI (`data`), Ollama (`models`) or bare-list answer."""
    try:
        parsed: Any = json.loads(body)
    except ValueError:
        raise ProviderError(f"{url} did not answer with JSON", error_type="protocol") from None
    items = parsed.get("data", parsed.get("models", [])) if isinstance(parsed, dict) else parsed
    if not isinstance(items, list):
        raise ProviderError(f"{url} answered without a model list", error_type="protocol")
    return [name for item in items if (name := _model_name(item))]


def _model_name(item: Any) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, dict):
        for key in ("id", "name", "model"):
            if isinstance(item.get(key), str):
                return str(item[key])
    return ""


async def list_provider_models(
    http: httpx.AsyncClient,
    providers: ProviderSet,
    *,
    timeouts: Timeouts,
    environ: Mapping[str, str],
) -> tuple[list[ModelInfo], list[ProviderError]]:
    """Every provider's models, asked concurrently; a provider that fails is reported
    in the second list and falls back to its static `models`."""

    async def one(provider: ProviderConfig) -> tuple[list[str], ProviderError | None]:
        try:
            return await fetch_models(http, provider, timeouts=timeouts, environ=environ), None
        except ProviderError as error:
            return list(provider.models), error

    results = await asyncio.gather(*(one(p) for p in providers.providers))
    models = [
        ModelInfo(id=providers.qualify(provider, name), provider=provider.name, name=name)
        for provider, (names, _) in zip(providers.providers, results, strict=True)
        for name in names
    ]
    return models, [error for _, error in results if error is not None]
