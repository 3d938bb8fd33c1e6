"""``ledger backup``: a consistent, verified copy of the ledger, safe while others write.

The copy is made with SQLite's online backup API in one step, inside a read transaction on
the ledger: in WAL mode that transaction is a snapshot, so terminals that keep recording
meanwhile are neither blocked nor half-copied. The copy is written to a hidden temporary
file beside its destination, verified, and only then given its name, so a file named
``…-备份-….db`` is always a complete, checked copy.

How far the copy is verified (:data:`LEVELS`):

- ``copy`` (the default): the copy is opened on its own and must be the snapshot, whole —
  a ledger file (its application id), the snapshot's page size and page count, a file size
  of exactly that many pages, the same schema, and every table walked from its root page to
  every leaf page, holding the snapshot's number of rows. A table page that is missing, cut
  short or not a page of its tree fails the walk. The walk reads page headers, not the rows
  in them, nor the indexes, so it costs a few per cent of the copy itself (SQLite's own
  ``.backup`` checks nothing at all);
- ``quick`` (``--verify``): also SQLite's ``quick_check``, which reads every row and every
  index page of the copy — so it also finds damage the ledger itself had, which the copy
  faithfully carries (about two thirds of the copy's time again);
- ``full`` (``--full``): ``ledger check`` on the copy (``integrity_check`` and every item
  against its history).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ledger.domain.errors import LedgerError
from ledger.io.check import CheckOutcome, check, file_check, mapped, summary_counts
from ledger.store.ledger_file import Ledger, sqlite_failure
from ledger.store.migrations import APPLICATION_ID

LEVELS = ("copy", "quick", "full")

# The schema: every table (a virtual table has no pages of its own: its shadow tables are
# listed as tables), index, trigger and view, with the SQL that made it.
_SCHEMA = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"


@dataclass
class Snapshot:
    """What the copy must reproduce: the snapshot's shape, read inside its transaction."""

    page_size: int
    page_count: int
    schema: list[tuple[str, str, str, str | None]]
    rows: dict[str, int]  # every table's row count


@dataclass
class BackupOutcome:
    """Where the copy went, what it holds and what its verification found."""

    path: Path
    size: int
    counts: dict[str, int]
    report: CheckOutcome
    level: str = "copy"  # how far the copy was verified: one of LEVELS


def default_name(ledger_path: Path, now: datetime) -> str:
    """ledger.db → ledger-备份-20261126-090000.db."""
    return f"{ledger_path.stem}-备份-{now:%Y%m%d-%H%M%S}.db"


def destination(ledger: Ledger, dest: Path | str | None) -> Path:
    """The file the copy will get: DEST itself, or the default name in DEST / beside the ledger.

    DEST written with a trailing slash (``newdir/``) names a folder, which must exist. Pass it
    as text: ``Path("newdir/")`` has already lost the slash.
    """
    assert ledger.path is not None
    source = ledger.path.resolve()
    as_folder = isinstance(dest, str) and dest.endswith(("/", os.sep, "\\"))
    dest = Path(dest) if dest is not None else None
    if dest is None or dest.is_dir() or as_folder:
        folder = source.parent if dest is None else dest
        if not folder.is_dir():
            raise LedgerError(f"备份目录“{folder}”不存在")
        target = folder / default_name(source, ledger.now())
        stem, serial = target.stem, 2
        while target.exists():  # two backups in the same second
            target = target.with_name(f"{stem}-{serial}.db")
            serial += 1
        return target
    if dest.exists():
        raise LedgerError(f"“{dest}”已存在，不会覆盖；请换一个文件名，或指定一个文件夹")
    if not dest.parent.is_dir():
        raise LedgerError(f"备份目录“{dest.parent}”不存在")
    if dest.resolve() == source:
        raise LedgerError("备份文件不能是台账文件本身")
    return dest


def backup(ledger: Ledger, dest: Path | str | None = None, *, level: str = "copy") -> BackupOutcome:
    """Copy the ledger to ``dest`` (see :func:`destination`), verify the copy, name it.

    ``level`` is how far the copy is verified (:data:`LEVELS`, described above). A copy that
    fails is removed and an error raised; a sound copy of a ledger that has problems of its
    own (found by ``full``) is kept, with the report.
    """
    if level not in LEVELS:
        raise ValueError(level)
    target = destination(ledger, dest)
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        try:
            with mapped(ledger.conn):  # pages read through a memory map: no copy per read
                counts, snapshot = _copy(ledger.conn, partial)
        except sqlite3.OperationalError as error:
            if sqlite_failure(error) not in ("cantopen", "readonly", "permission"):
                raise  # e.g. busy or a full disk: mapped by the CLI
            raise LedgerError(
                f"无法在“{target.parent}”写入备份（没有权限或该位置不可写入）；台账未受影响"
            ) from error
        report = _verify(partial, snapshot, level)
        _publish(partial, target)
    finally:
        for leftover in (partial, *_sidecars(partial)):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    return BackupOutcome(target, target.stat().st_size, counts, report, level)


