"""``ledger import items``: an existing 台账 sheet becomes items with their whole history.

Every row is read and checked first; nothing is written while any row has a problem (unless
``skip_bad``). A row's status (已办结, 已回复, 满意 …) and its dated columns are turned back
into the events that would have been recorded — 登记 on the day raised, 交办, 办结, 答复, 评价
each on its own date — so the imported items count in the past months' reports exactly as if
they had been kept in the ledger from the start. All rows go in one transaction, as a few
batched INSERTs: ids and numbers are allocated up front, places, units and categories come
from dictionaries loaded once, and no row costs a SELECT.

A row's import key is a hash of what identifies the matter — community, date raised, title,
reporter, phone — not of the file: the same row imported again, from this file or from a CSV
copy of it, or already typed in by hand, is recognised and not added twice.
"""

from __future__ import annotations

import gc
import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Unpack

from ledger.casework import history
from ledger.domain.dates import DAY_TEXT, iso
from ledger.io.importer import headers, table
from ledger.io.importer.item_reader import ItemReader as _ItemReader
from ledger.io.importer.record import Record
from ledger.io.importer.report import ImportOutcome
from ledger.registry import meetings
from ledger.store import fulltext
from ledger.store.ledger_file import Ledger
from ledger.views import repeats
from ledger.views.repeats import Suspect

Progress = Callable[[str, int, int | None], None]

BATCH = 2000
BULK_ROWS = 5000  # from this many new items on, indexes are rebuilt rather than grown
NO_RATING_NOTE = "原台账已归档，未记录评价"


def import_items(
    ledger: Ledger,
    path: Path | str,
    *,
    community: str | None = None,
    **options: Unpack[table.Options],
) -> ImportOutcome:
    """Import the problems listed in a spreadsheet; returns what was (or would be) done.

    Raises :class:`ImportRefused` (listing every problem) when any row is wrong and
    ``skip_bad`` is not set; then nothing is written.
    """
    collecting = gc.isenabled()
    # Every record read stays alive until written: the collector would only rescan them.
    gc.disable()
    try:
        return _import(ledger, path, community, options)
    finally:
        if collecting:
            gc.enable()


def _import(
    ledger: Ledger, path: Path | str, community: str | None, options: table.Options
) -> ImportOutcome:
    with table.opened("items", path, headers.ITEMS, options) as job:
        reader = _ItemReader(ledger, job.source, community)
        records = reader.read(job)
    report = job.report
    _deduplicate(ledger, records, report, reader)
    job.refuse_if_wrong()
    reader.summarise(records, report)
    report.repeats = _look_for_repeats(ledger, records)
    if job.writing() and records:
        _write(ledger, records, reader, report, options.get("progress"))
    return report


def _look_for_repeats(ledger: Ledger, records: list[Record]) -> list[Suspect]:
    """The rows that look like repeats (重复反映) of an item in the ledger or of an earlier
    row: reported, never linked by themselves (a clerk decides with ``ledger link``)."""
    probes = [
        repeats.Probe((r.sheet, r.row), r.title, r.community_id, r.place_id, r.reporter,
                      r.phone, DAY_TEXT[r.raised])
        for r in records
    ]  # fmt: skip
    return repeats.among(ledger, probes)


# --- duplicates -------------------------------------------------------------------------


