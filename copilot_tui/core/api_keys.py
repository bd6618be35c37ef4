"""Before any work starts: can every configured provider's API key be found?"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .config import Config
from .config_schema import find_key_line
from .errors import ConfigError


def check_api_keys(config: Config, environ: Mapping[str, str]) -> None:
    """Raise for the first provider of the config file whose `api_key_env` is unset.

    The command line and the app call this on start, so a missing variable stops them
    with one line naming the file, the line and the key, instead of failing each turn.

    Raises:
        ConfigError: a provider's `api_key_env` names an unset or empty variable.
    """
    for provider in config.providers:
        try:
            provider.resolve_api_key(environ)
        except ConfigError as error:
            if config.source is None:
                raise
            path = ("providers", provider.name, "api_key_env")
            line = _line_of(config.source, path)
            raise ConfigError(config.source, error.problem, line=line, key=error.key) from None


def _line_of(source: Path, path: tuple[str, ...]) -> int | None:
    try:
        text = source.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeError):  # changed since it was loaded: the key still names it
        return None
    return find_key_line(text, path)
