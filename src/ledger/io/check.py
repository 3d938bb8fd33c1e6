"""``ledger check``: is the file sound, and does every item row agree with its history?

Checks, in order (labels.CHECK):

- ``integrity``: SQLite's own ``PRAGMA integrity_check`` (or ``quick_check``);
- ``foreign_keys``: ``PRAGMA foreign_key_check`` — no record points at a missing one;
- ``numbers``: item and meeting numbers (and uids) are unique;
- ``state``: every item's events are stored in time order (``seq`` equals
  :func:`history.time_order`, withdrawn flags equal the 撤销 in force) and its row equals
  :func:`lifecycle.replay` of the events in force in that order, over
  :data:`lifecycle.STATE_FIELDS`; every item has at least one event;
- ``last_event``: ``items.last_event_at`` equals the latest ``at`` of the events in force;
- ``search``: the full-text index holds, for every item, exactly the document computed afresh
  from the item and its events (:func:`ledger.store.fulltext.disagreements`); :func:`repair_search`
  rebuilds it (``ledger check --repair``).

The check reads a plain ``sqlite3.Connection`` so that ``ledger backup`` can verify a copy
without opening it as a ledger (which would migrate it).
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ledger.domain.events import Event, time_order, withdrawn_ids
from ledger.domain.labels import CHANNEL, CHECK, FIELD, RATING, SCALE, SOURCE, STATUS, TABLE
from ledger.domain.lifecycle import EMPTY_STATE, META_ACTIONS, STATE_FIELDS
from ledger.store import fulltext

# Examples kept per kind of problem: a tampered 100,000-item file must not print 100,000 lines.
MAX_EXAMPLES = 20


@dataclass
class Problem:
    """One thing found wrong: which check found it, and the clerk's description."""

    kind: str
    message: str


@dataclass
class CheckOutcome:
    """Problems found per check (all counted, the first few described)."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHECK, 0))
    problems: list[Problem] = field(default_factory=list)
    items: int = 0
    events: int = 0
    quick: bool = False
    skipped: list[str] = field(default_factory=list)  # checks not run (file too damaged)

    @property
    def ok(self) -> bool:
        return not any(self.counts.values()) and not self.skipped

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def add(self, kind: str, message: str) -> None:
        self.counts[kind] += 1
        if self.counts[kind] <= MAX_EXAMPLES:
            self.problems.append(Problem(kind, message))

    def as_json(self) -> dict[str, Any]:
        """Codes and counts for ``--json``."""
        return {
            "ok": self.ok,
            "items": self.items,
            "events": self.events,
            "checks": dict(self.counts),
            "skipped": self.skipped,
            "problems": [{"kind": p.kind, "message": p.message} for p in self.problems],
        }


def check(conn: sqlite3.Connection, *, quick: bool = False, parallel: bool = True) -> CheckOutcome:
    """Run every check on an open ledger connection; never writes.

    ``quick`` uses ``PRAGMA quick_check`` (no index-content cross-check) instead of the full
    ``integrity_check``; the ledger checks are the same. ``parallel=False`` runs SQLite's
    check on ``conn`` itself (a read-only ledger cannot be opened a second time).
    """
    report = CheckOutcome(quick=quick)
    try:
        integrity = _integrity(conn, quick, parallel)
    except sqlite3.DatabaseError as error:
        integrity = _failed(error)
    ledger_report = CheckOutcome(quick=quick)
    ledger_error: sqlite3.DatabaseError | None = None
    try:
        # The ledger checks run (in Python) while SQLite's integrity check runs (in C,
        # without the GIL) on its own connection: on a large file this saves about half.
        _foreign_keys(conn, ledger_report)
        _numbers(conn, ledger_report)
        _states(conn, ledger_report)
        _search(conn, ledger_report)
    except sqlite3.DatabaseError as error:
        ledger_error = error
    for message in integrity.result():
        report.add("integrity", message)
    if report.counts["integrity"] or ledger_error is not None:
        if not report.counts["integrity"]:
            report.add("integrity", f"文件已损坏，无法读取：{ledger_error}")
        # On a damaged file the other checks read garbage or fail half-way: not reported.
        report.skipped = [kind for kind in CHECK if kind != "integrity"]
        return report
    for problem in ledger_report.problems:
        report.problems.append(problem)
    for kind, count in ledger_report.counts.items():
        if kind != "integrity":
            report.counts[kind] = count
    report.items, report.events = ledger_report.items, ledger_report.events
    return report


def file_check(conn: sqlite3.Connection, *, quick: bool = True) -> CheckOutcome:
    """Only SQLite's own check (is every page readable and well-formed?), no ledger checks."""
    report = CheckOutcome(quick=quick, counts={"integrity": 0})
    for message in _integrity(conn, quick, parallel=False).result():
        report.add("integrity", message)
    return report


