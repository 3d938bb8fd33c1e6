"""The ledger file: opening it safely, identity, transactions, SQLite failures by error code.

One SQLite file in WAL mode with ``synchronous=FULL``, foreign keys on and a busy timeout.
Every command that writes runs inside :meth:`Ledger.transaction`, which starts with
``BEGIN IMMEDIATE`` so that read-then-write (allocating the next number) never fails with
"database is locked" when another terminal writes at the same time.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ledger.domain import clock
from ledger.domain.errors import LedgerError, NotALedger
from ledger.domain.workdays import WorkCalendar
from ledger.store import fulltext
from ledger.store.migrations import APPLICATION_ID, SCHEMA_VERSION, migrate, schema_version
from ledger.store.settings import SETTINGS

if TYPE_CHECKING:  # sqlite-utils is imported when a command first writes
    import sqlite_utils

BUSY_TIMEOUT_SECONDS = 30
DB_VARIABLE = "LEDGER_DB"
ACTOR_VARIABLE = "LEDGER_ACTOR"


def default_path() -> Path:
    """``$LEDGER_DB``, else ``ledger.db`` in the user's data folder."""
    configured = os.environ.get(DB_VARIABLE)
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("ledger", appauthor=False)) / "ledger.db"


def current_actor() -> str:
    """Who records: ``$LEDGER_ACTOR``, else the OS user name."""
    from ledger.domain.text import strip_unsafe

    actor = os.environ.get(ACTOR_VARIABLE)
    if not actor:
        try:
            actor = getpass.getuser()
        except (KeyError, OSError):
            actor = ""
    # Shown in every item's history: no control characters, one line, a name's length.
    cleaned = " ".join(strip_unsafe(actor).split())[:100]
    return cleaned or "unknown"


def new_uid() -> str:
    """A globally unique id, so ledgers of several communities merge without collisions."""
    return uuid.uuid4().hex


# --- the ledger -------------------------------------------------------------------------


class Ledger:
    """An open ledger file: the sqlite-utils database plus settings, calendar and actor."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None, actor: str) -> None:
        self.conn = conn
        self._db: sqlite_utils.Database | None = None
        self.path = path
        self.actor = actor
        self.calendar = WorkCalendar()
        self._settings: dict[str, str] | None = None
        # Opened read-only (write-protected USB stick, read-only share): every read works,
        # a write is refused with one line instead of SQLite's "readonly database".
        self.read_only = False

    @property
    def db(self) -> sqlite_utils.Database:
        """The sqlite-utils view of the connection, made on first use (reads need only conn)."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    # transactions

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Ledger]:
        """All of it or none of it; nested calls become savepoints."""
        if self.read_only:
            raise LedgerError(
                f"台账文件“{self.path}”或其所在文件夹是只读的：可以查看，不能录入或修改；"
                "请把台账复制到可写入的文件夹"
            )
        if self.conn.in_transaction:
            with self.db.atomic():
                yield self
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
            # The search index commits with the data it indexes (see ledger.store.fulltext).
            fulltext.flush(self.conn)
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            self._settings = None
            raise
        else:
            self.conn.execute("COMMIT")

    # settings

    def setting(self, key: str) -> Any:
        """A setting's value, typed, falling back to its default."""
        spec = SETTINGS[key]
        if self._settings is None:
            self._settings = {
                row[0]: row[1] for row in self.conn.execute("SELECT key, value FROM settings")
            }
        return spec.kind(self._settings.get(key, spec.default))

    def set_setting(self, key: str, value: str) -> Any:
        """Change a setting after checking its type; returns the typed value."""
        spec = SETTINGS.get(key)
        if spec is None:
            known = "、".join(f"{k}（{s.label}）" for k, s in SETTINGS.items())
            raise LedgerError(f"没有设置项“{key}”，可设置：{known}")
        if spec.kind is int:
            try:
                number = int(value)
            except ValueError as error:
                raise LedgerError(f"{spec.label}应为整数，收到“{value}”") from error
            lowest = 1 if key.endswith("_days") else 0  # a deadline of 0 working days is none
            if key == "period_start_day" and number not in (1, 19):
                raise LedgerError(
                    f"{spec.label}只能是 1（自然月）或 19（上月19日至本月18日），收到 {number}"
                )
            if number < lowest or number > 1000:
                raise LedgerError(f"{spec.label}应在 {lowest}–1000 之间，收到 {number}")
            value = str(number)
        elif spec.choice is not None:
            value = spec.choice.parse(value)
        with self.transaction():
            self.conn.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
        self._settings = None
        return self.setting(key)

    def settings(self) -> dict[str, Any]:
        """Every setting with its current value."""
        return {key: self.setting(key) for key in SETTINGS}

    def insert(self, table: str, row: dict[str, Any]) -> int:
        """Insert one row (table and column names from the code, values bound); its id.

        Plain SQL rather than sqlite-utils' ``insert``: importing sqlite-utils (and its plugin
        entry points) cost ``ledger add`` a quarter of a second on every call.
        """
        columns = ", ".join(row)
        marks = ", ".join("?" * len(row))
        cursor = self.conn.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(row.values())
        )
        return int(cursor.lastrowid or 0)

    def next_number(self, table: str) -> int:
        """The next short number for items or meetings (call inside a transaction)."""
        row = self.conn.execute(f"SELECT COALESCE(MAX(number), 0) + 1 FROM {table}").fetchone()
        return int(row[0])

    def now(self) -> datetime:
        return clock.now()

    def close(self) -> None:
        self.conn.close()


