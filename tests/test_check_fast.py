"""``ledger check``'s fast path gives the same answer as the exact, event-by-event check.

:mod:`ledger.io.check_items` checks a plainly ordered item from its events as SQLite groups
them, and builds search documents with :func:`ledger.store.fulltext.field_text`; anything
else goes through :func:`~ledger.io.check_items.exact_item` and the index writer's own
documents. Hypothesis draws histories (typed in time order or shuffled, some 撤销/恢复, notes)
and damage done behind the ledger's back; the report must be the same, problem for problem,
whether the fast path is allowed or not.
"""

from __future__ import annotations

import contextlib
import sqlite3
import unicodedata
from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.casework import actions
from ledger.domain.errors import LedgerError
from ledger.io import check_items, check_texts
from ledger.io.check import MAX_EXAMPLES, CheckOutcome
from ledger.store import fulltext
from ledger.store.ledger_file import Ledger
from test_history_property import ACTIONS, fresh, histories, record_shuffled

# Text as clerks and stray tools write it: Chinese, full-width forms, case, digits, the
# underscore (not part of a run), combining marks, a final sigma, separators, controls.
TEXT = st.text(
    alphabet=st.sampled_from(
        [
            *"路灯坏了３号楼ＡＢab_Σσς ΑΣ.，、（）：；！？　\n\t\x00\x01-/",
            "\u0301",
            "\u0130",
            "ﬁ",
            "①",
            "㍿",
        ]
    )
    | st.characters(),
    max_size=30,
)


def _pairs_of_runs(values: list[str | None]) -> str:
    """The indexed form by its definition, through the query side's own cutting: each run's
    pairs (``fulltext.runs``, ``fulltext.bigrams``), runs of one character left out."""
    texts = [
        " ".join(fulltext.bigrams(run))
        for value in values
        if value
        for run in fulltext.runs(value)
        if len(run) > 1
    ]
    return fulltext.RUN_GAP.join(texts)


@settings(max_examples=500, deadline=None)
@given(values=st.lists(st.none() | TEXT, max_size=6))
def test_field_text_is_its_runs_pairs(values: list[str | None]) -> None:
    assert fulltext.field_text(values) == _pairs_of_runs(values)
    assert fulltext.field_text(values, fulltext.Cache()) == _pairs_of_runs(values)


@settings(max_examples=500, deadline=None)
@given(
    values=st.lists(TEXT.filter(bool), max_size=8)
    | st.lists(TEXT.map(lambda text: text.replace("\n", "")).filter(bool), max_size=8)
)
def test_field_texts_of_many_values_are_each_ones_runs_pairs(values: list[str]) -> None:
    # Import's bulk index: many values normalised and laid out at once, then cut apart (a
    # value with a line end in it: each one alone).
    assert fulltext.field_texts(values) == [_pairs_of_runs([value]) for value in values]


@settings(max_examples=500, deadline=None)
@given(text=TEXT)
def test_normalise_is_nfkc_lowered(text: str) -> None:
    # Full-width punctuation replaced before NFKC: the same text as NFKC of the whole.
    assert fulltext.normalise(text) == unicodedata.normalize("NFKC", text).lower()


def test_field_text_examples() -> None:
    # Worked by hand: runs of 2+ letters or digits, their pairs, runs apart by the gap token.
    assert fulltext.field_text(["3号楼 漏水", None, "", "a"]) == "3号 号楼 zzz 漏水"
    assert fulltext.field_text(["ＡＢ_c", "路灯"]) == "ab zzz 路灯"
    assert fulltext.field_text(["下水道堵塞（第1件）"]) == "下水 水道 道堵 堵塞 zzz 第1 1件"
    assert fulltext.field_text([]) == ""


