"""Tests of finding a provider in environment variables, and of keys read from there."""

from __future__ import annotations

import pytest

from copilot_tui.core.config import Config, ProviderConfig, config_from_dict, config_to_dict
from copilot_tui.core.env_providers import ollama_base_url, providers_from_env
from copilot_tui.core.errors import ConfigError


def only(environ: dict[str, str]) -> ProviderConfig:
    providers = providers_from_env(environ)
    assert len(providers) == 1
    return providers[0]


def test_nothing_set_gives_no_provider() -> None:
    assert providers_from_env({}) == ()
    assert providers_from_env({"PATH": "/bin", "HOME": "/root"}) == ()


def test_openai_key_gives_the_openai_api() -> None:
    provider = only({"OPENAI_API_KEY": "sk-1"})
    assert provider == ProviderConfig(
        name="openai",
        base_url="https://api.openai.com/v1",
        api_key_env="OPENAI_API_KEY",
        default_model="gpt-4o-mini",
    )
    assert provider.resolve_api_key({"OPENAI_API_KEY": "sk-1"}) == "sk-1"


def test_openai_base_url_alone_is_a_keyless_local_server() -> None:
    provider = only({"OPENAI_BASE_URL": "http://localhost:8000/v1/"})
    assert provider.name == "openai"
    assert provider.base_url == "http://localhost:8000/v1"
    assert provider.api_key_env is None  # vLLM and llama.cpp need no key
    assert provider.default_model is None  # the caller asks the server's /models
    assert provider.resolve_api_key({}) is None


def test_openai_base_url_with_key() -> None:
    local = only({"OPENAI_BASE_URL": "http://gpu:8080/v1", "OPENAI_API_KEY": "k"})
    assert (local.base_url, local.api_key_env, local.default_model) == (
        "http://gpu:8080/v1",
        "OPENAI_API_KEY",
        None,
    )
    official = only({"OPENAI_BASE_URL": "https://api.openai.com/v1/", "OPENAI_API_KEY": "k"})
    assert official.default_model == "gpt-4o-mini"


def test_unusable_openai_base_url_is_a_config_error() -> None:
    with pytest.raises(ConfigError) as caught:
        providers_from_env({"OPENAI_BASE_URL": "localhost:8000"})
    assert caught.value.key == "OPENAI_BASE_URL"
    assert "must be an http(s) URL like http://localhost:8000/v1" in str(caught.value)


@pytest.mark.parametrize(
    ("environ", "token_env"),
    [
        ({"GITHUB_TOKEN": "ghp_1"}, "GITHUB_TOKEN"),
        ({"GH_TOKEN": "gho_1"}, "GH_TOKEN"),
        ({"GH_TOKEN": "gho_1", "GITHUB_TOKEN": "ghp_1"}, "GITHUB_TOKEN"),
        ({"GITHUB_TOKEN": "", "GH_TOKEN": "gho_1"}, "GH_TOKEN"),
    ],
)
def test_github_token_gives_github_models(environ: dict[str, str], token_env: str) -> None:
    provider = only(environ)
    assert provider == ProviderConfig(
        name="github",
        base_url="https://models.github.ai/inference",
        api_key_env=token_env,
        headers={"X-GitHub-Api-Version": "2022-11-28"},
        default_model="openai/gpt-4.1-mini",
        models_url="https://models.github.ai/catalog/models",
    )
    assert provider.resolve_api_key(environ) == environ[token_env]


@pytest.mark.parametrize(
    ("host", "base_url"),
    [
        ("localhost", "http://localhost:11434/v1"),
        ("gpu-box:8000", "http://gpu-box:8000/v1"),
        ("0.0.0.0", "http://127.0.0.1:11434/v1"),
        ("0.0.0.0:11434", "http://127.0.0.1:11434/v1"),
        (":11500", "http://127.0.0.1:11500/v1"),
        ("http://10.0.0.5:11434", "http://10.0.0.5:11434/v1"),
        ("https://ollama.example.com:8443/", "https://ollama.example.com:8443/v1"),
        ("https://example.com/ollama", "https://example.com:443/ollama/v1"),
        ("http://example.com", "http://example.com:80/v1"),  # as Ollama's own client reads it
        ("http://h:1/v1", "http://h:1/v1"),
        ("[::]:11434", "http://[::1]:11434/v1"),
        ("::1", "http://[::1]:11434/v1"),
        ("  'localhost:1'  ", "http://localhost:1/v1"),
    ],
)
def test_ollama_host_forms(host: str, base_url: str) -> None:
    provider = only({"OLLAMA_HOST": host})
    assert provider == ProviderConfig(name="ollama", base_url=base_url, default_model="llama3.2")
    assert provider.resolve_api_key({}) is None


@pytest.mark.parametrize("host", ["ftp://h", "h:port", "h:99999", "http://[::1"])
def test_unusable_ollama_host_is_a_config_error(host: str) -> None:
    with pytest.raises(ConfigError) as caught:
        ollama_base_url(host)
    assert caught.value.key == "OLLAMA_HOST"
    assert repr(host) in str(caught.value)


EVERYTHING = {
    "OPENAI_API_KEY": "sk-1",
    "GITHUB_TOKEN": "ghp_1",
    "GH_TOKEN": "gho_1",
    "OLLAMA_HOST": "localhost",
}


@pytest.mark.parametrize(
    ("unset", "expected"),
    [
        ((), "openai"),
        (("OPENAI_API_KEY",), "github"),
        (("OPENAI_API_KEY", "GITHUB_TOKEN"), "github"),
        (("OPENAI_API_KEY", "GITHUB_TOKEN", "GH_TOKEN"), "ollama"),
    ],
)
def test_priority_order_and_empty_strings(unset: tuple[str, ...], expected: str) -> None:
    present = {name: value for name, value in EVERYTHING.items() if name not in unset}
    assert only(present).name == expected
    blanked = {**EVERYTHING, **dict.fromkeys(unset, ""), "OPENAI_BASE_URL": " "}
    assert only(blanked).name == expected  # empty or blank counts as unset
    assert providers_from_env(dict.fromkeys(EVERYTHING, "")) == ()


@pytest.mark.parametrize(
    "environ",
    [
        {"OPENAI_API_KEY": "k"},
        {"OPENAI_BASE_URL": "http://h:1"},
        {"GH_TOKEN": "t"},
        {"OLLAMA_HOST": "[::]"},
    ],
)
def test_discovered_providers_pass_the_config_schema(environ: dict[str, str]) -> None:
    config = Config(providers=providers_from_env(environ))
    assert config_from_dict(config_to_dict(config)) == config


def test_resolve_api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    literal = ProviderConfig("p", "http://h", api_key_env="UNUSED", api_key="sk-literal")
    assert literal.resolve_api_key({}) == "sk-literal"
    by_env = ProviderConfig("p", "http://h", api_key_env="MY_KEY")
    assert by_env.resolve_api_key({"MY_KEY": " k1 "}) == "k1"
    monkeypatch.setenv("MY_KEY", "from-os")
    assert by_env.resolve_api_key() == "from-os"  # os.environ by default
    assert ProviderConfig("ollama", "http://h").resolve_api_key({}) is None
    for environ in ({}, {"MY_KEY": ""}, {"MY_KEY": "  "}):
        with pytest.raises(ConfigError) as caught:
            by_env.resolve_api_key(environ)
        assert caught.value.problem == (
            "environment variable MY_KEY is not set; export it or change api_key_env"
        )
        assert caught.value.key == "providers.p.api_key_env"
