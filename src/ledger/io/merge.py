"""``ledger merge``: roll community ledgers up into this one (街道汇总).

Records are matched by their globally unique ids (uid), so merging the same file again, or a
newer copy of it, adds only what is new:

- categories by code, then by label; areas by uid, then by path; units by uid, then by name
  within the same area; meetings, items and events by uid.
- A new item gets the next local number; the number it had in its community ledger stays
  visible in ``origin_number`` / ``origin_ledger`` (kept from the first ledger it came from
  when ledgers are rolled up twice, community → subdistrict → county).
- A known item whose history in the other file goes further (its events there are ours plus
  more) gets the new events, and its row is re-derived by replaying all its events.
- A known item changed differently in both files (each has events the other lacks) is a
  conflict: reported, and left exactly as it is here.
- Ids inside events' ``changes`` (community, place, unit, meeting, category) are translated
  to this ledger's ids.

The whole merge, of every file given, is one transaction: all of it or none of it.
``--dry-run`` runs the same merge and rolls it back, so what it reports is exactly what a real
merge would do.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import Any

from ledger.casework import history
from ledger.domain.errors import LedgerError
from ledger.domain.lifecycle import STATE_FIELDS, replay
from ledger.domain.text import clean, strip_unsafe
from ledger.io.merge_source import (
    AREA_KEYS,
    EVENT_TEXT,
    ITEM_TEXT,
    MEETING_FIELDS,
    MEETING_TEXT,
    PARAMS_TEXT,
    UNIT_TEXT,
    canonical_time,
    columns_of,
    open_source,
    rows_as_dicts,
)
from ledger.registry import areas, categories
from ledger.store.ledger_file import Ledger


@dataclass
class Conflict:
    """An item changed differently here and in the other file: left as it is here."""

    number: int
    origin: str
    ours: int  # events only this ledger has
    theirs: int  # events only the other file has


@dataclass
class SourceOutcome:
    """What merging one file did."""

    path: Path
    name: str
    added: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(
            ("categories", "areas", "units", "meetings", "items", "events"), 0
        )
    )
    updated: int = 0  # known items that got new events
    unchanged: int = 0  # known items with nothing new
    conflicts: list[Conflict] = field(default_factory=list)
    meeting_conflicts: list[str] = field(default_factory=list)
    numbers: list[tuple[int, int]] = field(default_factory=list)  # (original, local) of new items

    def as_json(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "ledger": self.name,
            "added": dict(self.added),
            "items_updated": self.updated,
            "items_unchanged": self.unchanged,
            "conflicts": [c.__dict__ for c in self.conflicts],
            "meeting_conflicts": self.meeting_conflicts,
            "numbers": [{"origin_number": o, "number": n} for o, n in self.numbers],
        }


@dataclass
class MergeOutcome:
    """Every file's report; ``dry_run`` when nothing was written."""

    sources: list[SourceOutcome] = field(default_factory=list)
    dry_run: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"dry_run": self.dry_run, "files": [s.as_json() for s in self.sources]}


class _Rollback(Exception):
    """Raised inside the transaction to undo a dry run."""


def merge(ledger: Ledger, paths: list[Path], *, dry_run: bool = False) -> MergeOutcome:
    """Merge every file in ``paths`` into ``ledger``, in one transaction (rolled back if dry)."""
    if not paths:
        raise LedgerError("请指定要合并的台账文件")
    sources: list[tuple[Path, sqlite3.Connection]] = []
    try:
        for path in paths:  # every file is checked before anything is written
            sources.append((path, open_source(path, ledger)))
        report = MergeOutcome(dry_run=dry_run)
        with contextlib.suppress(_Rollback), ledger.transaction():
            for path, conn in sources:
                conn.execute("BEGIN")  # one snapshot of the other file, even if it is in use
                try:
                    report.sources.append(_Merger(ledger, conn, path).run())
                finally:
                    conn.execute("COMMIT")
            if dry_run:
                raise _Rollback
    except sqlite3.IntegrityError as error:
        raise LedgerError(
            f"合并失败，台账未作任何改动：两份台账的记录相互矛盾（{error}）"
        ) from error
    finally:
        for _, conn in sources:
            conn.close()
    return report


