"""``ledger check``: is the file sound, and does every item row agree with its history?

Checks, in order (labels.CHECK):

- ``integrity``: SQLite's own ``PRAGMA integrity_check`` (or ``quick_check``);
- ``foreign_keys``: ``PRAGMA foreign_key_check`` — no record points at a missing one;
- ``numbers``: item and meeting numbers (and uids) are unique;
- ``state``: every item's events are stored in time order (``seq`` equals
  :func:`~ledger.domain.events.time_order`, withdrawn flags equal the 撤销 in force) and its
  row equals :func:`~ledger.domain.lifecycle.replay` of the events in force in that order, over
  :data:`~ledger.domain.lifecycle.STATE_FIELDS`; every item has at least one event;
- ``last_event``: ``items.last_event_at`` equals the latest ``at`` of the events in force;
- ``search``: the full-text index holds, for every item, exactly the document computed afresh
  from the item and its events; :func:`repair_search` rebuilds it (``ledger check --repair``).
- ``registry``: every area, unit and meeting that was renamed or edited holds the value its
  last change gave, and its changes follow on from one another (``registry_events``).

The last three are one streaming pass over items, events and index entries
(:mod:`ledger.io.check_items`, which explains its fast path). SQLite's check runs meanwhile on
a second connection, in C, without the GIL. Both read the file through a memory map
(:data:`MMAP_SIZE`): SQLite's check reads index pages over and over, and a map saves a system
call and a copy for each read — on a million items a third of the check's CPU time.

The check reads a plain ``sqlite3.Connection`` so that ``ledger backup`` can verify a copy
without opening it as a ledger (which would migrate it).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ledger.domain.labels import CHECK, REGISTRY_FIELD, TABLE
from ledger.io.check_items import check_items, show
from ledger.store import fulltext

# Examples kept per kind of problem: a tampered 100,000-item file must not print 100,000 lines.
MAX_EXAMPLES = 20

# How much of the file SQLite may read through a memory map while checking: its own ceiling
# (SQLITE_MAX_MMAP_SIZE, 2 GB less 64 KB by default); beyond it pages are read as usual.
MMAP_SIZE = 2_147_418_112


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
    summarised: set[str] = field(default_factory=set)  # kinds one problem describes in full

    @property
    def ok(self) -> bool:
        return not any(self.counts.values()) and not self.skipped

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def unlisted(self) -> int:
        """Problems counted but not described (beyond the examples kept per kind)."""
        listed = Counter(problem.kind for problem in self.problems)
        return sum(
            count - listed[kind]
            for kind, count in self.counts.items()
            if kind not in self.summarised and count > listed[kind]
        )

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
        with mapped(conn):
            found = CheckOutcome(quick=quick)
            _numbers(conn, found, quick=quick)
            passed = check_items(conn, found, limit=MAX_EXAMPLES)
            # The items' references and the events' were gathered on the pass: SQLite checks
            # the items' only when one of them is not there (to describe it as it does).
            fine = _references_exist(conn, passed.referenced)
            _foreign_keys(conn, ledger_report, but=("events", "items") if fine else ("events",))
            _registry(conn, found)
            for item_id in passed.missing:  # the events' own foreign key
                for (rowid,) in conn.execute(
                    "SELECT rowid FROM events WHERE item_id = ? ORDER BY rowid", (item_id,)
                ):
                    _dangling(conn, ledger_report, "events", rowid, "items")
            ledger_report.problems += found.problems
            ledger_report.summarised |= found.summarised
            for kind, count in found.counts.items():
                ledger_report.counts[kind] += count
            ledger_report.items, ledger_report.events = found.items, found.events
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
    report.summarised = ledger_report.summarised
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
        with mapped(conn):
            return _finished(run(conn))

    def in_thread() -> list[str]:
        other = sqlite3.connect(files[0], timeout=30)
        try:
            other.execute(f"PRAGMA mmap_size = {MMAP_SIZE}")
            return run(other)
        finally:
            other.close()

    executor = ThreadPoolExecutor(max_workers=1)
    future = executor.submit(in_thread)
    executor.shutdown(wait=False)  # the caller waits on the future, after its own checks
    return future


@contextlib.contextmanager
def mapped(conn: sqlite3.Connection) -> Iterator[None]:
    """Read ``conn``'s file through a memory map for a while, then as before."""
    try:
        before = conn.execute("PRAGMA mmap_size").fetchone()
        if before is not None:  # None: a database in memory, nothing to map
            conn.execute(f"PRAGMA mmap_size = {MMAP_SIZE}")
    except sqlite3.DatabaseError:  # a damaged file: the check reads it as it can
        before = None
    if before is None:
        yield
        return
    try:
        yield
    finally:
        with contextlib.suppress(sqlite3.DatabaseError):
            conn.execute(f"PRAGMA mmap_size = {before[0]}")


def _foreign_keys(conn: sqlite3.Connection, report: CheckOutcome, *, but: tuple[str, ...]) -> None:
    """SQLite's foreign-key check, table by table, of every table but those in ``but``."""
    tables = conn.execute(
        "SELECT DISTINCT m.name FROM sqlite_master m, pragma_foreign_key_list(m.name) "
        "WHERE m.type = 'table' ORDER BY m.name"
    ).fetchall()
    for (table,) in tables:
        if table in but:
            continue
        for child, rowid, parent, _fk in conn.execute(f'PRAGMA foreign_key_check("{table}")'):
            _dangling(conn, report, child, rowid, parent)