# --- SQLite failures, classified by their error code -----------------------------------------

# SQLite's primary result codes (the low byte of an extended code such as
# SQLITE_READONLY_DIRECTORY) for failures the clerk can act on. Classifying by code, not by the
# English message text, keeps a bug whose message happens to contain "locked" or "full" (e.g.
# "no such table: fulltext") from being reported as a busy or full disk.
_FAILURES = {
    sqlite3.SQLITE_BUSY: "busy",  # another connection holds the lock beyond the busy timeout
    sqlite3.SQLITE_LOCKED: "busy",
    sqlite3.SQLITE_READONLY: "readonly",  # file, folder or medium cannot be written
    sqlite3.SQLITE_PERM: "permission",
    sqlite3.SQLITE_AUTH: "permission",
    sqlite3.SQLITE_FULL: "full",
    sqlite3.SQLITE_IOERR: "io",  # the disk or USB stick failed a read or write
    sqlite3.SQLITE_CANTOPEN: "cantopen",  # no such folder, or no permission to open
    sqlite3.SQLITE_NOTADB: "notadb",
    sqlite3.SQLITE_CORRUPT: "corrupt",
}


def sqlite_failure(error: BaseException) -> str | None:
    """What an SQLite error says about the file or disk, read from its error code.

    One of busy, readonly, permission, full, io, cantopen, notadb, corrupt; None for any other
    error (a mistake in the program, such as bad SQL or a broken constraint) and for errors
    raised by Python's sqlite3 module itself, which carry no SQLite code.
    """
    code = getattr(error, "sqlite_errorcode", None)
    if not isinstance(error, sqlite3.Error) or not isinstance(code, int):
        return None
    return _FAILURES.get(code & 0xFF)


def _connect(path: Path | str) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_SECONDS)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def check_identity(conn: sqlite3.Connection, path: Path | str, *, fresh: bool = False) -> None:
    """Refuse what is not one of our ledgers; ``fresh``: an empty SQLite file is welcome
    (``ledger init`` is about to make it a ledger), otherwise it is refused too."""
    try:
        app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.OperationalError:
        raise  # cannot read it (read-only folder, no permission): not a verdict on the file
    except sqlite3.DatabaseError as error:
        raise NotALedger(f"“{path}”不是台账文件（无法作为 SQLite 数据库读取）") from error
    if app_id == 0 and tables == 0:
        if fresh:
            return  # a new, empty file: ours to initialise
        raise NotALedger(_empty_message(path))
    if app_id != APPLICATION_ID:
        raise NotALedger(f"“{path}”不是台账文件（是别的程序的数据库）")
    version = schema_version(conn)
    if version > SCHEMA_VERSION:
        raise NotALedger(
            f"“{path}”由更新版本的 ledger 创建（结构版本 {version}，本程序支持到 {SCHEMA_VERSION}），"
            "请升级 ledger 后再打开；文件未作任何改动"
        )


def _empty_message(path: Path | str) -> str:
    return (
        f"“{path}”是空文件，不是台账（复制或保存时可能中断了）；请从备份恢复"
        f"（ledger backup 生成的 …-备份-….db），或用 ledger init --db {path} 新建台账"
    )


# SQLite's own texts are English; the ones a clerk may meet on opening, in Chinese.
_SQLITE_REASONS = {
    "disk I/O error": "读写出错（磁盘或 U 盘可能有问题，或文件所在位置不支持共享访问）",
    "database or disk is full": "磁盘已满",
    "unable to open database file": "没有权限或路径无效",
    "database is locked": "台账正被其他程序长时间占用，请稍后再试",
    "file is not a database": "不是 SQLite 数据库",
}


def _reason(error: sqlite3.Error) -> str:
    text = str(error)
    for english, chinese in _SQLITE_REASONS.items():
        if english in text:
            return chinese
    return "SQLite 无法读取该文件"


