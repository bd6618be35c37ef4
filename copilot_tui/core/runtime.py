"""What a started client holds: providers, the store, the connection pool, the demo."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx

from copilot_tui.core.async_store import AsyncSessionStore
from copilot_tui.core.config import Config, ProviderConfig
from copilot_tui.core.env_providers import providers_from_env
from copilot_tui.core.paths import store_file
from copilot_tui.core.providers import ProviderSet
from copilot_tui.core.turn import TurnServices
from copilot_tui.core.warm_transport import WarmTransport

if TYPE_CHECKING:
    from copilot_tui.core.demo_server import DemoServer

DEMO_PROVIDER = "demo"


@dataclass(frozen=True, slots=True)
class ClientRuntime:
    """The resources `start()` opens and `stop()` closes."""

    services: TurnServices
    demo: DemoServer | None

    @property
    def providers(self) -> ProviderSet:
        return self.services.providers

    async def close(self) -> None:
        try:
            await self.services.http.aclose()
            await self.services.store.close()
        finally:
            if self.demo is not None:
                self.demo.stop()


def configured_providers(config: Config, environ: Mapping[str, str]) -> tuple[ProviderConfig, ...]:
    """The config file's providers, else the ones the environment names."""
    return config.providers or providers_from_env(environ)


async def open_runtime(
    config: Config,
    environ: Mapping[str, str],
    transport: httpx.AsyncBaseTransport | None = None,
) -> ClientRuntime:
    """Open everything a client needs; with no provider anywhere, start the demo model."""
    providers = configured_providers(config, environ)
    demo = None
    if not providers:
        demo = _demo_server()
        providers = (
            ProviderConfig(name=DEMO_PROVIDER, base_url=demo.start(), default_model="demo"),
        )
    try:
        store = await AsyncSessionStore.open(store_file(config.data_dir))
    except BaseException:
        if demo is not None:
            demo.stop()
        raise
    return ClientRuntime(
        services=_services(config, environ, providers, store, transport), demo=demo
    )


def _demo_server() -> DemoServer:
    # Imported only when needed: with a provider set up, the demo's modules (~8 ms)
    # are never loaded.
    from copilot_tui.core.demo_server import Behaviour, DemoServer

    # A pace that reads like a real model: a short think, then ~50 tokens/s.
    return DemoServer(default=Behaviour(ttft=0.3, delay=0.02))


def _services(
    config: Config,
    environ: Mapping[str, str],
    providers: tuple[ProviderConfig, ...],
    store: AsyncSessionStore,
    transport: httpx.AsyncBaseTransport | None,
) -> TurnServices:
    provider_set = ProviderSet(
        providers,
        default_provider=config.default_provider if config.providers else None,
        default_model=config.default_model,
    )
    return TurnServices(
        http=httpx.AsyncClient(transport=transport or WarmTransport()),
        providers=provider_set,
        store=store,
        timeouts=config.timeouts,
        retry=config.retry,
        environ=environ,
        flush_interval=config.flush_interval,
        rng=random.Random(),
    )