DAMAGE = st.sampled_from(
    [
        ("UPDATE items SET status = 'closed' WHERE id = :item", None),
        ("UPDATE items SET result = '未处理', reopen_count = 3 WHERE id = :item", None),
        ("UPDATE items SET last_event_at = '2026-01-01T00:00:00' WHERE id = :item", None),
        ("UPDATE events SET seq = seq + 10 WHERE id = :event", None),
        # Positions the fast path reads as one number with the time's length: not numbers,
        # not whole, or shifted by the difference of a date's and a time's length.
        ("UPDATE events SET seq = seq || 'x' WHERE id = :event", None),
        ("UPDATE events SET seq = seq + 0.5 WHERE id = :event", None),
        ("UPDATE events SET seq = seq + 9000000 WHERE id = :event", None),
        ("UPDATE events SET seq = seq - 9000000 WHERE id = :event", None),
        (  # two positions swapped
            "UPDATE events SET seq = CASE seq WHEN 2 THEN 3 WHEN 3 THEN 2 ELSE seq END "
            "WHERE item_id = :item",
            None,
        ),
        ("UPDATE events SET at = '2026-11-01' WHERE id = :event", None),
        ("UPDATE events SET at = substr(at, 1, 10) WHERE id = :event", None),
        ("UPDATE events SET at = '2026-11-20T23:00:00' WHERE id = :event", None),
        ("UPDATE events SET withdrawn = 1 - withdrawn WHERE id = :event", None),
        ("UPDATE events SET action = 'add' WHERE id = :event", None),
        ("UPDATE events SET params = 'not json' WHERE id = :event", None),
        ("UPDATE events SET changes = :text WHERE id = :event", '{"status": "closed"}'),
        ("UPDATE events SET changes = :text WHERE id = :event", "not json"),
        ("UPDATE events SET changes = :text WHERE id = :event", '[["status", "closed"]]'),
        ("UPDATE events SET changes = :text WHERE id = :event", "{}"),
        ("UPDATE events SET changes = :text WHERE id = :event", ' {"result": null} '),
        ("UPDATE events SET changes = :text WHERE id = :event", '"text"'),
        ("UPDATE events SET changes = :text WHERE id = :event", '{"a": 1}\x1e{"b": 2}'),
        ("UPDATE events SET note = '楼道又漏水' WHERE id = :event", None),
        ("DELETE FROM events WHERE id = :event", None),
        ("UPDATE search SET body = '漏水' WHERE rowid = :item", None),
        ("DELETE FROM search WHERE rowid = :item", None),
        ("INSERT OR REPLACE INTO search(rowid, title, body) VALUES (999, '路灯', '')", None),
        ("DELETE FROM search_dirty", None),
    ]
)


@st.composite
def typed(draw: st.DrawFn) -> list[tuple[str, date | datetime]]:
    """Actions in the order a clerk types them, some on the same day, dated or timed, some
    backdated before what was typed earlier (those the ledger refuses are left out)."""
    steps = []
    for _ in range(draw(st.integers(0, 6))):
        day = date(2026, 11, draw(st.integers(3, 8)))
        timed = draw(st.booleans())
        moment = datetime(day.year, day.month, day.day, draw(st.integers(8, 21))) if timed else day
        steps.append((draw(st.sampled_from(sorted(ACTIONS))), moment))
    return steps


def _ledger(stories: list[tuple[list[Any], int, bool, int]]) -> Ledger:
    """Item 1 (raised) and one more item per story, each recorded as the story says."""
    ledger, _ = fresh()
    for steps, seed, shuffled, corrections in stories:
        number = actions.add(
            ledger, "3号楼楼顶漏水", community="铁塔寺社区", raised_on=date(2026, 11, 2)
        ).item["number"]
        if shuffled:
            record_shuffled(ledger, number, steps, seed)
        else:
            for action, moment in steps:
                with contextlib.suppress(LedgerError):  # not allowed there: not recorded
                    ACTIONS[action](ledger, number, moment)
        for index in range(corrections):  # 撤销, then 恢复, then 撤销 …
            try:
                (actions.undo if index % 2 == 0 else actions.redo)(ledger, number, "登错了")
            except LedgerError:  # nothing left to withdraw: the story ends
                break
    return ledger


def _report(conn: sqlite3.Connection, fast: bool, chunk: int = 1024) -> CheckOutcome:
    report = CheckOutcome()
    with pytest.MonkeyPatch.context() as patch:
        if not fast:  # every item the exact way, every document as the index writer makes it
            patch.setattr(check_items, "_fast_item", lambda *_: False)
        patch.setattr(check_items, "_CHUNK", chunk)
        check_items.check_items(conn, report, limit=MAX_EXAMPLES)
    return report


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    stories=st.lists(
        st.tuples(histories(), st.integers(0, 10_000), st.booleans(), st.integers(0, 3))
        | st.tuples(typed(), st.just(0), st.just(False), st.integers(0, 2)),
        min_size=1,
        max_size=3,
    ),
    damages=st.lists(st.tuples(DAMAGE, st.integers(0, 50), st.integers(0, 50)), max_size=3),
)
def test_fast_and_exact_checks_agree(
    stories: list[tuple[list[Any], int, bool, int]],
    damages: list[tuple[tuple[str, str | None], int, int]],
) -> None:
    ledger = _ledger(stories)
    conn = ledger.conn
    items = [row[0] for row in conn.execute("SELECT id FROM items ORDER BY id")]
    for (statement, text), item_pick, event_pick in damages:
        events = [row[0] for row in conn.execute("SELECT id FROM events ORDER BY id")]
        if not events:
            break
        conn.execute(
            statement,
            {
                "item": items[item_pick % len(items)],
                "event": events[event_pick % len(events)],
                "text": text,
            },
        )
    exact = _report(conn, fast=False)
    for chunk in (1024, 2):  # all items in one chunk; two items a chunk
        fast = _report(conn, fast=True, chunk=chunk)
        assert fast.counts == exact.counts
        assert [p.message for p in fast.problems] == [p.message for p in exact.problems]
        assert (fast.items, fast.events) == (exact.items, exact.events)
    if not damages:
        assert fast.ok, [p.message for p in fast.problems]