def _deduplicate(
    ledger: Ledger, records: list[Record], report: ImportOutcome, reader: _ItemReader
) -> None:
    """Drop rows already in the ledger (imported before, or typed in) and repeats in the file."""
    known: set[str] = {row[0] for row in ledger.conn.execute("SELECT key FROM import_keys")}
    for path_text, raised, title, reporter, phone in ledger.conn.execute(
        "SELECT a.path, i.raised_on, i.title, i.reporter, i.phone FROM items i "
        "JOIN areas a ON a.id = i.community_id"
    ):
        title_key = " ".join((title or "").split())
        content = "\x1f".join((path_text, raised, title_key, reporter or "", phone or ""))
        known.add(hashlib.sha256(content.encode()).hexdigest()[:32])
    first_seen: dict[str, tuple[str, int]] = {}
    kept: list[Record] = []
    for record in records:
        if record.key in known:
            report.existing += 1
            continue
        earlier = first_seen.get(record.key)
        if earlier is not None:
            report.repeated.append((record.sheet, record.row, earlier[1]))
            continue
        first_seen[record.key] = (record.sheet, record.row)
        kept.append(record)
    records[:] = kept
    if report.repeated:
        shown = "、".join(f"第{r}行（同第{f}行）" for _, r, f in report.repeated[:5])
        more = "等" if len(report.repeated) > 5 else ""
        report.notices.append(
            f"{len(report.repeated)} 行与表中前面的行内容相同，只导入一次：{shown}{more}"
        )


# --- writing ----------------------------------------------------------------------------

_KEY_SQL = "INSERT INTO import_keys (key, item_id, source, imported_at) VALUES (?, ?, ?, ?)"


def plan_of(r: Record, unit_id: int | None) -> list[history.Planned]:
    """The history a row tells, as actions on the days the sheet gives (no clock times)."""
    # In the order of imported.REGISTRATION_KEYS: its text is then written directly.
    add = {
        "title": r.title,
        "community_id": r.community_id,
        "place_id": r.place_id,
        "meeting_id": r.meeting_id,
        "source": r.source,
        "category": r.category,
        "scale": r.scale,
        "reporter": r.reporter,
        "phone": r.phone,
        "raised_on": DAY_TEXT[r.raised],
        "due_on": DAY_TEXT[r.due],
    }
    p = r.plan
    plan = [history.Planned("add", r.raised, add, r.note)]
    if p.assigned is not None and unit_id is not None:
        plan.append(history.Planned("assign", p.assigned, {"unit_id": unit_id}))
        if p.progress:
            plan.append(history.Planned("progress", p.assigned, {"text": p.progress}, p.progress))
    if p.finish is not None and p.finished is not None and p.result is not None:
        plan.append(history.Planned(p.finish, p.finished, {"text": p.result}, p.result))
    if p.replied is not None and p.reply_text is not None:
        params = {"text": p.reply_text, "channel": r.channel}
        plan.append(history.Planned("reply", p.replied, params, p.reply_text))
    if p.end is not None and p.closed is not None and r.reopen_due is not None:
        # 不满意 and not filed: 重办 by the same unit, as ``ledger rate`` records it.
        params = {"rating": p.rating, "unit_id": None}
        plan.append(history.Planned("reopen", p.closed, params, r.rating_note))
    elif p.end is not None and p.closed is not None:
        if p.end == "rate" and p.rating is not None:
            plan.append(history.Planned("rate", p.closed, {"rating": p.rating}, r.rating_note))
        else:
            plan.append(history.Planned("close", p.closed, {}, NO_RATING_NOTE))
    return plan


