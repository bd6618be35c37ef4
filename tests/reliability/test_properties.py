"""Properties of the parsers that take open-ended input: the SSE parser, the config
loader and the session id validator. Hypothesis looks for the input that breaks them."""

from __future__ import annotations

import itertools
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copilot_tui.core.config import (
    Config,
    ProviderConfig,
    RetryPolicy,
    Timeouts,
    UiConfig,
    config_from_dict,
    load_config,
    save_config,
)
from copilot_tui.core.errors import InvalidSessionIdError
from copilot_tui.core.ids import validate_session_id
from copilot_tui.core.sse import SSEEvent, SSEParser
from tests.reliability.test_bad_config import error_of

pytestmark = pytest.mark.bad_input
FAST = settings(max_examples=200, deadline=None)
WITH_TMP = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


# -- the SSE parser: serialize random events, chunk randomly, parse back --------------

LINE_TEXT = st.text(st.characters(blacklist_characters="\r\n"), max_size=20)


@dataclass
class Block:
    data_lines: list[str]
    event: str | None
    id: str | None
    retry: int | None
    comment: str | None


blocks = st.builds(
    Block,
    data_lines=st.lists(LINE_TEXT, min_size=1, max_size=4),
    event=st.none() | LINE_TEXT.filter(bool),
    id=st.none() | LINE_TEXT.filter(lambda text: "\0" not in text),
    retry=st.none() | st.integers(min_value=0, max_value=10**12),
    comment=st.none() | LINE_TEXT,
)


def serialize_lines(block: Block) -> list[str]:
    lines = [f"data: {line}" for line in block.data_lines]
    if block.event is not None:
        lines.insert(0, f"event: {block.event}")
    if block.id is not None:
        lines.append(f"id: {block.id}")
    if block.retry is not None:
        lines.append(f"retry: {block.retry}")
    if block.comment is not None:
        lines.insert(len(lines) // 2, f":{block.comment}")
    return [*lines, ""]


def expected_events(blocks: list[Block]) -> list[SSEEvent]:
    events, last_id = [], None
    for block in blocks:
        if block.id is not None:
            last_id = block.id or None
        data = "\n".join(block.data_lines)
        events.append(SSEEvent(data, block.event or "message", last_id, block.retry))
    return events


def chunked(draw: st.DrawFn, text: str) -> list[str]:
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=8)))
    bounds = [0, *cuts, len(text)]
    return [text[start:end] for start, end in itertools.pairwise(bounds)]


@st.composite
def streams(draw: st.DrawFn) -> tuple[list[Block], list[str]]:
    drawn = draw(st.lists(blocks, max_size=6))
    text = "\ufeff" if draw(st.booleans()) else ""
    previous_ending = ""
    for line in (line for block in drawn for line in serialize_lines(block)):
        ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
        if previous_ending == "\r" and not line and ending == "\n":
            ending = "\r\n"  # "\r" then "\n" would read as one CRLF, not two endings
        text += line + ending
        previous_ending = ending
    return drawn, chunked(draw, text)


@FAST
@given(streams())
def test_random_events_round_trip_through_any_chunking(
    stream: tuple[list[Block], list[str]],
) -> None:
    drawn, chunks = stream
    parser = SSEParser()
    events = [event for chunk in chunks for event in parser.feed(chunk)]
    assert events == expected_events(drawn)
    assert not parser.pending


def parse_all(chunks: list[str], flush: bool) -> list[SSEEvent]:
    """Every event of a stream fed in `chunks`; `feed_data` gives the same data."""
    parser, data_parser = SSEParser(), SSEParser()
    events = [event for chunk in chunks for event in parser.feed(chunk)]
    datas = [data for chunk in chunks for data in data_parser.feed_data(chunk)]
    assert datas == [event.data for event in events]
    return events + parser.close(flush_incomplete=flush)


# Any text at all, rich in the characters that matter to the parser.
NOISE = st.lists(
    st.sampled_from([*"\r\n:\ufeff\x00 x", "data", "id", "event", "retry"]), max_size=40
).map("".join)


@st.composite
def noisy_streams(draw: st.DrawFn) -> tuple[str, list[str]]:
    text = draw(NOISE | st.text(max_size=60))
    return text, chunked(draw, text)


