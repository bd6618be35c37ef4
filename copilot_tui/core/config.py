"""The user's settings: typed dataclasses, and reading/writing `config.toml`.

`CONFIG_REFERENCE` documents every key; the README is generated from it.
"""

from __future__ import annotations

import codecs
import os
import re
import secrets
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

import tomli_w

from . import paths
from .config_schema import FrozenHeaders, check_config
from .errors import ConfigError

CONFIG_REFERENCE = """\
# copilot-tui settings: $XDG_CONFIG_HOME/copilot-tui/config.toml ($COPILOT_TUI_CONFIG overrides).
# Every key is optional. With no [providers], one provider is discovered from the environment:
# OPENAI_BASE_URL or OPENAI_API_KEY, else GITHUB_TOKEN or GH_TOKEN, else OLLAMA_HOST.

default_model = "gpt-4o-mini"      # model of new sessions; "ollama:llama3.2" also names a provider
default_provider = "openai"        # provider of new sessions (default: the first one defined)
# data_dir = "~/copilot-tui"       # where sessions.db lives (default: $XDG_DATA_HOME/copilot-tui)
flush_interval = 0.5               # seconds between saves of a streaming reply's text (0.05..10)

[timeouts]
connect = 10.0                     # seconds to open a connection
idle = 60.0                        # seconds a stream may send nothing before failing (retryable)

[retry]
max_attempts = 4                   # total attempts before the first token (1 = no retry; max 100)
base_delay = 0.5                   # exponential backoff base, seconds (with jitter)
max_delay = 20.0                   # cap on one backoff wait, seconds
max_retry_after = 60.0             # a longer Retry-After is not waited for; the error is shown

[ui]
theme = "textual-dark"             # Textual theme name

# One table per provider; the table name (1-32 of A-Z a-z 0-9 _ -) is the provider's name.
[providers.openai]
base_url = "https://api.openai.com/v1"  # required: the OpenAI-compatible endpoint
api_key_env = "OPENAI_API_KEY"     # preferred: the NAME of the environment variable with the key
# api_key = "sk-..."               # a literal key: allowed, discouraged (the file is kept 0600)
headers = { "X-Extra" = "1" }      # extra HTTP headers (default: none)
max_concurrency = 4                # concurrent requests (1..1000); the rest queue fairly
default_model = "gpt-4o-mini"      # the model when a session names only this provider
models = ["gpt-4o", "gpt-4o-mini"] # static model list, for servers without /models
models_url = "https://api.openai.com/v1/models"  # override of the model-list endpoint
"""

_TOML_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)")


@dataclass(frozen=True, slots=True)
class ProviderConfig:
    """One OpenAI-compatible server; each field is described in `CONFIG_REFERENCE`."""

    name: str
    base_url: str
    api_key_env: str | None = None
    api_key: str | None = field(default=None, repr=False)
    headers: Mapping[str, str] = field(default_factory=dict)
    max_concurrency: int = 4
    default_model: str | None = None
    models: tuple[str, ...] = ()
    models_url: str | None = None

    def __post_init__(self) -> None:
        # Normalised here, not only when loading, so hand-built configs compare equal.
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))
        object.__setattr__(self, "headers", FrozenHeaders(self.headers))
        object.__setattr__(self, "models", tuple(self.models))

    def resolve_api_key(self, environ: Mapping[str, str] | None = None) -> str | None:
        """`api_key`, else the variable named by `api_key_env` (in `environ` or os.environ).

        None when the provider has neither: Ollama needs no key.

        Raises:
            ConfigError: `api_key_env` names a variable that is unset or empty.
        """
        if self.api_key:
            return self.api_key
        if self.api_key_env is None:
            return None
        value = (os.environ if environ is None else environ).get(self.api_key_env, "").strip()
        if not value:
            name, key = self.api_key_env, f"providers.{self.name}.api_key_env"
            problem = f"environment variable {name} is not set; export it or change api_key_env"
            raise ConfigError(paths.config_file(), problem, key=key)
        return value


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Network timeouts in seconds (see `CONFIG_REFERENCE`)."""

    connect: float = 10.0
    idle: float = 60.0


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How failed requests are retried before the first token (see `CONFIG_REFERENCE`)."""

    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 20.0
    max_retry_after: float = 60.0


@dataclass(frozen=True, slots=True)
class UiConfig:
    """Appearance settings (see `CONFIG_REFERENCE`)."""

    theme: str = "textual-dark"


_SECTIONS = ("timeouts", "retry", "ui")


@dataclass(frozen=True, slots=True)
class Config:
    """Everything in `config.toml`; `source` is the file read (not compared)."""

    providers: tuple[ProviderConfig, ...] = ()
    default_provider: str | None = None
    default_model: str | None = None
    data_dir: Path | None = None
    flush_interval: float = 0.5
    timeouts: Timeouts = Timeouts()
    retry: RetryPolicy = RetryPolicy()
    ui: UiConfig = UiConfig()
    source: Path | None = field(default=None, compare=False)


