"""The full-text index of items: FTS5 over character bigrams, kept up to date by triggers.

SQLite's tokenizers do not cut Chinese into words (there are no spaces), and the stock
``trigram`` tokenizer finds nothing for 2-character words such as 路灯. So the index stores
text we cut ourselves: every run of letters and digits becomes its overlapping character
pairs ("3号楼漏水" → "3号 号楼 楼漏 漏水"), and a word of two or more characters is the phrase
of its pairs. A one-character word has no pair; :mod:`ledger.views.search` scans the base table.

How the index stays in step with every write, whatever path makes it (an action, 撤销,
import's bulk insert, merge, a migration): triggers on ``items``, ``events`` and ``areas``
mark the item as changed in ``search_dirty`` (plain SQL, so a write from another tool is
marked too), and :func:`flush` re-indexes the marked items just before the writing
transaction commits (:meth:`ledger.store.ledger_file.Ledger.transaction`). Index and data therefore
commit together or not at all. ``ledger check`` compares the index with the documents
computed afresh; ``ledger check --repair`` rebuilds it.

This module sits below :mod:`ledger.store.ledger_file` (which calls :func:`flush`): it imports nothing
from the ledger package.
"""

from __future__ import annotations

import re
import sqlite3
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from ledger.domain.places import below_community
from ledger.domain.remembered import Remembered

# Between two fields: a token no query can contain (query tokens are exactly two
# characters), so a phrase never matches across the end of one field and the start of next.
FIELD_GAP = "zzz"

SCHEMA = (
    "CREATE VIRTUAL TABLE search USING fts5(title, body, tokenize = 'unicode61')",
    "CREATE TABLE search_dirty (item_id INTEGER PRIMARY KEY)",
    "CREATE TRIGGER search_item_insert AFTER INSERT ON items BEGIN "
    "INSERT OR IGNORE INTO search_dirty(item_id) VALUES (new.id); END",
    "CREATE TRIGGER search_item_update AFTER UPDATE OF "
    "title, reporter, result, reply_text, last_progress, community_id, place_id ON items BEGIN "
    "INSERT OR IGNORE INTO search_dirty(item_id) VALUES (new.id); END",
    "CREATE TRIGGER search_event_insert AFTER INSERT ON events BEGIN "
    "INSERT OR IGNORE INTO search_dirty(item_id) VALUES (new.item_id); END",
    "CREATE TRIGGER search_event_update AFTER UPDATE OF note, withdrawn ON events BEGIN "
    "INSERT OR IGNORE INTO search_dirty(item_id) VALUES (new.item_id); END",
    # A renamed community, compound or building: its items' documents change.
    "CREATE TRIGGER search_area_rename AFTER UPDATE OF name, path ON areas BEGIN "
    "INSERT OR IGNORE INTO search_dirty(item_id) SELECT id FROM items "
    "WHERE community_id = new.id OR place_id = new.id; END",
)


def normalise(text: str) -> str:
    """Full-width to half-width (NFKC) and lower case, as both index and query see text.

    Everyday full-width punctuation (what makes NFKC take its slow path on Chinese text) is
    first replaced by what NFKC makes of it — the same result, since NFKC gives a text and
    its NFKC images alike — and a text then already in NFKC is only lowered: 18× faster on a
    title such as 下水道堵塞（第1件）."""
    for wide, narrow in _WIDE_PUNCTUATION:
        if wide in text:
            text = text.replace(wide, narrow)
    if unicodedata.is_normalized("NFKC", text):
        return text.lower()
    return unicodedata.normalize("NFKC", text).lower()


_WIDE_PUNCTUATION = tuple(
    (wide, unicodedata.normalize("NFKC", wide)) for wide in "（），：；！？　"
)


_RUN = re.compile(r"[^\W_]+")  # letters and digits: what str.isalnum accepts


def runs(text: str) -> list[str]:
    """Runs of letters and digits (punctuation and spaces cut them), normalised."""
    return _RUN.findall(normalise(text))


def bigrams(run: str) -> list[str]:
    """The overlapping character pairs of one run ("路灯坏" → 路灯, 灯坏)."""
    return [run[i : i + 2] for i in range(len(run) - 1)]


RUN_GAP = f" {FIELD_GAP} "  # between two runs' pairs


def field_text(values: Iterable[str | None], cache: Cache | None = None) -> str:
    """The indexed form of some fields: their runs' pairs, runs and fields kept apart.

    Built in a few calls in C: the fields joined by a newline (a boundary for NFKC, for case
    and for the runs alike) are normalised and cut into runs at once; the runs joined by NUL
    (never in a run) give all their pairs at once (:func:`_pair_text`), and a pair across two
    runs, ``" x\\0 \\0y "``, becomes the gap. With a ``cache``, each field's text is
    remembered (a bulk build, where names and results recur): the same text either way.
    """
    if cache is not None:  # each field's part once (a field without pairs adds nothing)
        return RUN_GAP.join([part for part in map(cache.text, filter(None, values)) if part])
    text = normalise("\n".join(filter(None, values)))
    return _ACROSS_RUNS.sub(RUN_GAP, _pair_text("\x00".join(_LONG_RUN.findall(text))))


_LONG_RUN = re.compile(r"[^\W_]{2,}")  # runs of two letters or digits or more
_ACROSS_RUNS = re.compile(" [^\x00]\x00 \x00[^\x00] ")  # a pair from two runs, with its spaces


def _pair_text(text: str) -> str:
    """``" ".join(map(str.__add__, text, text[1:]))``, six times faster: character codes are
    laid out three apart (first, second, space) by strided copies, not one string per pair."""
    if len(text) < 2:
        return ""
    codes = bytearray((" " * (3 * len(text) - 3)).encode(_UTF32))
    laid = memoryview(codes).cast("I")
    laid[0::3] = memoryview(text[:-1].encode(_UTF32, "surrogatepass")).cast("I")
    laid[1::3] = memoryview(text[1:].encode(_UTF32, "surrogatepass")).cast("I")
    return codes.decode(_UTF32, "surrogatepass")[:-1]


_UTF32 = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"  # memoryview's "I" order


def field_texts(values: list[str]) -> list[str]:
    """``[field_text((v,)) for v in values]`` for many non-empty values at once: normalised
    together (joined by newlines, the boundary :func:`field_text` itself relies on); their
    runs found at once and laid out as each value's runs joined by NUL, the values by
    newlines; all the pairs made in one :func:`_pair_text`, the pairs across two runs made
    the gap in one substitution (none crosses a newline), and each value's part then cut
    out by position: a value of n characters with z NULs starts 3 characters per earlier
    character (and newline) in, less 2 per earlier NUL, and is 3n - 4 - 2z long."""
    joined = "\n".join(values)
    normal = normalise(joined)
    lines = len(values) - 1
    if joined.count("\n") != lines or normal.count("\n") != lines:
        return [field_text((value,)) for value in values]  # a value with a line end in it
    laid = "\x00".join(_RUN_OR_LINE.findall(normal))
    laid = laid.replace("\x00\n", "\n").replace("\n\x00", "\n")
    pairs = _ACROSS_RUNS.sub(RUN_GAP, _pair_text(laid))
    found: list[str] = []
    start = nuls = 0
    for text in laid.split("\n"):
        size = len(text)
        if size:
            gaps = text.count("\x00")
            begin = 3 * start - 2 * nuls
            found.append(pairs[begin : begin + 3 * size - 4 - 2 * gaps])
            nuls += gaps
        else:
            found.append("")
        start += size + 1
    return found


_RUN_OR_LINE = re.compile(r"[^\W_]{2,}|\n")  # a value's runs, and the line ends between values


class Cache(Remembered[str | None, str]):
    """A field's value → its indexed form, remembered, for indexing or checking many items
    whose names, places and results recur: the same text as without it. Short values only
    (titles rarely recur), and forgotten every so many, so a million items stay in bounds."""

    LIMIT = 50_000

    def __init__(self) -> None:
        super().__init__(_one_field, self.LIMIT, keeps=_short)

    text = dict.__getitem__


def _one_field(value: str | None) -> str:
    return field_text((value,))


def _short(value: str | None) -> bool:
    return value is None or len(value) <= 40


# One row per item: what its document is made of. Event notes hold the progress notes,
# results, replies and reasons, every one of them (the row keeps only the latest).
_SOURCE = """
SELECT i.id, i.title, i.reporter, i.result, i.reply_text, i.last_progress, c.name, p.path,
       (SELECT group_concat(e.note, char(10)) FROM events e
        WHERE e.item_id = i.id AND e.withdrawn = 0 AND e.note IS NOT NULL
          AND e.action NOT IN ('undo', 'redo')){places}
FROM items i
JOIN areas c ON c.id = i.community_id
LEFT JOIN areas p ON p.id = i.place_id
"""
# With renamed places: the ids whose former names the document also holds (community,
# place, and the compound a building is in).
_PLACE_IDS = ", i.community_id, i.place_id, p.parent_id"


def former_names(conn: sqlite3.Connection) -> dict[int, list[str]]:
    """The names places had before a rename (migration 008's ``registry_events``), by place
    id; empty in a ledger without renames (or older than migration 008, whose index
    migration 007 builds first)."""
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'registry_events'"
    ).fetchone()
    if not has_table:
        return {}
    names: dict[int, list[str]] = {}
    for area_id, name in conn.execute(
        "SELECT entity_id, json_extract(changes, '$.name[0]') FROM registry_events "
        "WHERE entity = 'area' AND action = 'rename' ORDER BY at, id"
    ):
        names.setdefault(area_id, []).append(name)
    return names


def document(
    title: str,
    fields: Iterable[str | None],
    community: str,
    place_path: str | None,
    notes: Iterable[str | None],
    cache: Cache | None = None,
) -> tuple[str, str]:
    """An item's (title text, body text). ``fields``: reporter, result, reply and latest
    progress; ``notes``: its events' notes in time order (withdrawn and 撤销/恢复 left out)."""
    # A place's path is 区县/街道/社区/小区/楼栋: its compound and building are searchable.
    body = field_text([*fields, community, *below_community(place_path), *notes], cache)
    return field_text([title], cache), body


def documents(
    conn: sqlite3.Connection, where: str = "", params: tuple = (), *, bulk: bool = False
) -> Iterator[tuple]:
    """(item id, title text, body text) for the items the condition selects (``bulk``: many
    items, each word cut once).

    An item is also found by the names its places had before a rename (looked up here, in
    Python: a ledger without renames pays nothing for them)."""
    former = former_names(conn)
    sql = _SOURCE.format(places=_PLACE_IDS if former else "")
    cache = Cache() if bulk else None
    for row in conn.execute(sql + where, params):
        item_id, title, reporter, result, reply, progress, community, place_path, notes = row[:9]
        fields = (reporter, result, reply, progress)
        earlier = [name for area_id in row[9:] for name in former.get(area_id, ())]
        yield item_id, *document(title, fields, community, place_path, (notes, *earlier), cache)


def flush(conn: sqlite3.Connection) -> int:
    """Re-index the items marked as changed (call inside the writing transaction)."""
    if conn.execute("SELECT 1 FROM search_dirty LIMIT 1").fetchone() is None:
        return 0
    conn.execute("DELETE FROM search WHERE rowid IN (SELECT item_id FROM search_dirty)")
    rows = list(documents(conn, " WHERE i.id IN (SELECT item_id FROM search_dirty)"))
    conn.executemany("INSERT INTO search(rowid, title, body) VALUES (?, ?, ?)", rows)
    conn.execute("DELETE FROM search_dirty")
    return len(rows)


def rebuild(conn: sqlite3.Connection) -> int:
    """Throw the index away and index every item again (migration 007, ``check --repair``)."""
    conn.execute("DELETE FROM search")
    conn.execute("DELETE FROM search_dirty")
    return _insert(conn, documents(conn, bulk=True))


# The triggers that mark each new item and event; a bulk load goes without them.
_INSERT_TRIGGERS = ("search_item_insert", "search_event_insert")


class BulkIndex:
    """The documents of the items a bulk load writes, indexed together at its end."""

    def __init__(self, renamed: bool = False) -> None:
        self.rows: list[tuple[int, str, str]] = []
        self.later: list[int] = []  # items whose documents are read back from the tables
        self.cache = Cache()
        # Places renamed before: their former names come from the tables (rare; see documents).
        self.renamed = renamed
        self.waiting: list[tuple[int, str, tuple[str | None, ...]]] = []

    CHUNK = 2000

    def add(
        self,
        item_id: int,
        title: str,
        fields: Iterable[str | None],
        community: str,
        place_path: str | None,
        notes: Iterable[str | None],
    ) -> None:
        """An item's document, from what was written (see :func:`document`)."""
        if self.renamed:
            self.later.append(item_id)
            return
        # The title, and the body's values in the order :func:`document` joins them.
        self.waiting.append(
            (item_id, title, (*fields, community, *below_community(place_path), *notes))
        )
        if len(self.waiting) >= self.CHUNK:
            self.finish()

    def finish(self) -> None:
        """The documents of the items waiting: the field values not yet cached worked out
        together (:func:`field_texts`), then each document as :func:`document` makes it
        (each field's part from the cache, the parts joined by the gap)."""
        cache = self.cache
        new: dict[str, None] = {}
        for _, title, body in self.waiting:
            if title and title not in cache:
                new[title] = None
            for value in body:
                if value and value not in cache:
                    new[value] = None
        values = list(new)
        cache.update(zip(values, field_texts(values), strict=True))
        text, join, rows = cache.text, RUN_GAP.join, self.rows
        for item_id, title, body in self.waiting:
            parts = [part for part in map(text, filter(None, body)) if part]
            rows.append((item_id, text(title) if title else "", join(parts)))
        self.waiting.clear()
        for value in values:  # the cache's own bounds (long values are not kept)
            if not _short(value):
                del cache[value]
        if len(cache) >= cache.limit:
            cache.clear()

    def mark(self, item_id: int) -> None:
        """An item to index from the tables at commit, as any other write (:func:`flush`)."""
        self.later.append(item_id)