def _sidecars(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def _copy(conn: sqlite3.Connection, partial: Path) -> tuple[dict[str, int], Snapshot]:
    """Copy the ledger in one backup step inside one read transaction.

    Returns the counts shown to the clerk and the :class:`Snapshot` the copy must reproduce.
    """
    copy = sqlite3.connect(str(partial), isolation_level=None)
    try:
        copy.execute("PRAGMA synchronous = FULL")  # the copy is on disk when backup() returns
        started = not conn.in_transaction
        if started:
            conn.execute("BEGIN")  # deferred: the first read below fixes the snapshot
        try:
            counts = dict(summary_counts(conn))
            snapshot = _snapshot(conn)
            # pages=-1: all pages in one step. Several steps would restart whenever another
            # terminal writes in between and might never finish on a busy ledger.
            conn.backup(copy, pages=-1)
        finally:
            if started:
                conn.execute("COMMIT")
    finally:
        copy.close()
    return counts, snapshot


def _snapshot(conn: sqlite3.Connection) -> Snapshot:
    schema = conn.execute(_SCHEMA).fetchall()
    rows = {
        name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # via any index
        for kind, name, _table, sql in schema
        if kind == "table" and not (sql or "").lstrip().upper().startswith("CREATE VIRTUAL")
    }
    return Snapshot(
        conn.execute("PRAGMA page_size").fetchone()[0],
        conn.execute("PRAGMA page_count").fetchone()[0],
        schema,
        rows,
    )


def _verify(partial: Path, snapshot: Snapshot, level: str) -> CheckOutcome:
    """Open the copy on its own; refuse it unless it is the snapshot, whole (and sound)."""
    copy = sqlite3.connect(str(partial), isolation_level=None)
    try:
        with mapped(copy):
            try:
                problem = _walk(copy, partial, snapshot)
            except sqlite3.DatabaseError:
                problem = "已损坏，无法逐页读完"
            if problem:
                raise LedgerError(f"备份校验未通过：副本{problem}；备份未保存")
            if level == "copy":
                report = CheckOutcome(counts={"integrity": 0})
            else:
                report = file_check(copy) if level == "quick" else check(copy)
        if report.counts["integrity"] or report.skipped:
            first = report.problems[0].message if report.problems else ""
            raise LedgerError(f"备份校验未通过：副本已损坏（{first}）；备份未保存")
        # Leave a single self-contained file: fold the WAL back into it before naming it.
        copy.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        copy.close()
    return report


def _walk(copy: sqlite3.Connection, path: Path, snapshot: Snapshot) -> str:
    """What is wrong with the copy's shape, or "" when it is the snapshot's."""
    if path.stat().st_size != snapshot.page_size * snapshot.page_count:  # before SQLite reads
        return f"文件长度为 {path.stat().st_size} 字节，应为 {snapshot.page_count} 页"
    if copy.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        return "不是台账文件"
    page_size = copy.execute("PRAGMA page_size").fetchone()[0]
    pages = copy.execute("PRAGMA page_count").fetchone()[0]
    if (page_size, pages) != (snapshot.page_size, snapshot.page_count):
        return f"有 {pages} 页，台账有 {snapshot.page_count} 页"
    if copy.execute(_SCHEMA).fetchall() != snapshot.schema:
        return "的表结构与台账不一致"
    for table, rows in snapshot.rows.items():
        # NOT INDEXED: counted on the table's own b-tree, every leaf page of it visited.
        if copy.execute(f'SELECT count(*) FROM "{table}" NOT INDEXED').fetchone()[0] != rows:
            return "的记录数与台账不一致"
    return ""


def _publish(partial: Path, target: Path) -> None:
    """Give the verified copy its name without ever replacing an existing file."""
    try:
        os.link(partial, target)  # fails if target exists: no silent overwrite
    except FileExistsError as error:
        raise LedgerError(f"“{target}”已存在，不会覆盖") from error
    except OSError as error:
        if target.exists():
            raise LedgerError(f"“{target}”已存在，不会覆盖") from error
        os.replace(partial, target)  # file systems without hard links
    with contextlib.suppress(OSError):  # make the new name itself survive a power cut
        folder = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
