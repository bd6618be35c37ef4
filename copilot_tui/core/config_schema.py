"""What `config.toml` may contain: `SCHEMA` maps each key to a validator.

A validator returns the normalised value or raises `SchemaProblem`; `check_config`
turns the first one into a `ConfigError` naming the file, the key and its line.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import ConfigError

Validator = Callable[[Any], Any]

_PROVIDER_NAME = re.compile(r"[A-Za-z0-9_-]{1,32}")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
SECRET_HEADER = re.compile(r"auth|key|token|secret|cookie|password", re.IGNORECASE)
_DAY = 86400.0  # seconds; a finite cap keeps every accepted number convertible to float
_NO_BASE_URL = "missing required key 'base_url'; add e.g. base_url = \"http://localhost:8000/v1\""
_KINDS = {"bool": "boolean", "int": "integer", "str": "string", "list": "array", "dict": "table"}


class SchemaProblem(Exception):  # noqa: N818 - a signal caught here, never raised to callers
    """A value broke a rule; `path` is the key path relative to the validator."""

    def __init__(self, problem: str, path: tuple[str, ...] = ()) -> None:
        super().__init__(problem, path)
        self.problem, self.path = problem, path


class FrozenHeaders(Mapping[str, str]):
    """Read-only, hashable HTTP headers whose repr masks credential values."""

    def __init__(self, items: Mapping[str, str]) -> None:
        self._items = dict(items)

    def __getitem__(self, name: str) -> str:
        return self._items[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(frozenset(self._items.items()))

    def __repr__(self) -> str:
        return repr({k: "***" if SECRET_HEADER.search(k) else v for k, v in self._items.items()})


def describe(value: object, *, secret: bool = False) -> str:
    """How a wrong value is shown: `string 'ten'`, `boolean true`, `array`."""
    kind = _KINDS.get(type(value).__name__, type(value).__name__)
    if secret or kind in ("array", "table"):
        return kind
    shown = repr(value) if isinstance(value, str) else str(value).lower()
    return f"{kind} {shown[:60] + '…' if len(shown) > 60 else shown}"


def _nested(path: tuple[str, ...], check: Callable[..., Any], *args: Any) -> Any:
    try:
        return check(*args)
    except SchemaProblem as problem:
        raise SchemaProblem(problem.problem, (*path, *problem.path)) from None


def number(low: float, high: float = _DAY, above: bool = False, whole: bool = False) -> Validator:
    """A float (or int when `whole`) in [low, high], or (low, high] when `above`."""
    expected, kinds = ("a whole number", int) if whole else ("a number", int | float)
    bound = f"greater than {low:g}" if above else f"at least {low:g}"

    def check(value: Any) -> float | int:
        if isinstance(value, bool) or not isinstance(value, kinds):
            raise SchemaProblem(f"expected {expected}, got {describe(value)}")
        if (value <= low if above else value < low) or not value <= high:  # rejects nan too
            raise SchemaProblem(f"must be {bound} and at most {high:g}, got {describe(value)}")
        return value if whole else float(value)

    return check


def string(value: Any) -> str:
    """A non-empty string (a wrong value is not echoed: it may be an api_key)."""
    if not isinstance(value, str):
        raise SchemaProblem(f"expected a string in quotes, got {describe(value, secret=True)}")
    if not value.strip():
        raise SchemaProblem("must not be empty; remove the line to use the default")
    return value


def matching(pattern: re.Pattern[str], problem: str) -> Validator:
    """A string that fully matches `pattern`; not echoed, since it may be a key."""

    def check(value: Any) -> str:
        if not isinstance(value, str) or not pattern.fullmatch(value):
            raise SchemaProblem(problem)
        return value

    return check


provider_name = matching(_PROVIDER_NAME, "rename it: a provider name is 1 to 32 of A-Z a-z 0-9 _ -")
_NOT_A_NAME = "must be the NAME of a variable like OPENAI_API_KEY, not the key (that is api_key)"
env_name = matching(_ENV_NAME, _NOT_A_NAME)


def url(value: Any) -> str:
    """An http(s) URL with a host, without its trailing slash."""
    address = string(value).strip()
    try:
        parts = urlsplit(address)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SchemaProblem(f"must start with http:// or https:// and name a host, got {address!r}")
    return address.rstrip("/")


def absolute_path(value: Any) -> Path:
    """A path, `~` expanded, that must then be absolute."""
    path = Path(os.path.expanduser(string(value)))  # unlike Path's, never raises
    if not path.is_absolute():
        raise SchemaProblem(f"must be an absolute path or start with ~, got {value!r}")
    return path


def string_list(value: Any) -> tuple[str, ...]:
    """An array of non-empty strings."""
    if not isinstance(value, list):
        raise SchemaProblem(f'expected an array of strings like ["a", "b"], got {describe(value)}')
    for index, item in enumerate(value, start=1):
        if not isinstance(item, str) or not item.strip():
            raise SchemaProblem(f"item {index} must be a non-empty string, got {describe(item)}")
    return tuple(value)


def headers(value: Any) -> FrozenHeaders:
    """A table of header name to one-line string value."""
    entries = _as_table(value, 'a table like { "X-Name" = "value" }')
    for name, item in entries.items():
        if "\n" in _nested((str(name),), string, item) or "\r" in item:
            raise SchemaProblem("a header value must be one line", (str(name),))
    return FrozenHeaders(entries)


def _as_table(value: Any, expected: str = "a table") -> Mapping[Any, Any]:
    if not isinstance(value, Mapping):
        raise SchemaProblem(f"expected {expected}, got {describe(value)}")
    return value


def _unknown_key(key: str, known: Sequence[str], where: str) -> SchemaProblem:
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"did you mean '{close[0]}'?" if close else f"the keys {where} are: {', '.join(known)}"
    return SchemaProblem(f"unknown key '{format_key([key])}'; {hint}", (key,))


def table(specs: Mapping[str, Validator], where: str) -> Validator:
    """A table whose keys are among `specs`; `where` names it in messages."""

    def check(value: Any) -> dict[str, Any]:
        checked: dict[str, Any] = {}
        for key, item in _as_table(value).items():
            if key not in specs:
                raise _unknown_key(str(key), list(specs), where)
            checked[key] = _nested((key,), specs[key], item)
        return checked

    return check


def _providers(value: Any) -> dict[str, Any]:
    checked: dict[str, Any] = {}
    for name, item in _as_table(value).items():
        _nested((str(name),), provider_name, name)
        checked[name] = _nested((name,), PROVIDER, item)
        if "base_url" not in checked[name]:
            raise SchemaProblem(_NO_BASE_URL, (name,))
    return checked


PROVIDER = table(
    {
        "base_url": url,
        "api_key_env": env_name,
        "api_key": string,
        "headers": headers,
        "max_concurrency": number(1, 1000, whole=True),
        "default_model": string,
        "models": string_list,
        "models_url": url,
    },
    "in a provider table",
)
SCHEMA = table(
    {
        "default_model": string,
        "default_provider": provider_name,
        "data_dir": absolute_path,
        "flush_interval": number(0.05, 10.0),
        "timeouts": table(
            {"connect": number(0.0, above=True), "idle": number(0.0, above=True)}, "in [timeouts]"
        ),
        "retry": table(
            {
                "max_attempts": number(1, 100, whole=True),
                "base_delay": number(0.0),
                "max_delay": number(0.0),
                "max_retry_after": number(0.0),
            },
            "in [retry]",
        ),
        "ui": table({"theme": string}, "in [ui]"),
        "providers": _providers,
    },
    "at the top level",
)


def _check_document(data: Any) -> dict[str, Any]:
    checked: dict[str, Any] = SCHEMA(data)
    providers, default = checked.get("providers"), checked.get("default_provider")
    # Without [providers] the client finds one in the environment: only check a non-empty one.
    if providers and default is not None and default not in providers:
        problem = f"provider '{default}' is not defined; use one of: {', '.join(providers)}"
        raise SchemaProblem(problem, ("default_provider",))
    return checked


def check_config(data: Any, *, source: Path | str, text: str | None = None) -> dict[str, Any]:
    """Validate a parsed document; return it with every value normalised.

    Raises:
        ConfigError: The first problem, with the key's line when `text` is given.
    """
    try:
        return _check_document(data)
    except SchemaProblem as problem:
        line = find_key_line(text, problem.path) if text and problem.path else None
        key = format_key(problem.path) or None
        raise ConfigError(source, problem.problem, line=line, key=key) from None


_KEY_PART = re.compile(r"""\s*(?:([A-Za-z0-9_-]+)|"((?:[^"\\]|\\.)*)"|'([^']*)')\s*""")


