"""Full-text search of stored messages (the FTS5 index kept by the store's triggers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from copilot_tui.core import store_schema as schema

# Search snippets mark the matched words with these, e.g. "… the «quick» fox …".
SNIPPET_OPEN = "«"
SNIPPET_CLOSE = "»"

# Ranks only the newest _RANKED_MATCHES matches: bm25 costs ~2 µs a row, so a word
# found in most of 100k messages would otherwise take ~200 ms. ORDER BY rank lets
# FTS5 sort by itself, so snippet() only runs for the rows returned.
_RANKED_MATCHES = 10_000
_SEARCH = f"""
SELECT e.session_id, e.event_id, s.title, e.timestamp,
       snippet(events_fts, 0, '{SNIPPET_OPEN}', '{SNIPPET_CLOSE}', '…', 16)
FROM events_fts
JOIN events AS e ON e.seq = events_fts.rowid
JOIN sessions AS s ON s.session_id = e.session_id
WHERE events_fts MATCH :match AND rank MATCH 'bm25(1.0, 0.0)'
  AND events_fts.rowid >= coalesce((SELECT rowid FROM events_fts WHERE events_fts MATCH :match
                                    ORDER BY rowid DESC LIMIT 1 OFFSET {_RANKED_MATCHES}), 0)
  AND (:session_id IS NULL OR e.session_id = :session_id)
ORDER BY rank LIMIT :limit
"""


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One message matching a search; `snippet` marks the matches with « and »."""

    session_id: str
    event_id: str
    title: str
    snippet: str
    timestamp: datetime


def search_messages(
    db: schema.Database, query: str, *, limit: int, session_id: str | None
) -> list[SearchHit]:
    """Full-text search of message text in `db`, best match first.

    See `SessionStore.search` for how `query` is read.
    """
    match = fts_query(query, session_id)
    if match is None or limit <= 0:
        return []
    parameters = {"match": match, "session_id": session_id, "limit": limit}
    rows = db.read(_SEARCH, parameters)
    return [
        SearchHit(sid, eid, title, snip, datetime.fromtimestamp(at, UTC))
        for sid, eid, title, at, snip in rows
    ]


def _phrase(text: str) -> str | None:
    """`text` as one quoted FTS5 phrase; None if the tokenizer would find no token in it."""
    text = schema.storable_text(text).replace("\x00", " ")
    if not any(c.isalnum() for c in text):
        return None  # an empty phrase would make the whole query match nothing
    return '"' + text.replace('"', '""') + '"'


def fts_query(raw: str, session_id: str | None = None) -> str | None:
    """A safe FTS5 query for a user's search text; None if it has no searchable word.

    Every word is a quoted phrase that must occur in the message text; the last
    word also matches as a prefix once it has two characters (prefix index sizes).
    """
    phrases = [p for p in map(_phrase, raw.replace("\x00", " ").split()) if p]
    if not phrases:
        return None
    if len(phrases[-1]) > 3:  # two characters plus the quotes
        phrases[-1] += "*"
    query = f"text : ({' '.join(phrases)})"
    session = _phrase(session_id) if session_id else None
    return f"{query} AND session_id : {session}" if session else query