class _Merger:
    """One file merged into the ledger (inside the caller's transaction)."""

    def __init__(self, ledger: Ledger, source: sqlite3.Connection, path: Path) -> None:
        self.ledger = ledger
        self.target = ledger.conn
        self.source = source
        self.report = SourceOutcome(path, path.stem)
        self.areas: dict[int, int] = {}
        self.units: dict[int, int] = {}
        self.meetings: dict[int, int] = {}
        self.categories: dict[str, str] = {}
        self.items: dict[int, int] = {}
        self.target_columns = {
            t: columns_of(self.target, t) for t in ("items", "events", "meetings")
        }

    def run(self) -> SourceOutcome:
        self._categories()
        self._areas()
        self._units()
        self._meetings()
        self._items()
        self._import_keys()
        return self.report

    def _fail(self, message: str) -> LedgerError:
        return LedgerError(
            f"“{self.report.path}”{message}；请先对该台账运行 ledger check。台账未作任何改动"
        )

    # --- names and text from the other file --------------------------------------------

    def _refuse(self, message: str) -> LedgerError:
        return LedgerError(f"“{self.report.path}”中{message}；台账未作任何改动")

    def _name(self, name: str, what: str) -> str:
        """A place's or unit's name as it could have been typed here: cleaned, or refused
        when it holds a "/" (which separates levels) or nothing visible."""
        try:
            parts = areas.split_path(name)
        except LedgerError as error:
            raise self._refuse(f"{what}“{strip_unsafe(name)[:60]}”：{error}") from error
        if len(parts) != 1:
            raise self._refuse(
                f"{what}“{strip_unsafe(name)[:60]}”含有“/”等不能输入的字符或没有可见文字，"
                "不是用 ledger 录入的"
            )
        return parts[0]

    def _clean(self, record: dict[str, Any], fields: dict[str, tuple[str, str]], what: str) -> bool:
        """Clean ``record``'s free-text fields in place; True when any changed."""
        changed = False
        for key, (kind, label) in fields.items():
            value = record.get(key)
            if not isinstance(value, str):
                continue
            try:
                cleaned = clean(value, kind, label, required=key == "title")
            except LedgerError as error:
                raise self._refuse(f"{what}的{error}") from error
            if cleaned != value:
                record[key], changed = cleaned, True
        return changed

    def _clean_event(self, event: dict[str, Any], number: int) -> None:
        """An event's text and times as this version writes them."""
        what = f"问题 {number} 的办理记录"
        self._clean(event, EVENT_TEXT, what)
        for key in ("at", "recorded_at"):
            event[key] = canonical_time(event.get(key))
        if self._clean(event["parsed"], ITEM_TEXT, what):
            event["changes"] = json.dumps(event["parsed"], ensure_ascii=False, sort_keys=True)
        if event.get("params"):  # replay re-derives changes from these: clean them alike
            params = json.loads(event["params"])
            fields = params.get("fields") if isinstance(params.get("fields"), dict) else {}
            if self._clean(params, PARAMS_TEXT, what) | self._clean(fields, PARAMS_TEXT, what):
                event["params"] = json.dumps(params, ensure_ascii=False, sort_keys=True)

    # --- reference data ----------------------------------------------------------------

    def _categories(self) -> None:
        known = dict(self.target.execute("SELECT code, label FROM categories"))
        by_label = {label: code for code, label in known.items()}
        for row in rows_as_dicts(self.source, "SELECT * FROM categories ORDER BY position"):
            code = row["code"]
            label = clean(row["label"], "name", "问题类别名称", required=True)
            if code in known:
                self.categories[code] = code
            elif label in by_label:
                self.categories[code] = by_label[label]
            else:
                categories.append(self.target, code, label)
                known[code], by_label[label] = label, code
                self.categories[code] = code
                self.report.added["categories"] += 1

    def _areas(self) -> None:
        by_uid = {
            uid: (i, p) for i, uid, p in self.target.execute("SELECT id, uid, path FROM areas")
        }
        by_path = {p: i for i, p in by_uid.values()}
        path_of = {i: p for i, p in by_uid.values()}
        rows = list(rows_as_dicts(self.source, "SELECT * FROM areas"))
        rows.sort(key=lambda r: (r["path"].count("/"), r["id"]))  # parents first
        for row in rows:
            if row["uid"] in by_uid:
                self.areas[row["id"]] = by_uid[row["uid"]][0]
                continue
            row["name"] = self._name(row["name"], "区划")
            parent = None
            if row["parent_id"] is not None:
                if row["parent_id"] not in self.areas:
                    raise self._fail(f"中的区划“{row['path']}”的上级区划不存在")
                parent = self.areas[row["parent_id"]]
            # The path as it is here: the parent may have been matched by uid under another name.
            path = f"{path_of[parent]}/{row['name']}" if parent is not None else row["name"]
            if path in by_path:
                self.areas[row["id"]] = by_path[path]
                continue
            new_id = self.target.execute(
                "INSERT INTO areas(uid, parent_id, level, name, path, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (row["uid"], parent, row["level"], row["name"], path, row["created_at"]),
            ).lastrowid
            assert new_id is not None
            by_uid[row["uid"]] = (new_id, path)
            by_path[path], path_of[new_id] = new_id, path
            self.areas[row["id"]] = new_id
            self.report.added["areas"] += 1

    def _area(self, area_id: int | None, what: str) -> int | None:
        if area_id is None:
            return None
        if area_id not in self.areas:
            raise self._fail(f"中{what}引用的区划（内部ID {area_id}）不存在")
        return self.areas[area_id]

    def _units(self) -> None:
        by_uid = dict(self.target.execute("SELECT uid, id FROM units"))
        by_name = {
            (n, a): i for i, n, a in self.target.execute("SELECT id, name, area_id FROM units")
        }
        for row in rows_as_dicts(self.source, "SELECT * FROM units ORDER BY id"):
            if row["uid"] in by_uid:
                self.units[row["id"]] = by_uid[row["uid"]]
                continue
            row["name"] = self._name(row["name"], "承办单位")
            self._clean(row, UNIT_TEXT, f"承办单位“{row['name']}”")
            area = self._area(row["area_id"], f"承办单位“{row['name']}”")
            if (row["name"], area) in by_name:
                self.units[row["id"]] = by_name[(row["name"], area)]
                continue
            new_id = self.target.execute(
                "INSERT INTO units(uid, name, kind, phone, contact, area_id, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    row["uid"],
                    row["name"],
                    row["kind"],
                    row["phone"],
                    row["contact"],
                    area,
                    row["created_at"],
                ),
            ).lastrowid
            assert new_id is not None
            by_uid[row["uid"]] = by_name[(row["name"], area)] = new_id
            self.units[row["id"]] = new_id
            self.report.added["units"] += 1

    def _origin(self, row: dict[str, Any]) -> tuple[int, str]:
        """The first ledger's number and name (kept through a second roll-up)."""
        if row.get("origin_number") is not None:
            return row["origin_number"], row.get("origin_ledger") or self.report.name
        return row["number"], self.report.name

    def _meetings(self) -> None:
        next_number = self.ledger.next_number("meetings")
        columns = self.target_columns["meetings"]
        for row in rows_as_dicts(self.source, "SELECT * FROM meetings ORDER BY id"):
            self._clean(row, MEETING_TEXT, f"会议 {row['number']} ")
            row["community_id"] = self._area(row["community_id"], f"会议 {row['number']} ")
            row["place_id"] = self._area(row["place_id"], f"会议 {row['number']} ")
            known = next(
                rows_as_dicts(self.target, "SELECT * FROM meetings WHERE uid = ?", (row["uid"],)),
                None,
            )
            if known is not None:
                self.meetings[row["id"]] = known["id"]
                differ = [f for f in MEETING_FIELDS if known[f] != row[f]]
                if differ:
                    number, name = self._origin(row)
                    self.report.meeting_conflicts.append(
                        f"会议 {known['number']}（{name} 原编号 {number}）在两份台账中的记录不同，"
                        "保留本台账的记录"
                    )
                continue
            origin_number, origin_ledger = self._origin(row)
            row.update(number=next_number, origin_number=origin_number, origin_ledger=origin_ledger)
            next_number += 1
            values = {k: v for k, v in row.items() if k in columns and k != "id"}
            new_id = self.target.execute(
                f"INSERT INTO meetings ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                list(values.values()),
            ).lastrowid
            assert new_id is not None
            self.meetings[row["id"]] = new_id
            self.report.added["meetings"] += 1

    # --- items and their events --------------------------------------------------------

    def _translate(self, changes: dict[str, Any], number: int) -> bool:
        """Turn the other file's ids in ``changes`` into ours; True when anything changed."""
        touched = False
        maps: list[tuple[str, dict[Any, Any], str]] = [
            *((key, self.areas, "区划") for key in AREA_KEYS),
            ("unit_id", self.units, "承办单位"),
            ("meeting_id", self.meetings, "会议"),
            ("category", self.categories, "问题类别"),
            # 重复反映: the original (row and link events), merged before its repeats
            # (it was raised earlier, and items are merged in the order they were typed).
            ("repeat_of", self.items, "原问题"),
            ("item_id", self.items, "原问题"),
        ]
        for key, mapping, what in maps:
            value = changes.get(key)
            if value is None:
                continue
            if value not in mapping:
                raise self._fail(f"中问题 {number} 的办理记录引用的{what}（{value}）不存在")
            if mapping[value] != value:
                changes[key] = mapping[value]
                touched = True
        return touched

    def _translate_params(self, event: dict[str, Any], number: int) -> None:
        """Ids inside an event's inputs (``params``) become ours too."""
        if not event.get("params"):
            return
        params = json.loads(event["params"])
        touched = self._translate(params, number)
        if isinstance(params.get("fields"), dict):
            touched = self._translate(params["fields"], number) or touched
        if touched:
            event["params"] = json.dumps(params, ensure_ascii=False, sort_keys=True)

    def _events_of(self) -> Iterator[tuple[int, list[dict[str, Any]]]]:
        # In recording order: that order breaks ties between events of the same moment.
        events = rows_as_dicts(self.source, "SELECT * FROM events ORDER BY item_id, id")
        for item_id, group in groupby(events, key=lambda e: e["item_id"]):
            yield item_id, list(group)

    def _items(self) -> None:
        next_number = self.ledger.next_number("items")
        event_groups = self._events_of()
        pending = next(event_groups, None)
        for row in rows_as_dicts(self.source, "SELECT * FROM items ORDER BY id"):
            while pending is not None and pending[0] < row["id"]:
                pending = next(event_groups, None)
            if pending is None or pending[0] != row["id"]:
                raise self._fail(f"中问题 {row['number']} 没有办理记录")
            events = pending[1]
            pending = next(event_groups, None)
            for event in events:
                event["parsed"] = json.loads(event["changes"])
                self._clean_event(event, row["number"])
                if self._translate(event["parsed"], row["number"]):
                    event["changes"] = json.dumps(
                        event["parsed"], ensure_ascii=False, sort_keys=True
                    )
                self._translate_params(event, row["number"])
            known = self.target.execute(
                "SELECT id, number FROM items WHERE uid = ?", (row["uid"],)
            ).fetchone()
            if known is None:
                self._add_item(row, events, next_number)
                next_number += 1
            else:
                self._update_item(row, events, known[0], known[1])

    def _insert_events(self, item_id: int, events: list[dict[str, Any]]) -> None:
        columns = [c for c in self.target_columns["events"] if c != "id" and c in events[0]]
        sql = f"INSERT INTO events ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        for event in events:
            event["item_id"] = item_id
            self.target.execute(sql, [event[c] for c in columns])
        self.report.added["events"] += len(events)

    def _add_item(self, row: dict[str, Any], events: list[dict[str, Any]], number: int) -> None:
        source_id = row["id"]
        state = replay(e["parsed"] for e in events)
        origin_number, origin_ledger = self._origin(row)
        values = {k: v for k, v in row.items() if k in self.target_columns["items"] and k != "id"}
        values.update({name: state[name] for name in STATE_FIELDS})
        values.update(
            number=number,
            last_event_at=events[-1]["at"],
            origin_number=origin_number,
            origin_ledger=origin_ledger,
        )
        new_id = self.target.execute(
            f"INSERT INTO items ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
            list(values.values()),
        ).lastrowid
        assert new_id is not None
        self.items[source_id] = new_id
        self._insert_events(new_id, events)
        self._rederive(new_id, number)
        self.report.added["items"] += 1
        self.report.numbers.append((origin_number, number))

    def _update_item(
        self, row: dict[str, Any], events: list[dict[str, Any]], item_id: int, number: int
    ) -> None:
        self.items[row["id"]] = item_id
        ours = {
            uid
            for (uid,) in self.target.execute(
                "SELECT uid FROM events WHERE item_id = ?", (item_id,)
            )
        }
        theirs = {event["uid"] for event in events}
        new = [event for event in events if event["uid"] not in ours]
        if not new:
            self.report.unchanged += 1  # the same history, or ours already goes further
            return
        only_ours = ours - theirs
        if only_ours:
            origin_number, origin_ledger = self._origin(row)
            self.report.conflicts.append(
                Conflict(
                    number, f"{origin_ledger} 原编号 {origin_number}", len(only_ours), len(new)
                )
            )
            return
        self._insert_events(item_id, new)
        self._rederive(item_id, number)
        self.report.updated += 1

    def _rederive(self, item_id: int, number: int) -> None:
        """The item's history in time order and its row as the replay: the one event writer."""
        try:
            history.rebuild(self.ledger, item_id)
        except LedgerError as wrong:
            raise self._fail(f"中问题 {number} 的办理记录无法按时间顺序成立：{wrong}") from wrong

    def _import_keys(self) -> None:
        """Keys of imported spreadsheet rows follow their items, so re-importing adds nothing."""
        tables = {row[0] for row in self.source.execute("SELECT name FROM sqlite_master")}
        if "import_keys" not in tables or "import_keys" not in {
            row[0] for row in self.target.execute("SELECT name FROM sqlite_master")
        }:
            return
        columns = [
            c
            for c in columns_of(self.source, "import_keys")
            if c in columns_of(self.target, "import_keys")
        ]
        sql = (
            f"INSERT OR IGNORE INTO import_keys ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' * len(columns))})"
        )
        for row in rows_as_dicts(self.source, f"SELECT {', '.join(columns)} FROM import_keys"):
            if row.get("item_id") in self.items:
                row["item_id"] = self.items[row["item_id"]]
                self.target.execute(sql, [row[c] for c in columns])
