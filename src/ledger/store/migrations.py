"""The schema, as an ordered list of named migrations; a file's ``user_version`` is how many it has had."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

from ledger.domain import clock
from ledger.domain.dates import iso
from ledger.domain.labels import DEFAULT_CATEGORIES
from ledger.store import fulltext

if TYPE_CHECKING:  # sqlite-utils is imported when a command first writes
    import sqlite_utils

# "LDGR" — marks the file as ours, so a stranger's SQLite file is refused, not altered.
APPLICATION_ID = 0x4C444752
# --- migrations -------------------------------------------------------------------------


def _m001_initial(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE categories (
            code TEXT PRIMARY KEY,
            label TEXT NOT NULL UNIQUE,
            builtin INTEGER NOT NULL DEFAULT 0,
            position INTEGER NOT NULL
        );
        CREATE TABLE areas (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            parent_id INTEGER REFERENCES areas(id),
            level TEXT NOT NULL,
            name TEXT NOT NULL,
            path TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL
        );
        CREATE INDEX areas_name ON areas(name);
        CREATE TABLE units (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            phone TEXT,
            contact TEXT,
            area_id INTEGER REFERENCES areas(id),
            created_at TEXT NOT NULL,
            UNIQUE (name, area_id)
        );
        CREATE TABLE meetings (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            number INTEGER NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            held_on TEXT NOT NULL,
            community_id INTEGER NOT NULL REFERENCES areas(id),
            place_id INTEGER REFERENCES areas(id),
            host TEXT,
            attendees INTEGER,
            note TEXT,
            created_at TEXT NOT NULL,
            actor TEXT NOT NULL
        );
        CREATE INDEX meetings_held_on ON meetings(held_on);
        CREATE TABLE items (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            number INTEGER NOT NULL UNIQUE,
            title TEXT NOT NULL,
            community_id INTEGER NOT NULL REFERENCES areas(id),
            place_id INTEGER REFERENCES areas(id),
            meeting_id INTEGER REFERENCES meetings(id),
            source TEXT NOT NULL,
            category TEXT NOT NULL REFERENCES categories(code),
            scale TEXT NOT NULL,
            reporter TEXT,
            phone TEXT,
            status TEXT NOT NULL,
            unit_id INTEGER REFERENCES units(id),
            raised_on TEXT NOT NULL,
            assigned_on TEXT,
            due_on TEXT,
            resolved_on TEXT,
            result TEXT,
            replied_on TEXT,
            reply_channel TEXT,
            reply_text TEXT,
            rating TEXT,
            closed_on TEXT,
            reopen_count INTEGER NOT NULL DEFAULT 0,
            extend_count INTEGER NOT NULL DEFAULT 0,
            remind_count INTEGER NOT NULL DEFAULT 0,
            percent INTEGER,
            last_progress TEXT,
            last_event_at TEXT NOT NULL,
            origin TEXT
        );
        CREATE INDEX items_status_due ON items(status, due_on);
        CREATE INDEX items_community ON items(community_id);
        CREATE INDEX items_unit ON items(unit_id);
        CREATE INDEX items_raised_on ON items(raised_on);
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            item_id INTEGER NOT NULL REFERENCES items(id),
            action TEXT NOT NULL,
            at TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            actor TEXT NOT NULL,
            note TEXT,
            changes TEXT NOT NULL
        );
        CREATE INDEX events_item ON events(item_id, at, id);
        CREATE INDEX events_at ON events(at);
        """
    )
    db["categories"].insert_all(
        {"code": code, "label": label, "builtin": 1, "position": position}
        for position, (code, label) in enumerate(DEFAULT_CATEGORIES)
    )


def _m002_merge_origin(db: sqlite_utils.Database) -> None:
    """Roll-up (ledger merge): the number an item or meeting had in the ledger it came from."""
    # One execute() per statement: executescript() would COMMIT the migration's transaction.
    for table in ("items", "meetings"):
        db.conn.execute(f"ALTER TABLE {table} ADD COLUMN origin_number INTEGER")
        db.conn.execute(f"ALTER TABLE {table} ADD COLUMN origin_ledger TEXT")


def _m003_board_indexes(db: sqlite_utils.Database) -> None:
    """Indexes for the daily board (ledger today): each group is read from an index alone."""
    for name, columns in (
        ("items_status_due_unit", "status, due_on, unit_id"),  # 督办 levels by unit
        ("items_status_place", "status, place_id"),  # per compound
        ("items_status_raised", "status, raised_on"),  # 待分办, oldest first
        ("items_status_resolved", "status, resolved_on"),  # 待答复, longest waiting first
        ("items_status_replied", "status, replied_on"),  # 待回访
    ):
        db.conn.execute(f"CREATE INDEX IF NOT EXISTS {name} ON items({columns})")