@contextmanager
def bulk_load(conn: sqlite3.Connection) -> Iterator[BulkIndex]:
    """Inside a writing transaction, around inserting many new items with their events: the
    rows are not marked one by one (the insert triggers are dropped meanwhile and made
    again, in the same transaction: a rollback restores them); the caller hands each new
    item's document to the :class:`BulkIndex`, and they are indexed at once at the end.
    Nothing else may be written meanwhile."""
    triggers = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (?, ?)",
        _INSERT_TRIGGERS,
    ).fetchall()
    for name, _ in triggers:
        conn.execute(f'DROP TRIGGER "{name}"')
    index = BulkIndex(renamed=bool(former_names(conn)))
    yield index
    index.finish()
    for _, sql in triggers:
        conn.execute(sql)
    if triggers:  # else a ledger without the index (older schema): nothing to index
        index.rows.sort()
        _insert(conn, iter(index.rows))
        marked = [(item_id,) for item_id in index.later]
        conn.executemany("INSERT OR IGNORE INTO search_dirty(item_id) VALUES (?)", marked)


# FTS5 keeps new entries in an in-memory hash and writes a segment each time it exceeds
# 'hashsize' (1 MB by default): a bulk insert with 16 MB writes fewer, larger segments, about
# a third less work (measured: 100,000 items' documents 2.1 s → 1.3 s; 64 MB and more is
# slower again). Set for the insert only: the file's stored settings are left as they were.
_DEFAULT_HASHSIZE = 1024 * 1024
_BULK_HASHSIZE = 16 * 1024 * 1024
_SET = "INSERT INTO search(search, rank) VALUES ('hashsize', ?)"


def _insert(conn: sqlite3.Connection, rows: Iterator[tuple]) -> int:
    stored = conn.execute("SELECT v FROM search_config WHERE k = 'hashsize'").fetchone()
    conn.execute(_SET, (_BULK_HASHSIZE,))
    count = 0
    while True:
        batch = [row for _, row in zip(range(5000), rows, strict=False)]
        if not batch:
            break
        conn.executemany("INSERT INTO search(rowid, title, body) VALUES (?, ?, ?)", batch)
        count += len(batch)
    # Back to what was in force (so this connection flushes as before), then to what was stored.
    conn.execute(_SET, (stored[0] if stored else _DEFAULT_HASHSIZE,))
    if stored is None:
        conn.execute("DELETE FROM search_config WHERE k = 'hashsize'")
    return count


def disagreements(conn: sqlite3.Connection, limit: int = 20) -> tuple[int, list[int]]:
    """How many items' index entries differ from their documents; the first few item ids.

    Never writes. Items marked as changed (written by another tool since the last ledger
    write) are skipped: they are queued, and the next write or search indexes them first.
    """
    present = {
        row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    if "search" not in present:
        return 0, []
    indexed = {
        row[0]: (row[1], row[2]) for row in conn.execute("SELECT rowid, title, body FROM search")
    }
    queued = {row[0] for row in conn.execute("SELECT item_id FROM search_dirty")}
    wrong: list[int] = []
    count = 0
    for item_id, title, body in documents(conn):
        if indexed.pop(item_id, None) != (title, body) and item_id not in queued:
            count += 1
            if len(wrong) < limit:
                wrong.append(item_id)
    count += len(indexed)  # entries of items that do not exist
    wrong += list(indexed)[: max(0, limit - len(wrong))]
    return count, wrong
