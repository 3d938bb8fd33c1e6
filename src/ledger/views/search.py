"""``ledger search``: find items by words in their title, results, notes, replies, reporter
and place names, through the bigram index of :mod:`ledger.store.fulltext`.

Every word must match. A word of two or more characters is looked up in the index (the
phrase of its character pairs); a one-character word has no pair and is found by scanning
the base table with LIKE. Ranking: items whose title holds every word first, then newest
first (反映日期, then number). 已作废 items are found only when asked (``--all``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from ledger.domain.errors import LedgerError
from ledger.store import fulltext
from ledger.store.ledger_file import Ledger
from ledger.views.rows import ITEM_SELECT, row_to_item


@dataclass
class Query:
    """A search as typed: the runs looked up in the index and the single characters scanned."""

    text: str
    phrases: list[str]  # runs of 2+ characters
    chars: list[str]  # runs of 1 character

    @property
    def words(self) -> list[str]:
        """Every run, longest first (so highlighting prefers 路灯 to 灯)."""
        return sorted({*self.phrases, *self.chars}, key=len, reverse=True)


def parse(text: str) -> Query:
    """Split what was typed into words (spaces, punctuation) and sort them by length."""
    phrases: list[str] = []
    chars: list[str] = []
    for run in fulltext.runs(text or ""):
        target = phrases if len(run) > 1 else chars
        if run not in target:
            target.append(run)
    if not phrases and not chars:
        raise LedgerError("请给出要查找的词，如：ledger search 路灯")
    return Query(text, phrases, chars)


def _fts_expression(phrases: list[str]) -> str:
    # Runs hold only letters and digits, so no quote can break the FTS5 syntax.
    return " AND ".join('"' + " ".join(fulltext.bigrams(run)) + '"' for run in phrases)


# The fields a one-character word is scanned in, on ``items i`` alone (``list`` counts
# without joins). A place's path is 区县/街道/社区/小区/楼栋: LIKE '%/%/%/%X%' finds X only
# after the third slash, in the compound or building, as the index does.
_SCAN = (
    "(i.title LIKE :w OR i.reporter LIKE :w OR i.result LIKE :w OR i.reply_text LIKE :w"
    " OR i.last_progress LIKE :w"
    " OR (SELECT name FROM areas WHERE id = i.community_id) LIKE :w"
    " OR (SELECT path FROM areas WHERE id = i.place_id) LIKE '%/%/%/' || :w"
    " OR EXISTS (SELECT 1 FROM events e WHERE e.item_id = i.id AND e.withdrawn = 0"
    " AND e.action NOT IN ('undo', 'redo') AND e.note LIKE :w))"
)


def condition(query: Query) -> tuple[str, list[Any]]:
    """SQL conditions on ``items i`` that every word of the query matches."""
    conditions: list[str] = []
    params: list[Any] = []
    if query.phrases:
        conditions.append("i.id IN (SELECT rowid FROM search WHERE search MATCH ?)")
        params.append(_fts_expression(query.phrases))
    for char in query.chars:
        pattern = f"%{char}%"
        conditions.append(_SCAN.replace(":w", "?"))
        params += [pattern] * _SCAN.count(":w")
    return " AND ".join(conditions), params


@dataclass
class Found:
    """The items found (at most ``limit``, best first), how many in all, and the words."""

    items: list[dict[str, Any]]
    total: int
    words: list[str]


_FIELDS = (  # where a word may be found, in the order the 命中 column names the first one
    ("title", "问题描述"),
    ("reporter", "反映人"),
    ("place", "地点"),
    ("community", "社区"),
    ("result", "办理结果"),
    ("reply_text", "答复"),
    ("last_progress", "进展"),
)


def refresh(ledger: Ledger) -> None:
    """Index what another tool wrote since the last commit (every commit here flushes)."""
    if ledger.read_only:
        return  # nothing can be written: the index is as the file holds it
    if ledger.conn.execute("SELECT 1 FROM search_dirty LIMIT 1").fetchone() is not None:
        with ledger.transaction():
            pass


def search(
    ledger: Ledger, text: str, *, include_voided: bool = False, limit: int | None = 50
) -> Found:
    """Items matching every word of ``text``: title hits first, then newest first."""
    query = parse(text)
    refresh(ledger)
    where, params = condition(query)
    if not include_voided:
        where += " AND i.status != 'voided'"
    words = query.words
    ids, total = _ranked(ledger, query, where, params, include_voided, limit)
    found: dict[int, dict[str, Any]] = {}
    if ids:
        cursor = ledger.conn.execute(
            ITEM_SELECT + f" WHERE i.id IN ({','.join('?' * len(ids))})", ids
        )
        for row in cursor.fetchall():
            item = row_to_item(row, cursor.description)
            found[item["id"]] = item
    items = [found[item_id] for item_id in ids]
    for item in items:
        item["matched_in"] = _matched_in(ledger, item, words)
    return Found(items, total, words)


# Above this many index matches the newest are found by walking the items from the newest
# (index items_raised_on) and keeping those in the match set, which stops after ``limit``;
# below it, looking every match up and sorting them is cheaper.
_WALK_FROM = 1000


def _ranked(
    ledger: Ledger,
    query: Query,
    where: str,
    params: list[Any],
    include_voided: bool,
    limit: int | None,
) -> tuple[list[int], int]:
    """The ids of the first ``limit`` matches in rank order, and how many match in all."""
    conn = ledger.conn
    words = query.words
    in_title = " AND ".join("instr(lower(i.title), ?) > 0" for _ in words)
    if query.phrases and not query.chars and limit is not None:
        match = _fts_expression(query.phrases)
        matches = conn.execute(
            "SELECT count(*) FROM search WHERE search MATCH ?", (match,)
        ).fetchone()[0]
        if matches > _WALK_FROM:
            try:
                return _walked(conn, match, matches, in_title, words, include_voided, limit)
            except sqlite3.OperationalError:  # no index items_raised_on: an old or damaged file
                pass
    # One pass: the matches are ranked and counted together (the window's count is taken
    # before the LIMIT).
    order = f"ORDER BY ({in_title}) DESC, i.raised_on DESC, i.number DESC"
    sql = f"SELECT i.id, count(*) OVER () FROM items i WHERE {where} {order}"
    all_params = [*params, *words]
    if limit is not None:
        sql += " LIMIT ?"
        all_params.append(limit)
    ranked = conn.execute(sql, all_params).fetchall()
    return [row[0] for row in ranked], ranked[0][1] if ranked else 0


def _walked(
    conn: sqlite3.Connection,
    match: str,
    matches: int,
    in_title: str,
    words: list[str],
    include_voided: bool,
    limit: int,
) -> tuple[list[int], int]:
    """Rank a common word's matches from the newest items down: title hits, then the rest.

    The count is the index's (one entry per item, which ``ledger check`` verifies) less the
    voided items among them (few, found through the status indexes).
    """
    matched = "SELECT rowid FROM search WHERE search MATCH ?"
    total = matches
    voided = ""
    if not include_voided:
        voided = " AND i.status != 'voided'"
        total -= conn.execute(
            f"SELECT count(*) FROM items i WHERE i.status = 'voided' AND i.id IN ({matched})",
            (match,),
        ).fetchone()[0]
    # +i.id: the match set is probed for each item walked, not used to look items up.
    walk = (
        f"SELECT i.id FROM items i INDEXED BY items_raised_on WHERE +i.id IN ({matched}){voided}"
        " AND {which} ORDER BY i.raised_on DESC, i.number DESC LIMIT ?"
    )
    ids = [
        row[0] for row in conn.execute(walk.format(which=f"({in_title})"), (match, *words, limit))
    ]
    if len(ids) < limit:
        rest = walk.format(which=f"NOT ({in_title})")
        ids += [row[0] for row in conn.execute(rest, (match, *words, limit - len(ids)))]
    return ids, total


def _matched_in(ledger: Ledger, item: dict[str, Any], words: list[str]) -> dict[str, str]:
    """The first field holding a word (its label and text), for the 命中 column."""
    for key, label in _FIELDS:
        value = item.get(key)
        if value and any(word in fulltext.normalise(value) for word in words):
            return {"field": label, "text": value}
    for (note,) in ledger.conn.execute(
        "SELECT note FROM events WHERE item_id = ? AND withdrawn = 0 AND note IS NOT NULL "
        "AND action NOT IN ('undo', 'redo') ORDER BY seq DESC",
        (item["id"],),
    ):
        if any(word in fulltext.normalise(note) for word in words):
            return {"field": "办理记录", "text": note}
    return {"field": "", "text": ""}