def format_key(path: Sequence[str]) -> str:
    """`providers.openai.base_url`; parts that are not bare keys are quoted."""
    return ".".join(part if _BARE_KEY.fullmatch(part) else json.dumps(part) for part in path)


def _unquote(match: re.Match[str]) -> str:
    bare, basic, literal = match.groups()
    try:  # TOML's basic-string escapes are, nearly, JSON's
        return str(json.loads(f'"{basic}"', strict=False)) if basic is not None else bare or literal
    except ValueError:
        return basic


def _line_path(line: str, current_table: list[str]) -> tuple[list[str], bool] | None:
    """The full key path a `key = …` or `[table]` line defines, and if it is a header."""
    stripped = line.strip()
    opener = "[[" if stripped.startswith("[[") else "[" if stripped.startswith("[") else ""
    parts, pos = [], len(opener)
    while match := _KEY_PART.match(stripped, pos):
        parts.append(_unquote(match))
        pos = match.end() + 1
        if not stripped.startswith(".", match.end()):
            break
    ends = stripped.startswith("]" * len(opener) if opener else "=", pos - 1)
    if not parts or not ends:
        return None
    return (parts, True) if opener else ([*current_table, *parts], False)


def find_key_line(text: str, path: Sequence[str]) -> int | None:
    """The 1-based line that first defines `path`, else that of its closest enclosing key."""
    target, current_table = list(path), list[str]()
    best: tuple[int, int] | None = None  # (length of the enclosing path, its line)
    for line_number, line in enumerate(text.split("\n"), start=1):  # TOML's lines end in \n
        if (found := _line_path(line, current_table)) is None:
            continue
        full, is_header = found
        current_table = full if is_header else current_table
        if full[: len(target)] == target:  # `[a.b]` or `a.b = 1` also defines `a`
            return line_number
        if target[: len(full)] == full and (best is None or len(full) > best[0]):
            best = (len(full), line_number)
    return best[1] if best else None