def _m004_import_keys(db: sqlite_utils.Database) -> None:
    """ledger import: a key per imported spreadsheet row, so a second import adds nothing."""
    db.conn.execute(
        "CREATE TABLE import_keys ("
        " key TEXT PRIMARY KEY,"  # hash of the row's content, not of the file it came in
        " item_id INTEGER NOT NULL REFERENCES items(id),"
        " source TEXT NOT NULL,"  # file name, sheet and row, for the clerk's reference
        " imported_at TEXT NOT NULL"
        ") WITHOUT ROWID"
    )


def _m005_report_edit_index(db: sqlite_utils.Database) -> None:
    """Reports: the (few) edit events, so finding items moved between communities reads only
    them instead of every event of the ledger."""
    db.conn.execute(
        "CREATE INDEX IF NOT EXISTS events_edits ON events(item_id) WHERE action = 'edit'"
    )


def _m006_time_ordered_history(db: sqlite_utils.Database) -> None:
    """History in time order: each event's inputs (``params``), its position in its item's
    history (``seq``) and whether an 撤销 withdrew it; old events keep their ``changes``."""
    db.executescript(
        """
        ALTER TABLE events ADD COLUMN params TEXT;
        ALTER TABLE events ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE events ADD COLUMN withdrawn INTEGER NOT NULL DEFAULT 0;
        UPDATE events SET seq = ordered.position FROM (
            SELECT id, ROW_NUMBER() OVER (PARTITION BY item_id ORDER BY at, id) AS position
            FROM events
        ) AS ordered WHERE events.id = ordered.id;
        CREATE INDEX events_item_seq ON events(item_id, seq);
        """
    )


def _m007_search_and_repeats(db: sqlite_utils.Database) -> None:
    """Full-text search (FTS5 over character bigrams, kept by triggers: see
    :mod:`ledger.store.fulltext`), built for the items already there; and 重复反映: the item a
    repeat complaint repeats (``repeat_of``, set and cleared by link/unlink events)."""
    conn = db.conn
    conn.execute("ALTER TABLE items ADD COLUMN repeat_of INTEGER REFERENCES items(id)")
    conn.execute("CREATE INDEX items_repeat_of ON items(repeat_of) WHERE repeat_of IS NOT NULL")
    for statement in fulltext.SCHEMA:
        conn.execute(statement)
    fulltext.rebuild(conn)


def _m008_registry_history(db: sqlite_utils.Database) -> None:
    """Registry history: a place or unit renamed, a unit or meeting edited, each an event with
    the old and new value of every field it changed (see :mod:`ledger.registry.edits`); the
    rows keep the current values."""
    conn = db.conn
    conn.execute(
        "CREATE TABLE registry_events ("
        " id INTEGER PRIMARY KEY,"
        " uid TEXT NOT NULL UNIQUE,"
        " entity TEXT NOT NULL,"  # area | unit | meeting
        " entity_id INTEGER NOT NULL,"
        " action TEXT NOT NULL,"  # rename | edit
        " at TEXT NOT NULL,"  # when it took effect
        " recorded_at TEXT NOT NULL,"
        " actor TEXT NOT NULL,"
        " note TEXT,"
        " changes TEXT NOT NULL"  # {"field": [old, new]}
        ")"
    )
    conn.execute("CREATE INDEX registry_events_entity ON registry_events(entity, entity_id, at)")
    conn.execute("CREATE INDEX registry_events_at ON registry_events(entity, at)")


# Ordered, named, never reordered: a migration's position is the schema version it produces.
MIGRATIONS: list[tuple[str, Callable[[sqlite_utils.Database], None]]] = [
    ("001_initial", _m001_initial),
    ("002_merge_origin", _m002_merge_origin),
    ("003_board_indexes", _m003_board_indexes),
    ("004_import_keys", _m004_import_keys),
    ("005_report_edit_index", _m005_report_edit_index),
    ("006_time_ordered_history", _m006_time_ordered_history),
    ("007_search_and_repeats", _m007_search_and_repeats),
    ("008_registry_history", _m008_registry_history),
]
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    """The number of migrations the file has had."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply every pending migration, each in its own transaction; returns their names."""
    conn = db.conn
    applied: list[str] = []
    for version, (name, function) in enumerate(MIGRATIONS, start=1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            if schema_version(conn) >= version:
                conn.execute("ROLLBACK")
                continue
            if version == 1:
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS migrations "
                    "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                )
            function(db)
            conn.execute(
                "INSERT INTO migrations(version, name, applied_at) VALUES (?, ?, ?)",
                (version, name, iso(clock.now())),
            )
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied
