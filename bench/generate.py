"""Deterministic synthetic ledgers for benchmarks.

    python bench/generate.py 100000 bench/out/ledger-100k.db [--seed 7]

N items over 30 subdistricts / 300 communities / 12 months (2025-12 … 2026-11), in every status,
with events whose replay equals each item row (so ``ledger check`` passes). Rows are written
with plain SQL in one transaction: going through the core's per-action transactions would
take an hour for 100,000 items, and the point here is the data, not the write path.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from ledger.domain.dates import iso
from ledger.domain.labels import DEFAULT_CATEGORIES
from ledger.domain.lifecycle import replay
from ledger.domain.workdays import WorkCalendar
from ledger.store.ledger_file import open_ledger

FIRST_DAY = date(2025, 12, 1)
LAST_DAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 26, 9, 0, 0)
COUNTIES = ("任城区", "兖州区", "曲阜市")
SUBDISTRICTS_PER_COUNTY = 10
COMMUNITIES_PER_SUBDISTRICT = 10
UNIT_KINDS = ("department", "community", "property", "volunteer", "person")
CHANNELS = ("in_person", "phone", "wechat", "meeting")
WORDS = (
    "楼道灯不亮",
    "下水道堵塞",
    "路面破损",
    "车辆乱停",
    "垃圾清运不及时",
    "噪音扰民",
    "绿化缺失",
)


_SEQUENCE = iter(range(1, 1 << 40))


def _uid(rng: random.Random) -> str:
    """A counter then 80 random bits: unique, and each uid index grows at one end (a random
    128-bit uid scatters a million inserts over the whole B-tree: most of the build time)."""
    return f"{next(_SEQUENCE):012x}{rng.getrandbits(80):020x}"


def _at(day: date, rng: random.Random) -> str:
    minutes = 480 + int(rng.random() * 840)  # 08:00 … 21:59
    return f"{day.isoformat()}T{minutes // 60:02d}:{minutes % 60:02d}:00"


def _json(changes: dict[str, Any]) -> str:
    """``json.dumps(changes, ensure_ascii=False, sort_keys=True)`` for the plain values
    written here (text without quotes or backslashes, ints, None), at a fifth of the cost."""
    parts = []
    for key in sorted(changes):
        value = changes[key]
        if value is None:
            shown = "null"
        elif isinstance(value, int):
            shown = str(value)
        else:
            shown = f'"{value}"'
        parts.append(f'"{key}": {shown}')
    return "{" + ", ".join(parts) + "}"


def generate(n_items: int, path: Path, seed: int = 7) -> dict[str, int]:
    """Write a synthetic ledger of ``n_items`` items to ``path`` (which must not exist)."""
    rng = random.Random(seed)
    calendar = WorkCalendar()
    ledger = open_ledger(path, create=True, actor="bench")
    conn = ledger.conn
    created = iso(NOW)
    # A throwaway file being built: no journal, no fsync, a large page cache; the secondary
    # indexes are dropped and built once at the end (sorting once beats growing them row by
    # row). The file is put back in WAL mode before it is closed.
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -262144")
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        "AND tbl_name IN ('items', 'events')"
    ).fetchall()
    conn.execute("BEGIN IMMEDIATE")
    for name, _ in indexes:
        conn.execute(f"DROP INDEX {name}")
    area_rows: list[tuple[Any, ...]] = []
    communities: list[tuple[int, list[int]]] = []  # (community id, compound ids)
    next_area = 1
    for county in COUNTIES:
        county_id = next_area
        area_rows.append((county_id, _uid(rng), None, "county", county, county, created))
        next_area += 1
        for s in range(SUBDISTRICTS_PER_COUNTY):
            sub_name = f"{county[:2]}{s + 1}号街道"
            sub_path = f"{county}/{sub_name}"
            sub_id = next_area
            area_rows.append(
                (sub_id, _uid(rng), county_id, "subdistrict", sub_name, sub_path, created)
            )
            next_area += 1
            for c in range(COMMUNITIES_PER_SUBDISTRICT):
                com_name = f"{county[:2]}{s + 1}-{c + 1}社区"
                com_path = f"{sub_path}/{com_name}"
                com_id = next_area
                area_rows.append(
                    (com_id, _uid(rng), sub_id, "community", com_name, com_path, created)
                )
                next_area += 1
                compounds = []
                for k in range(2):
                    name = f"{com_name[:-2]}-{k + 1}小区"
                    area_rows.append(
                        (
                            next_area,
                            _uid(rng),
                            com_id,
                            "compound",
                            name,
                            f"{com_path}/{name}",
                            created,
                        )
                    )
                    compounds.append(next_area)
                    next_area += 1
                communities.append((com_id, compounds))
    conn.executemany(
        "INSERT INTO areas (id, uid, parent_id, level, name, path, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        area_rows,
    )

    units = [
        (
            i + 1,
            _uid(rng),
            f"承办单位{i + 1:02d}",
            UNIT_KINDS[i % len(UNIT_KINDS)],
            None,
            None,
            None,
            created,
        )
        for i in range(60)
    ]
    conn.executemany(
        "INSERT INTO units (id, uid, name, kind, phone, contact, area_id, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        units,
    )

    meeting_rows = []
    meetings_by_community: dict[int, list[tuple[int, str, date]]] = {}
    number = 0
    for com_id, compounds in communities:
        month_start = FIRST_DAY
        while month_start <= LAST_DAY:
            for kind in ("night_talk", "shuoshi"):
                number += 1
                held = month_start + timedelta(days=rng.randint(0, 24))
                held = min(held, LAST_DAY)
                meeting_rows.append(
                    (
                        number,
                        _uid(rng),
                        number,
                        kind,
                        iso(held),
                        com_id,
                        compounds[0],
                        "主持人",
                        rng.randint(10, 50),
                        None,
                        created,
                        "bench",
                    )
                )
                meetings_by_community.setdefault(com_id, []).append((number, kind, held))
            month_start = (month_start.replace(day=28) + timedelta(days=4)).replace(day=1)
    conn.executemany(
        "INSERT INTO meetings (id, uid, number, kind, held_on, community_id, place_id, host, "
        "attendees, note, created_at, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        meeting_rows,
    )

    categories = [code for code, _ in DEFAULT_CATEGORIES]
    span = (LAST_DAY - FIRST_DAY).days
    item_rows: list[tuple[Any, ...]] = []
    event_rows: list[tuple[Any, ...]] = []
    event_id = 0
    columns = None
    due_dates: dict[tuple[date, str], date] = {}
    for item_id in range(1, n_items + 1):
        com_id, compounds = communities[rng.randrange(len(communities))]
        raised = FIRST_DAY + timedelta(days=rng.randint(0, span))
        meeting_id, source = None, rng.choice(("visit", "other"))
        if rng.random() < 0.7:
            meeting_id, source, held = rng.choice(meetings_by_community[com_id])
            raised = held
        scale = "big" if rng.random() < 0.15 else "small"
        key = (raised, scale)
        due = due_dates.get(key)
        if due is None:
            due = due_dates[key] = calendar.add_workdays(raised, 15 if scale == "big" else 3)
        events: list[tuple[str, date, dict[str, Any], str | None]] = [
            (
                "add",
                raised,
                {
                    "title": f"{rng.choice(WORDS)}（第{item_id}件）",
                    "community_id": com_id,
                    "place_id": rng.choice(compounds),
                    "meeting_id": meeting_id,
                    "source": source,
                    "category": rng.choice(categories),
                    "scale": scale,
                    "reporter": f"居民{item_id % 997}",
                    "phone": f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
                    "status": "raised",
                    "raised_on": iso(raised),
                    "due_on": iso(due),
                },
                None,
            )
        ]
        day = raised
        age = (LAST_DAY - raised).days

        def later(max_days: int) -> date:
            nonlocal day
            day = min(day + timedelta(days=rng.randint(0, max_days)), LAST_DAY)
            return day

        # How far along the item got: older items are mostly done.
        stage = rng.choices(range(6), weights=(1, 3, 2, 2, 2, 10 if age > 30 else 2))[0]
        if stage >= 1:
            events.append(
                (
                    "assign",
                    later(2),
                    {"status": "assigned", "unit_id": rng.randint(1, 60), "assigned_on": iso(day)},
                    None,
                )
            )
        if stage >= 2:
            finish = "decline" if rng.random() < 0.05 else "resolve"
            late = rng.random() < 0.2
            events.append(
                (
                    finish,
                    later(25 if late else 4),
                    {
                        "status": "resolved" if finish == "resolve" else "declined",
                        "resolved_on": iso(day),
                        "result": "已处理",
                    },
                    "已处理",
                )
            )
        if stage >= 3:
            events.append(
                (
                    "reply",
                    later(3),
                    {
                        "status": "replied",
                        "replied_on": iso(day),
                        "reply_channel": rng.choice(CHANNELS),
                        "reply_text": "已告知",
                    },
                    "已告知",
                )
            )
        if stage >= 4:
            rating = rng.choices(("satisfied", "basically", "unsatisfied"), weights=(7, 2, 1))[0]
            events.append(
                (
                    "rate",
                    later(3),
                    {"status": "closed", "rating": rating, "closed_on": iso(day)},
                    None,
                )
            )
        changes_list = []
        last_at = ""
        for seq, (action, when, changes, note) in enumerate(events, start=1):
            event_id += 1
            # Event times never go backwards within an item (as the core enforces).
            at = max(
                _at(when, rng), last_at[:-2] + f"{int(last_at[-2:]) + 1:02d}" if last_at else ""
            )
            last_at = at
            text = _json(changes)
            changes_list.append(changes)
            event_rows.append(
                (event_id, _uid(rng), item_id, action, at, created, "bench", note, text, seq)
            )
        state = replay(changes_list)
        if columns is None:
            columns = list(state)
        item_rows.append((item_id, _uid(rng), item_id, *[state[c] for c in columns], last_at))
        if len(item_rows) >= 20000:
            _flush(conn, columns, item_rows, event_rows)
    _flush(conn, columns or [], item_rows, event_rows)
    for _, sql in indexes:
        conn.execute(sql)
    conn.execute("COMMIT")
    conn.execute("PRAGMA journal_mode = WAL")
    ledger.close()
    return {"items": n_items, "events": event_id, "communities": len(communities)}


def _flush(
    conn: Any, columns: list[str], items: list[tuple[Any, ...]], events: list[tuple[Any, ...]]
) -> None:
    if items:
        names = ", ".join(["id", "uid", "number", *columns, "last_event_at"])
        marks = ", ".join("?" * (len(columns) + 4))
        conn.executemany(f"INSERT INTO items ({names}) VALUES ({marks})", items)
    if events:
        conn.executemany(
            "INSERT INTO events (id, uid, item_id, action, at, recorded_at, actor, note, changes, "
            "seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            events,
        )
    items.clear()
    events.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("items", type=int)
    parser.add_argument("path", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.path.exists():
        sys.exit(f"{args.path} exists; remove it first")
    args.path.parent.mkdir(parents=True, exist_ok=True)
    print(generate(args.items, args.path, args.seed))


if __name__ == "__main__":
    main()