def _cannot_write_beside(error: sqlite3.Error) -> bool:
    # In WAL mode even a reader needs to create "-shm" beside the ledger.
    text = str(error)
    return "readonly" in text or "read-only" in text or "unable to open" in text


def open_ledger(path: Path | str, *, create: bool = False, actor: str | None = None) -> Ledger:
    """Open (and migrate) a ledger file; with ``create`` make it if missing.

    Only ``create`` (``ledger init``, the demo) makes a ledger: every other caller is refused
    a missing file, a 0-byte file and an empty SQLite file, so a ledger emptied by a failed
    copy never looks like a fresh one. A ledger that cannot be written to (read-only folder
    or medium) is opened read-only: it can be read, and writing it is refused.
    """
    target = Path(path)
    exists = target.exists()
    if not exists and not create:
        raise LedgerError(f"台账文件“{target}”不存在，请先运行 ledger init（或用 --db 指定文件）")
    if not exists:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise LedgerError(
                f"无法创建目录“{target.parent}”（同名文件已存在，或没有权限）"
            ) from error
    elif target.is_dir():
        raise NotALedger(f"“{target}”是一个文件夹，不是台账文件")
    elif not create and target.stat().st_size == 0:
        raise NotALedger(_empty_message(target))
    existed = {side: Path(f"{target}{side}").exists() for side in ("-wal", "-shm")}
    conn: sqlite3.Connection | None = None
    try:
        conn = _connect(target)
        check_identity(conn, target, fresh=create)
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
    except (sqlite3.DatabaseError, LedgerError) as error:
        if conn is not None:
            conn.close()
        failure = sqlite_failure(error)
        if failure != "busy":  # in use by another program: its files, not ours
            _remove_new_sidecars(target, existed)
        if isinstance(error, LedgerError):
            raise
        if failure in ("notadb", "corrupt"):
            raise NotALedger(f"“{target}”不是台账文件（无法作为 SQLite 数据库读取）") from error
        if exists and not create and _cannot_write_beside(error) and os.access(target, os.R_OK):
            return _open_read_only(target, actor)
        if failure == "readonly":
            raise LedgerError(
                f"无法打开台账文件“{target}”：文件或其所在文件夹是只读的，"
                "请把台账复制到可写入的文件夹"
            ) from error
        if failure in ("busy", "full", "io"):
            raise  # not about this file's identity: the CLI names the cause
        raise LedgerError(f"无法打开台账文件“{target}”：{_reason(error)}") from error
    ledger = Ledger(conn, target, actor or current_actor())
    if schema_version(conn) < SCHEMA_VERSION:  # up to date: no write lock taken on open
        migrate(ledger.db)
    return ledger


def _remove_new_sidecars(target: Path, existed: dict[str, bool]) -> None:
    """A failed open leaves no -wal/-shm that it made itself (an empty -wal, a fresh -shm)."""
    for side, was_there in existed.items():
        sidecar = Path(f"{target}{side}")
        if was_there or not sidecar.exists():
            continue
        with contextlib.suppress(OSError):
            if side == "-shm" or sidecar.stat().st_size == 0:
                sidecar.unlink()


def _open_read_only(target: Path, actor: str | None) -> Ledger:
    """A ledger nobody can write here: SQLite read-only, or immutable when not even the
    -shm file beside it can be made. Immutable ignores the -wal, so a ledger whose -wal
    still holds records is refused rather than shown without them."""
    uri = target.resolve().as_uri()
    wal = Path(f"{target}-wal")
    try:
        try:
            conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None)
            check_identity(conn, target)
        except sqlite3.OperationalError as cannot_read:
            if wal.exists() and wal.stat().st_size > 0:
                raise LedgerError(
                    f"台账文件“{target}”所在的文件夹是只读的，而它还有未并入主文件的记录"
                    f"（{wal.name}），只读时无法读取；请把台账连同 {wal.name} 复制到可写入的文件夹"
                ) from cannot_read
            conn = sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None)
            check_identity(conn, target)
    except sqlite3.DatabaseError as error:
        raise LedgerError(f"无法打开台账文件“{target}”：{_reason(error)}") from error
    conn.execute("PRAGMA foreign_keys = ON")
    if schema_version(conn) < SCHEMA_VERSION:
        conn.close()
        raise LedgerError(
            f"台账文件“{target}”由旧版本创建，需要升级结构后才能使用，但它是只读的；"
            "请把台账复制到可写入的文件夹后再打开"
        )
    ledger = Ledger(conn, target, actor or current_actor())
    ledger.read_only = True
    return ledger


def open_memory(actor: str = "test") -> Ledger:
    """An in-memory ledger (for tests of the core and for dry runs)."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    ledger = Ledger(conn, None, actor)
    migrate(ledger.db)
    return ledger