@FAST
@given(noisy_streams(), st.booleans())
def test_any_text_gives_the_same_events_however_it_is_chunked(
    stream: tuple[str, list[str]], flush: bool
) -> None:
    text, chunks = stream
    whole = parse_all([text], flush)
    assert parse_all(chunks, flush) == whole
    assert all(isinstance(event, SSEEvent) for event in whole)


# -- the config loader ---------------------------------------------------------------

DATACLASSES = (Config, Timeouts, RetryPolicy, UiConfig, ProviderConfig)
KNOWN_KEYS = [*(spec.name for cls in DATACLASSES for spec in fields(cls)), "openai", "X-Extra"]
KEYS = st.sampled_from(KNOWN_KEYS) | st.text(max_size=8)
SCALARS = st.booleans() | st.integers() | st.floats() | st.text(max_size=12) | st.dates()
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=12,
)


@FAST
@given(st.dictionaries(KEYS, VALUES, max_size=6))
def test_any_toml_dict_gives_a_config_or_an_error_with_a_line(data: dict[str, object]) -> None:
    error_of(lambda: config_from_dict(data))
    text = tomli_w.dumps(data)
    error = error_of(lambda: config_from_dict(tomllib.loads(text), text=text))
    if error is not None:  # a schema problem: its key's line is always found
        assert error.key is not None
        assert error.line is not None, (text, str(error))
        assert str(error).isprintable(), str(error)  # one line, no raw control character


@WITH_TMP
@given(st.text(max_size=120) | st.binary(max_size=60))
def test_any_file_gives_a_config_or_a_config_error(tmp_path: Path, content: str | bytes) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    error = error_of(lambda: load_config(path))
    assert error is None or error.line is None or error.line >= 1
    assert error is None or str(error).startswith(f"{path}:")


NAMES = st.from_regex(r"[A-Za-z0-9_-]{1,32}", fullmatch=True)
TEXTS = st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=20).filter(
    str.strip
)
providers = st.builds(
    ProviderConfig,
    name=NAMES,
    base_url=st.sampled_from(["http://127.0.0.1:8000/v1", "https://api.example.com/v1"]),
    api_key_env=st.none() | st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,20}", fullmatch=True),
    api_key=st.none() | TEXTS,
    headers=st.dictionaries(NAMES, TEXTS.filter(lambda t: "\n" not in t and "\r" not in t)),
    max_concurrency=st.integers(1, 1000),
    default_model=st.none() | TEXTS,
    models=st.lists(TEXTS, max_size=3).map(tuple),
)
configs = st.builds(
    Config,
    providers=st.lists(providers, max_size=3, unique_by=lambda p: p.name).map(tuple),
    default_model=st.none() | TEXTS,
    flush_interval=st.floats(0.05, 10.0),
    timeouts=st.builds(Timeouts, st.floats(0.001, 1e4), st.floats(0.001, 1e4)),
    retry=st.builds(RetryPolicy, st.integers(1, 100), st.floats(0, 1e3), st.floats(0, 1e3)),
    ui=st.builds(UiConfig, TEXTS),
)


@WITH_TMP
@given(configs)
def test_any_valid_config_saved_loads_back_equal(tmp_path: Path, config: Config) -> None:
    path = save_config(config, tmp_path / "config.toml")
    assert load_config(path) == config


# -- the session id validator --------------------------------------------------------

ALLOWED = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:@")
CANDIDATES = st.text(max_size=80) | st.text(st.sampled_from(sorted(ALLOWED)), max_size=70)


@FAST
@given(CANDIDATES)
def test_id_validator_accepts_exactly_the_rule(candidate: str) -> None:
    valid = 0 < len(candidate) <= 64 and set(candidate) <= ALLOWED and set(candidate) != {"."}
    if valid:
        assert validate_session_id(candidate) == candidate
    else:
        with pytest.raises(InvalidSessionIdError) as caught:
            validate_session_id(candidate)
        message = str(caught.value)
        assert message.startswith("session id ")
        assert message.isascii(), message  # look-alikes are shown as escapes
        assert message.isprintable(), message  # one line, no control character