def _write(
    ledger: Ledger,
    records: list[Record],
    reader: _ItemReader,
    report: ImportOutcome,
    progress: Progress | None,
) -> None:
    """Everything in one transaction: new units, then items, events and keys in batches.

    Each row's history goes through :func:`history.derive_new_item`, the same replay and
    effects every action uses, so an imported item obeys the lifecycle like a typed one.
    """
    conn = ledger.conn
    now_text = iso(reader.now)
    file_name = reader.source.path.name
    next_uid = _uid_sequence()

    with ledger.transaction():
        first_number = ledger.next_number("items")
        first_id = int(conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM items").fetchone()[0])
        unit_ids: dict[str, int] = {}
        used = {r.plan.unit for r in records if isinstance(r.plan.unit, str)}
        for name, kind in reader.new_units.items():
            if name in used:
                cursor = conn.execute(
                    "INSERT INTO units (uid, name, kind, created_at) VALUES (?, ?, ?, ?)",
                    (next_uid(), name, kind, now_text),
                )
                unit_ids[name] = int(cursor.lastrowid or 0)
        _write_meetings(ledger, records, reader)  # sets meeting_id of the rows in a block
        rebuild = _drop_indexes(conn, len(records), first_id - 1)
        key_rows: list[tuple[Any, ...]] = []
        total = len(records)
        events = 0
        with fulltext.bulk_load(conn) as index:
            for offset in range(0, total, BATCH):
                batch: list[history.NewItem] = []
                for position, r in enumerate(records[offset : offset + BATCH], start=offset):
                    item_id = first_id + position
                    unit_id = unit_ids[r.plan.unit] if isinstance(r.plan.unit, str) else r.plan.unit
                    plan = plan_of(r, unit_id)
                    batch.append(
                        history.NewItem(item_id, next_uid(), first_number + position, plan)
                    )
                    key_rows.append(
                        (r.key, item_id, f"{file_name} {r.sheet} 第{r.row}行", now_text)
                    )
                for item in history.write_new_items(ledger, batch, next_uid):
                    _index(index, item, reader)
                    events += len(batch[item.id - batch[0].id].plan)
                if progress is not None:
                    progress("写入", offset + len(batch), total)
            # Keys are hashes, in no order: inserted sorted, the key index grows at its end.
            key_rows.sort()
            conn.executemany(_KEY_SQL, key_rows)
            for sql in rebuild:
                conn.execute(sql)
    report.written = True
    report.new_numbers = {
        (r.sheet, r.row): first_number + position for position, r in enumerate(records)
    }
    report.events = events
    report.numbers = (first_number, first_number + total - 1)


def _index(index: fulltext.BulkIndex, item: history.Written, reader: _ItemReader) -> None:
    """A new item's search document, from what was written."""
    if not item.in_order:
        index.mark(item.id)
        return
    state = item.state
    place = state["place_id"]
    index.add(
        item.id,
        state["title"],
        (state["reporter"], state["result"], state["reply_text"], state["last_progress"]),
        reader.area_name[state["community_id"]],
        reader.area_path[place] if place is not None else None,
        item.notes,
    )


def _write_meetings(ledger: Ledger, records: list[Record], reader: _ItemReader) -> None:
    """The meetings named in the file, each written once (inside the import's transaction)
    or matched with one the ledger has (same community, day and kind); every row of a
    meeting's block gets its id."""
    for r in records:
        meeting = r.meeting
        if meeting is None or meeting.held_on() is None:
            continue
        meeting_id = meeting.ids.get(r.community_id)
        if meeting_id is None:
            held = meeting.held_on()
            assert held is not None
            meeting_id = reader.meeting(
                r.community_id, held.isoformat(), meeting.kind, meeting.host
            )
            if meeting_id is None:
                meeting_id, _ = meetings.insert(
                    ledger, kind=meeting.kind, held_on=held, community_id=r.community_id,
                    host=meeting.host, attendees=meeting.attendees, note=meeting.note,
                )  # fmt: skip
            meeting.ids[r.community_id] = meeting_id
        r.meeting_id = meeting_id


def _drop_indexes(conn: Any, adding: int, existing: int) -> list[str]:
    """For a bulk load (at least BULK_ROWS rows, and more than the ledger holds), drop the
    secondary indexes of items and events and return the statements that rebuild them:
    building an index once by sorting is several times faster than growing it row by row.
    Inside the import's transaction, so a crash leaves them as they were."""
    if adding < BULK_ROWS or adding < existing:
        return []
    found = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        "AND tbl_name IN ('items', 'events')"
    ).fetchall()
    for name, _ in found:
        conn.execute(f'DROP INDEX "{name}"')
    return [sql for _, sql in found]


def _uid_sequence() -> Callable[[], str]:
    """Globally unique ids for one import: 80 random bits shared by the import, then a
    counter. Unique like uuid4 (no two imports share the random part in practice), but in
    order, so the uid indexes grow at one end instead of at random places."""
    base = os.urandom(10).hex()
    # f"{base}{n:012x}" for n = 1, 2, …, made without a Python call per uid
    return map(f"{base}{{:012x}}".format, range(1, 1 << 48)).__next__