def _references_exist(conn: sqlite3.Connection, referenced: dict[str, set[Any]]) -> bool:
    """Whether every value the items refer to is there, when the items' foreign keys (as
    SQLite lists them, each of one column) are exactly the columns gathered. Values are
    compared as Python compares them: a value SQLite would match some other way (case, a
    number written as text) counts as missing, and SQLite then checks the items itself, so
    nothing missing is ever let through."""
    listed = conn.execute("PRAGMA foreign_key_list(items)").fetchall()
    keys = {column: (table, to) for _id, _seq, table, column, to, *_ in listed}
    if len(keys) != len(listed) or set(keys) != set(referenced):  # not what the pass gathers
        return False
    try:
        for column, (table, to) in keys.items():
            values = referenced[column] - {None}
            if table == "items":  # a few repeats: looked up one by one
                lookup = f'SELECT 1 FROM items WHERE "{to}" = ?'
                if any(conn.execute(lookup, (value,)).fetchone() is None for value in values):
                    return False
            elif values - {row[0] for row in conn.execute(f'SELECT "{to}" FROM "{table}"')}:
                return False
    except sqlite3.OperationalError:  # a table dropped behind the ledger's back
        return False
    return True


_REGISTRY_TABLES = {"area": "areas", "unit": "units", "meeting": "meetings"}


def _registry(conn: sqlite3.Connection, report: CheckOutcome) -> None:
    """Every registry row that has a history agrees with it: its changes follow on from one
    another in the order they were typed (each starts from the value the one before left),
    and the row holds the value its last change gave. A row without changes has nothing to
    agree with (its first values were typed, not changed)."""
    present = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'registry_events'"
    ).fetchone()
    if not present:  # older than migration 008
        return
    histories: dict[tuple[str, int], list[tuple[int, str]]] = {}
    for event_id, entity, entity_id, changes in conn.execute(
        "SELECT id, entity, entity_id, changes FROM registry_events ORDER BY id"
    ):
        histories.setdefault((entity, entity_id), []).append((event_id, changes))
    for (entity, entity_id), events in histories.items():
        table = _REGISTRY_TABLES.get(entity)
        if table is None:
            continue
        cursor = conn.execute(f"SELECT * FROM {table} WHERE id = ?", (entity_id,))
        row = cursor.fetchone()
        label = TABLE[table]
        if row is None:
            report.add("registry", f"{label}修改记录（内部ID {events[0][0]}）所改的{label}不存在")
            continue
        stored = dict(zip((column[0] for column in cursor.description), row, strict=True))
        what = f"{label} {stored['number'] if table == 'meetings' else stored['name']}"
        _registry_history(what, stored, events, report)


def _registry_history(
    what: str, stored: dict[str, Any], events: list[tuple[int, str]], report: CheckOutcome
) -> None:
    last: dict[str, Any] = {}  # field → the value its latest change gave
    for _event_id, text in events:
        try:
            changes = json.loads(text)
            pairs = [(name, old, new) for name, (old, new) in changes.items()]
        except (ValueError, TypeError, AttributeError):
            report.add("registry", f"{what} 有一条修改记录无法解析")
            return
        for name, old, new in pairs:
            if name in last and last[name] != old:
                field_label = REGISTRY_FIELD.get(name, name)
                report.add(
                    "registry",
                    f"{what} 的修改记录前后不接：{field_label}改为“{show(last[name])}”后，"
                    f"下一条从“{show(old)}”改起",
                )
                return
            last[name] = new
    for name, value in last.items():
        if name in stored and stored[name] != value:
            report.add(
                "registry",
                f"{what}：{REGISTRY_FIELD.get(name, name)}为“{show(stored[name])}”，"
                f"按修改记录应为“{show(value)}”",
            )


def _dangling(
    conn: sqlite3.Connection, report: CheckOutcome, table: str, rowid: int, parent: str
) -> None:
    what = _describe_row(conn, table, rowid)
    report.add("foreign_keys", f"{what}引用的{TABLE.get(parent, parent)}不存在（已被删除或被改动）")


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


def _numbers(conn: sqlite3.Connection, report: CheckOutcome, *, quick: bool) -> None:
    """Item and meeting numbers and every uid unique.

    A column with a unique index of its own needs no count here: SQLite's full check reports
    a duplicate in a unique index (and the ledger checks count only when that check passed).
    Its quick check does not, nor can an index that is missing: then the rows are counted.
    """
    for table, column in _NUMBERED:
        if not quick and column in _unique_columns(conn, table):
            continue
        label = TABLE[table]
        for value, count in conn.execute(
            f"SELECT {column}, count(*) FROM {table} GROUP BY {column} HAVING count(*) > 1"
        ):
            if column == "number":
                report.add("numbers", f"{label}编号 {value} 重复（{count} 条）")
            else:
                report.add("numbers", f"{label}唯一编号 {value} 重复（{count} 条）")


_NUMBERED = (
    ("items", "number"),
    ("meetings", "number"),
    *((table, "uid") for table in ("areas", "units", "meetings", "items", "events")),
)


def _unique_columns(conn: sqlite3.Connection, table: str) -> set[str]:
    """Columns of ``table`` that a unique index over that column alone (not partial) covers."""
    columns = set()
    for _seq, index, unique, _origin, partial in conn.execute(f"PRAGMA index_list({table})"):
        if unique and not partial:
            names = [row[2] for row in conn.execute(f"PRAGMA index_info('{index}')")]
            if len(names) == 1:
                columns.add(names[0])
    return columns


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