def _finished(messages: list[str]) -> Future[list[str]]:
    future: Future[list[str]] = Future()
    future.set_result(messages)
    return future


def _failed(error: BaseException) -> Future[list[str]]:
    return _finished([f"文件已损坏，无法读取：{error}"])


def _integrity(conn: sqlite3.Connection, quick: bool, parallel: bool = True) -> Future[list[str]]:
    """SQLite's own check, in a thread on a second connection to the same file when possible."""
    pragma = "quick_check" if quick else "integrity_check"

    def run(connection: sqlite3.Connection) -> list[str]:
        try:
            # One row may hold several lines ("*** in database main ***\nPage 3: …").
            return [
                f"SQLite 检查发现：{line.strip()}"
                for (message,) in connection.execute(f"PRAGMA {pragma}(100)")
                for line in str(message).splitlines()
                if line.strip() not in ("ok", "", "*** in database main ***")
            ]
        except sqlite3.DatabaseError as error:
            return [f"文件已损坏，无法读取：{error}"]

    files = [row[2] for row in conn.execute("PRAGMA database_list") if row[1] == "main"]
    if not parallel or not files or not files[0]:  # in memory: no second connection
        return _finished(run(conn))

    def in_thread() -> list[str]:
        other = sqlite3.connect(files[0], timeout=30)
        try:
            return run(other)
        finally:
            other.close()

    executor = ThreadPoolExecutor(max_workers=1)
    future = executor.submit(in_thread)
    executor.shutdown(wait=False)  # the caller waits on the future, after its own checks
    return future


def _foreign_keys(conn: sqlite3.Connection, report: CheckOutcome) -> None:
    for table, rowid, parent, _fk in conn.execute("PRAGMA foreign_key_check"):
        what = _describe_row(conn, table, rowid)
        report.add(
            "foreign_keys",
            f"{what}引用的{TABLE.get(parent, parent)}不存在（已被删除或被改动）",
        )


def _describe_row(conn: sqlite3.Connection, table: str, rowid: int) -> str:
    """问题 42 / 会议 3 / 办理记录（问题 42）… for a row found by its rowid."""
    label = TABLE.get(table, table)
    try:
        if table in ("items", "meetings"):
            found = conn.execute(f"SELECT number FROM {table} WHERE rowid = ?", (rowid,)).fetchone()
            if found:
                return f"{label} {found[0]} "
        if table == "events":
            found = conn.execute(
                "SELECT e.action, i.number FROM events e LEFT JOIN items i ON i.id = e.item_id "
                "WHERE e.rowid = ?",
                (rowid,),
            ).fetchone()
            if found and found[1] is not None:
                return f"问题 {found[1]} 的一条办理记录（{found[0]}）"
    except sqlite3.DatabaseError:
        pass
    return f"{label}（内部ID {rowid}）"


def _numbers(conn: sqlite3.Connection, report: CheckOutcome) -> None:
    for table in ("items", "meetings"):
        label = TABLE[table]
        for number, count in conn.execute(
            f"SELECT number, count(*) FROM {table} GROUP BY number HAVING count(*) > 1"
        ):
            report.add("numbers", f"{label}编号 {number} 重复（{count} 条）")
    for table in ("areas", "units", "meetings", "items", "events"):
        for uid, count in conn.execute(
            f"SELECT uid, count(*) FROM {table} GROUP BY uid HAVING count(*) > 1"
        ):
            report.add("numbers", f"{TABLE[table]}唯一编号 {uid} 重复（{count} 条）")


_CODED = {
    "status": STATUS,
    "source": SOURCE,
    "scale": SCALE,
    "rating": RATING,
    "reply_channel": CHANNEL,
}


def _show(value: Any, name: str = "") -> str:
    """A stored value as the clerk reads it: labels for codes, 空 for nothing, long text cut."""
    if value is None:
        return "空"
    text = _CODED[name].label(value) if name in _CODED and isinstance(value, str) else str(value)
    return text if len(text) <= 20 else text[:19] + "…"