def test_plain_histories_take_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Histories typed as they happen, all timed, no 撤销: not one item is checked the slow way."""
    slow: list[int] = []
    exact = check_items.exact_item
    monkeypatch.setattr(
        check_items,
        "exact_item",
        lambda conn, row, report: slow.append(row[0]) or exact(conn, row, report),
    )
    ledger, _ = fresh()
    for day in (3, 4):
        number = actions.add(
            ledger, "路灯不亮", community="铁塔寺社区", raised_on=date(2026, 11, day)
        ).item["number"]
        actions.assign(ledger, number, "住建局", at=datetime(2026, 11, day, 9))
        actions.progress(ledger, number, "已派人查看", at=datetime(2026, 11, day, 15))
        actions.resolve(ledger, number, "已更换灯泡", at=datetime(2026, 11, day + 1, 10))
    report = CheckOutcome()
    check_items.check_items(ledger.conn, report, limit=MAX_EXAMPLES)
    assert report.ok and report.items == 3 and report.events == 1 + 2 * 4
    assert slow == []
    # One damaged row is still found on the fast path, with the exact path's words.
    ledger.conn.execute("UPDATE items SET status = 'closed' WHERE number = 2")
    report = CheckOutcome()
    check_items.check_items(ledger.conn, report, limit=MAX_EXAMPLES)
    assert [p.message for p in report.problems] == [
        "问题 2：状态为“已归档”，按办理记录应为“已办结”"
    ]
    assert slow == []


def test_a_day_of_dated_and_timed_entries_is_checked_the_exact_way() -> None:
    """On one day a timed 催办 typed before a dated one: time order puts the timed one first
    (dated and timed entries of a day go by typing order). With their positions swapped, the
    positions follow (at, id) — which puts the bare date first — yet the order is wrong."""
    ledger, number = fresh()  # item 1, raised on 2026-11-02
    actions.remind(ledger, number, "电话催办", at=datetime(2026, 11, 5, 10))
    actions.remind(ledger, number, "上门催办", at=date(2026, 11, 5))
    conn = ledger.conn
    assert conn.execute("SELECT action, at, seq FROM events ORDER BY id").fetchall() == [
        ("add", "2026-11-02", 1),
        ("remind", "2026-11-05T10:00:00", 2),
        ("remind", "2026-11-05", 3),
    ]
    assert _report(conn, fast=True).ok
    conn.execute("UPDATE events SET seq = CASE seq WHEN 2 THEN 3 WHEN 3 THEN 2 ELSE seq END")
    fast, exact = _report(conn, fast=True), _report(conn, fast=False)
    # Also found, rightly: folded in the stored order the count ends at 1, and the notes
    # (in the stored order) no longer make the document the index holds.
    assert [p.message for p in exact.problems] == [
        "问题 1 的办理记录顺序与发生时间不符",
        "问题 1：催办次数为“2”，按办理记录应为“1”",
        "全文检索索引有 1 件问题与内容不符（问题 1）",
    ]
    assert [p.message for p in fast.problems] == [p.message for p in exact.problems]


@pytest.mark.parametrize(
    ("damage", "event"),
    [
        ("seq || 'x'", 3),  # a position that is text (SQLite's arithmetic reads it as 3)
        ("seq + 0.5", 3),
        # The fast path reads each position with its time's length (10⁶ × 19 for a time,
        # 10⁶ × 10 for a date): shifted by the difference, a position would pass for plain.
        ("seq - 9000000", 5),
        ("seq + 9000000", 8),
    ],
)
def test_positions_that_only_look_plain_are_checked_the_exact_way(damage: str, event: int) -> None:
    """Item 1: a 登记 and two timed 催办. Item 2: a timed 催办, then a dated one a day later;
    item 3 the other way round (in time order, but of two lengths: checked the exact way)."""
    ledger, number = fresh()  # item 1, raised on 2026-11-02: event 1
    actions.remind(ledger, number, "电话催办", at=datetime(2026, 11, 5, 10))
    actions.remind(ledger, number, "上门催办", at=datetime(2026, 11, 6, 10))
    second = actions.add(
        ledger, "路灯不亮", community="铁塔寺社区", raised_on=date(2026, 11, 3)
    ).item["number"]
    actions.remind(ledger, second, "电话催办", at=datetime(2026, 11, 5, 10))
    actions.remind(ledger, second, "上门催办", at=date(2026, 11, 6))
    third = actions.add(
        ledger, "路灯不亮", community="铁塔寺社区", raised_on=date(2026, 11, 3)
    ).item["number"]
    actions.remind(ledger, third, "上门催办", at=date(2026, 11, 5))
    actions.remind(ledger, third, "电话催办", at=datetime(2026, 11, 6, 10))
    conn = ledger.conn
    assert conn.execute("SELECT id, item_id, at, seq FROM events ORDER BY id").fetchall() == [
        (1, 1, "2026-11-02", 1),
        (2, 1, "2026-11-05T10:00:00", 2),
        (3, 1, "2026-11-06T10:00:00", 3),
        (4, 2, "2026-11-03", 1),
        (5, 2, "2026-11-05T10:00:00", 2),
        (6, 2, "2026-11-06", 3),
        (7, 3, "2026-11-03", 1),
        (8, 3, "2026-11-05", 2),
        (9, 3, "2026-11-06T10:00:00", 3),
    ]
    assert _report(conn, fast=True).ok
    conn.execute(f"UPDATE events SET seq = {damage} WHERE id = ?", (event,))
    fast, exact = _report(conn, fast=True), _report(conn, fast=False)
    item = {3: 1, 5: 2, 8: 3}[event]
    assert f"问题 {item} 的办理记录顺序与发生时间不符" in [p.message for p in exact.problems]
    assert [p.message for p in fast.problems] == [p.message for p in exact.problems]


def _titled(*titles: str) -> Ledger:
    """Item 1 (楼道灯不亮) and one more item per title, each only raised."""
    ledger, _ = fresh()
    for title in titles:
        actions.add(ledger, title, community="铁塔寺社区", raised_on=date(2026, 11, 3))
    return ledger


SEARCH_WRONG = "全文检索索引有 {} 件问题与内容不符（问题 {}）"


def test_a_word_moved_from_one_entry_to_the_next_is_found() -> None:
    """Documents are compared a chunk at a time, as one text: a run moved across the border
    of two items keeps that text's words in order, yet both entries are wrong."""
    ledger = _titled("下水道 堵塞")
    conn = ledger.conn
    assert conn.execute("SELECT title FROM search ORDER BY rowid").fetchall() == [
        ("楼道 道灯 灯不 不亮",),
        ("下水 水道 zzz 堵塞",),
    ]
    assert _report(conn, fast=True).ok
    conn.execute("UPDATE search SET title = '楼道 道灯 灯不 不亮 zzz 下水 水道' WHERE rowid = 1")
    conn.execute("UPDATE search SET title = '堵塞' WHERE rowid = 2")
    report = _report(conn, fast=True)
    assert [p.message for p in report.problems] == [SEARCH_WRONG.format(2, "1、2")]


