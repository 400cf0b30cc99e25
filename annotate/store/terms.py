"""Words and search terms of a text, the way the full-text index sees them.

`stem()` runs words through an in-memory SQLite FTS5 table with the same tokenizer as
the stored index (porter + unicode61, diacritics removed), so a term we look up in the
index's vocabulary is exactly the term the index holds. Stems are cached: a corpus has
far fewer distinct words than claims.
"""

import re
import sqlite3
import threading

TOKENIZE = "porter unicode61 remove_diacritics 2"  # same as alembic 0002
WORD = re.compile(r"[^\W_]+")  # letters and digits: one FTS5 unicode61 token each

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he
    her here hers herself him himself his how i if in into is it its itself just me more most my myself nor of off
    on once only or other our ours ourselves out over own same she should so some such than that the their theirs
    them themselves then there these they this those through to too under until up very was we were what when where
    which while who whom why with would you your yours yourself s t d ll m re ve
    said says say saying stated states told tells according reported reports report claimed claims added noted
    announced wrote write writes per cent percent mr ms one two three""".split()
)

_lock = threading.Lock()
_conn: sqlite3.Connection | None = None


def words(text: str) -> list[str]:
    """Lower-cased words in order (letters and digits; punctuation and FTS syntax dropped)."""
    return [w.lower() for w in WORD.findall(text or "")]


def is_content(word: str) -> bool:
    """A word that carries meaning: no stopword, no single letter."""
    return word not in STOPWORDS and (len(word) > 1 or word.isdigit())


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if is_content(w)]


def content_terms(text: str) -> set[str]:
    """Stemmed content words: what two texts share when they say the same thing."""
    return set(stems(content_words(text)))


def stem(word: str) -> str:
    return stems([word])[0]


_cache: dict[str, str] = {}
CACHE_SIZE = 200_000


def stems(batch: list[str]) -> list[str]:
    """The index's term for each word; words not seen before are stemmed together in one go."""
    known = {w: _cache.get(w) for w in batch}
    missing = [w for w, found in known.items() if found is None]
    if missing:
        known.update(zip(missing, _stem_many(missing)))
        if len(_cache) > CACHE_SIZE:
            _cache.clear()
        _cache.update((w, known[w]) for w in missing)
    return [known[w] for w in batch]  # from this call's own dict: safe if another thread clears the cache


def _stem_many(batch: list[str]) -> list[str]:
    global _conn
    with _lock:
        if _conn is None:
            _conn = sqlite3.connect(":memory:", check_same_thread=False)
            _conn.execute(f"CREATE VIRTUAL TABLE s USING fts5(w, tokenize='{TOKENIZE}')")
            _conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(s, 'instance')")
        _conn.executemany("INSERT INTO s(rowid, w) VALUES (?, ?)", enumerate(batch))
        found = dict(_conn.execute("SELECT doc, term FROM v WHERE offset = 0"))
        _conn.execute("DELETE FROM s")
    return [found.get(i, w.lower()) for i, w in enumerate(batch)]