def _states(conn: sqlite3.Connection, report: CheckOutcome) -> None:
    """Merge-join items (by id) with their events (by item_id, at, id): one pass over each."""
    columns = ", ".join(STATE_FIELDS)
    items = conn.execute(f"SELECT id, number, last_event_at, {columns} FROM items ORDER BY id")
    events = conn.execute(
        "SELECT item_id, at, changes, id, uid, action, params, seq, withdrawn FROM events "
        "ORDER BY item_id, seq, id"
    )
    groups: Iterator[tuple[int, Iterator[tuple[Any, ...]]]] = itertools.groupby(
        events, key=lambda row: row[0]
    )
    pending = next(groups, None)
    event_count = 0
    for row in items:
        report.items += 1
        item_id, number = row[0], row[1]
        while pending is not None and pending[0] < item_id:
            event_count += sum(1 for _ in pending[1])  # events of a missing item: FK check
            pending = next(groups, None)
        if pending is None or pending[0] != item_id:
            report.add("state", f"问题 {number} 没有任何办理记录")
            continue
        state = dict(EMPTY_STATE)
        last_at = ""
        rows = list(pending[1])
        event_count += len(rows)
        if not _in_time_order(rows):
            report.add("state", f"问题 {number} 的办理记录顺序与发生时间不符")
        for _item, at, changes, _id, _uid, action, _params, _seq, withdrawn in rows:
            if withdrawn or action in META_ACTIONS:
                continue
            try:
                state.update(json.loads(changes))
            except (ValueError, TypeError):
                report.add("state", f"问题 {number} 有一条办理记录的变更内容无法解析")
            last_at = max(last_at, at)
        pending = next(groups, None)
        wrong = [
            (name, row[3 + index], state[name])
            for index, name in enumerate(STATE_FIELDS)
            if row[3 + index] != state[name]
        ]
        if wrong:
            shown = "；".join(
                f"{FIELD.get(name, name)}为“{_show(have, name)}”，按办理记录应为“{_show(want, name)}”"
                for name, have, want in wrong[:3]
            )
            more = f"（另有 {len(wrong) - 3} 项不符）" if len(wrong) > 3 else ""
            report.add("state", f"问题 {number}：{shown}{more}")
        if row[2] != last_at:
            report.add(
                "last_event",
                f"问题 {number}：最后办理时间为 {_show(row[2])}，办理记录中最晚为 {last_at}",
            )
    while pending is not None:
        event_count += sum(1 for _ in pending[1])
        pending = next(groups, None)
    report.events = event_count


def _search(conn: sqlite3.Connection, report: CheckOutcome) -> None:
    count, wrong = fulltext.disagreements(conn, MAX_EXAMPLES)
    if not count:
        return
    numbers = dict(conn.execute("SELECT id, number FROM items"))
    shown = "、".join(str(numbers.get(item_id, f"（内部ID {item_id}）")) for item_id in wrong)
    report.add(
        "search",
        f"全文检索索引有 {count} 件问题与内容不符（问题 {shown}），"
        "可用 ledger check --repair 重建索引",
    )
    report.counts["search"] = count


def repair_search(conn: sqlite3.Connection) -> int:
    """Rebuild the full-text index from the items and events, in one transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        count = fulltext.rebuild(conn)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return count


def _in_time_order(rows: list[tuple[Any, ...]]) -> bool:
    """Stored positions and withdrawn flags agree with the history's rules."""
    events = []
    for _item, at, _changes, event_id, uid, action, params, seq, withdrawn in rows:
        try:
            decoded = json.loads(params) if params else None
        except (ValueError, TypeError):
            return False
        events.append(
            Event(event_id, uid, action, at, "", "", None, decoded, {}, seq, bool(withdrawn))
        )
    ordered = time_order(events)
    withdrawn_now = withdrawn_ids(events)
    return (
        [e.id for e in ordered] == [e.id for e in sorted(events, key=lambda e: e.seq)]
        and all((e.id in withdrawn_now) == e.withdrawn for e in events)
        and [e.seq for e in ordered] == list(range(1, len(ordered) + 1))
    )


def summary_counts(conn: sqlite3.Connection) -> Counter[str]:
    """Rows per table (what a backup or export must carry over)."""
    counts: Counter[str] = Counter()
    present = {
        row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    for table in TABLE:
        if table in present:
            counts[table] = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    return counts