def config_from_dict(
    data: Mapping[str, Any], *, source: Path | str = "<config>", text: str | None = None
) -> Config:
    """Validate a parsed TOML document and build a `Config`.

    Raises:
        ConfigError: The first problem; it names `source`, and the key's line if
            `text` (the file's text) is given.
    """
    checked = check_config(data, source=source, text=text)
    providers = tuple(
        ProviderConfig(name=name, **values) for name, values in checked.pop("providers", {}).items()
    )
    defaults = Config()
    sections = {key: replace(getattr(defaults, key), **checked.pop(key, {})) for key in _SECTIONS}
    return Config(providers=providers, **sections, **checked)


def config_to_dict(config: Config) -> dict[str, Any]:
    """The TOML-able document for `config`: only values that differ from the defaults."""
    document = _changed_fields(config, Config(), skip=("providers", "source"))
    if config.providers:
        # An empty base_url never equals a real one, so base_url is always written.
        blank = ProviderConfig(name="", base_url="")
        document["providers"] = {
            p.name: _changed_fields(p, blank, ("name",)) for p in config.providers
        }
    return document


def _changed_fields(obj: Any, baseline: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    changed: dict[str, Any] = {}
    for spec in fields(obj):
        value, default = getattr(obj, spec.name), getattr(baseline, spec.name)
        if spec.name in skip or value is None or value == default:
            continue  # TOML has no null: an absent key means None
        changed[spec.name] = (
            _changed_fields(value, default) if is_dataclass(value) else _tomlable(value)
        )
    return changed


def _tomlable(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    return dict(value) if isinstance(value, Mapping) else value


def load_config(path: Path | None = None) -> Config:
    """Read and validate `path` (default `paths.config_file()`); never writes it.

    An absent file gives the defaults.

    Raises:
        ConfigError: The file cannot be read, is not UTF-8 TOML, or breaks the schema.
    """
    target = paths.config_file() if path is None else Path(path)
    raw = _read_bytes(target)
    if raw is None:
        return Config()
    text = _decode(raw, target)
    config = config_from_dict(_parse_toml(text, target), source=target, text=text)
    return replace(config, source=target)


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        if path.is_symlink():
            problem = "is a symbolic link to a missing file; fix or remove it"
            raise ConfigError(path, problem) from None
        return None
    except OSError as error:
        problem = f"cannot read it: {error.strerror or error}; make it a file you can read"
        raise ConfigError(path, problem) from None


def _decode(raw: bytes, path: Path) -> str:
    raw = raw.removeprefix(codecs.BOM_UTF8)  # editors on Windows may add one
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        problem = f"byte 0x{raw[error.start]:02x} is not valid UTF-8; save the file as UTF-8"
        raise ConfigError(path, problem, line=line) from None


def _parse_toml(text: str, path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _syntax_error(str(error), text, path) from None
    except (RecursionError, ValueError) as error:
        # tomllib lets these escape for absurdly nested arrays or huge integers.
        raise ConfigError(path, f"cannot parse the file: {error}") from None


def _syntax_error(message: str, text: str, path: Path) -> ConfigError:
    match = _TOML_POSITION.search(message)
    if match is None:
        return ConfigError(path, f"invalid TOML: {message}; fix the syntax (see https://toml.io)")
    reason = message[: match.start()].rstrip(".")
    line = int(match[1]) if match[1] else text.count("\n") + 1
    where = f"column {match[2]}" if match[2] else "end of file"
    problem = f"invalid TOML ({where}): {reason[:1].lower()}{reason[1:]}; fix the syntax there"
    return ConfigError(path, problem, line=line)


def save_config(config: Config, path: Path | None = None) -> Path:
    """Write `config` to `path` (default `paths.config_file()`) atomically; return it.

    The text goes to a new 0600 temp file in the same directory (never wider
    than an existing file's mode), is fsynced, then renamed over the file.
    Values equal to the defaults are left out; a symlinked file stays a symlink.

    Raises:
        ConfigError: The file or its directory cannot be written.
    """
    target = paths.config_file() if path is None else Path(path)
    final = Path(os.path.realpath(target))
    payload = tomli_w.dumps(config_to_dict(config)).encode("utf-8")
    try:
        final.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        _write_atomically(final, payload)
    except OSError as error:
        problem = f"cannot write the config file: {error.strerror or error}"
        raise ConfigError(target, problem) from None
    return target


def _write_atomically(path: Path, payload: bytes) -> None:
    temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    # The mode is set at creation so the text is never readable by others.
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _private_mode(path))
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _private_mode(path: Path) -> int:
    """0600, narrowed further by an existing file's mode (never widened)."""
    try:
        return stat.S_IMODE(path.stat().st_mode) & 0o600
    except OSError:
        return 0o600