def test_a_title_holding_the_mark_is_still_checked_right() -> None:
    """A title that holds the text the chunk's items are marked apart with: the chunk is
    compared item by item, so nothing sound is reported and the damage is still found."""
    ledger = _titled(f"{check_texts.MARK} 测试", "路灯 不亮")
    conn = ledger.conn
    assert _report(conn, fast=True).ok
    conn.execute("UPDATE search SET body = body || ' zzz 漏水' WHERE rowid = 3")
    assert [p.message for p in _report(conn, fast=True).problems] == [SEARCH_WRONG.format(1, "3")]


def test_a_value_written_two_ways_is_compared_by_value() -> None:
    """The row's state is compared as SQLite's JSON text of it first: a value that text
    writes differently (1.0e+20 for orjson's 1e+20) is compared field by field, not reported."""
    ledger, _ = fresh()
    conn = ledger.conn
    conn.execute("UPDATE items SET percent = 1e20 WHERE id = 1")
    conn.execute("UPDATE events SET changes = json_set(changes, '$.percent', 1e20) WHERE id = 1")
    assert conn.execute("SELECT json_array(percent) FROM items").fetchone() == ("[1.0e+20]",)
    assert _report(conn, fast=True).ok
    conn.execute("UPDATE items SET percent = 5 WHERE id = 1")
    assert [p.message for p in _report(conn, fast=True).problems] == [
        "问题 1：进度为“5”，按办理记录应为“1e+20”"
    ]


def test_an_item_without_events_is_reported_and_its_document_still_compared() -> None:
    """No events: no notes. The index entry made from the row alone is still its document."""
    ledger = _titled("下水道 堵塞")
    conn = ledger.conn
    conn.execute("DELETE FROM events WHERE item_id = 2")
    fast, exact = _report(conn, fast=True), _report(conn, fast=False)
    assert [p.message for p in fast.problems] == ["问题 2 没有任何办理记录"]
    assert [p.message for p in exact.problems] == ["问题 2 没有任何办理记录"]
    conn.execute("UPDATE search SET title = '下水' WHERE rowid = 2")
    assert [p.message for p in _report(conn, fast=True).problems] == [
        "问题 2 没有任何办理记录",
        SEARCH_WRONG.format(1, "2"),
    ]
