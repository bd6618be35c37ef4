"""A session store full of made-up but realistic conversations, for targets 6a and 6b.

Words follow a Zipf distribution (English function words first, then a long tail of
made-up words), so the full-text index has the shape of real chat text: a few words in
almost every message, most words in few. Two words are planted at known rates so the
searches have known answers: `RARE_WORD` in 1 message of 2,000 and `MEDIUM_WORD` in 1
of 20. Everything is seeded: the same arguments build the same store.

Rows go in through the store's own schema and triggers (the FTS index is kept by them),
one transaction per session, as a store filled over months is: one big transaction
would give a better-merged index than real use does.
"""

from __future__ import annotations

import itertools
import random
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from copilot_tui.core.events import AssistantMessageEvent, SessionEvent, UserMessageEvent
from copilot_tui.core.store import SessionStore
from copilot_tui.core.store_schema import event_row

COMMON_WORD = "the"
MEDIUM_WORD = "database"
RARE_WORD = "pelican"
_RARE_EVERY, _MEDIUM_EVERY = 2_000, 20
_ENGLISH_TEXT = """the of and to a in is you that it he was for on are as with his they i at be
this have from or one had by word but not what all were we when your can said there use an
each which she do how their if will up other about out many then them these so some her
would make like him into time has look two more write go see number no way could people my
than first water been call who oil its now find long down day did get come made may part
code model reply session answer question test file error line value list server data run
"""
_ENGLISH = _ENGLISH_TEXT.split()
_SYLLABLE_TEXT = "ka lo mi ren tor vas pe qui dan sel mor fi nu ba tek wo zan ri gu hal"
_SYLLABLES = _SYLLABLE_TEXT.split()
_TAIL_WORDS = 20_000
_SENTENCE_WORDS = 12
_START = datetime(2024, 1, 1, tzinfo=UTC)
_INSERT_SESSION = """INSERT INTO sessions (session_id, title, model, created, modified,
message_count) VALUES (?, ?, ?, ?, ?, ?)"""
_INSERT_EVENT = """INSERT INTO events (session_id, event_id, type, timestamp, status, text,
data) VALUES (?, ?, ?, ?, ?, ?, ?)"""


@dataclass(frozen=True)
class StoreFacts:
    """What was built: where, how much, and how often each planted word occurs."""

    path: Path
    sessions: int
    messages: int
    rare_matches: int
    medium_matches: int


def build_store(path: Path, *, sessions: int, messages: int, seed: int = 5) -> StoreFacts:
    """Create the store file at `path` with `sessions` sessions and `messages` messages."""
    SessionStore(path).close()  # the schema, exactly as the app creates it
    rng = random.Random(seed)
    texts = list(_message_texts(rng, messages))
    rare = _plant(rng, texts, RARE_WORD, len(texts) // _RARE_EVERY)
    medium = _plant(rng, texts, MEDIUM_WORD, len(texts) // _MEDIUM_EVERY)
    sizes = _session_sizes(rng, sessions, messages)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        offset = 0
        for number, size in enumerate(sizes):
            _insert_session(connection, number, texts[offset : offset + size])
            offset += size
    finally:
        connection.close()
    return StoreFacts(path, sessions, messages, rare, medium)


def _vocabulary() -> list[str]:
    made_up = ["".join(parts) for parts in itertools.product(_SYLLABLES, repeat=4)]
    # Drawn at random, so the tail does not all start with the same syllables.
    return [*_ENGLISH, *random.Random(1).sample(made_up, _TAIL_WORDS)]


def _message_texts(rng: random.Random, count: int) -> Iterator[str]:
    """Prompts of ~5-25 words alternating with replies of ~20-200 words."""
    words = _vocabulary()
    weights = list(itertools.accumulate(1 / rank**1.07 for rank in range(1, len(words) + 1)))
    lengths = [rng.randint(5, 25) if n % 2 == 0 else rng.randint(20, 200) for n in range(count)]
    drawn = rng.choices(words, cum_weights=weights, k=sum(lengths))
    start = 0
    for length in lengths:
        yield _sentences(drawn[start : start + length])
        start += length


def _sentences(words: Sequence[str]) -> str:
    step = _SENTENCE_WORDS
    return " ".join(
        " ".join(words[i : i + step]).capitalize() + "." for i in range(0, len(words), step)
    )


def _plant(rng: random.Random, texts: list[str], word: str, count: int) -> int:
    """Put `word` into `count` distinct texts; return `count`."""
    for index in rng.sample(range(len(texts)), count):
        text = texts[index]
        cut = text.find(" ", len(text) // 2)
        texts[index] = f"{text} {word}" if cut < 0 else f"{text[:cut]} {word}{text[cut:]}"
    return count


def _session_sizes(rng: random.Random, sessions: int, messages: int) -> list[int]:
    """Messages per session: prompt-reply pairs spread at random, summing to `messages`."""
    sizes = [0] * sessions
    for _ in range(messages // 2):
        sizes[rng.randrange(sessions)] += 2
    sizes[rng.randrange(sessions)] += messages % 2
    return sizes


def _insert_session(connection: sqlite3.Connection, number: int, texts: list[str]) -> None:
    session_id = f"bench-{number:06d}"
    created = _START + timedelta(minutes=47 * number)
    events = list(_events(session_id, created, texts))
    modified = events[-1].timestamp if events else created
    title = texts[0][:40] if texts else "Empty"
    row = (session_id, title, "bench-model", created.timestamp(), modified.timestamp(), len(texts))
    connection.execute("BEGIN IMMEDIATE")
    connection.execute(_INSERT_SESSION, row)
    connection.executemany(_INSERT_EVENT, [event_row(event) for event in events])
    connection.execute("COMMIT")


def _events(session_id: str, created: datetime, texts: list[str]) -> Iterator[SessionEvent]:
    prompt_id = ""
    for number, text in enumerate(texts):
        at = created + timedelta(seconds=30 * (number + 1))
        event_id = f"{session_id}-{number:04d}"
        if number % 2 == 0:
            prompt_id = event_id
            yield UserMessageEvent(session_id=session_id, id=event_id, timestamp=at, content=text)
        else:
            yield AssistantMessageEvent(
                session_id=session_id,
                id=event_id,
                timestamp=at,
                message_id=event_id,
                reply_to=prompt_id,
                model="bench-model",
                content=text,
            )
