"""``ledger backup``: a consistent, verified copy of the ledger, safe while others write.

The copy is made with SQLite's online backup API in one step, inside a read transaction on
the ledger: in WAL mode that transaction is a snapshot, so terminals that keep recording
meanwhile are neither blocked nor half-copied. The copy is written to a hidden temporary
file beside its destination, verified, and only then given its name, so a file named
``…-备份-….db`` is always a complete, checked copy.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ledger.domain.errors import LedgerError
from ledger.io.check import CheckOutcome, check, file_check, summary_counts
from ledger.store.ledger_file import Ledger, sqlite_failure
from ledger.store.migrations import APPLICATION_ID


@dataclass
class BackupOutcome:
    """Where the copy went, what it holds and what its verification found."""

    path: Path
    size: int
    counts: dict[str, int]
    report: CheckOutcome


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


def backup(ledger: Ledger, dest: Path | str | None = None, *, quick: bool = False) -> BackupOutcome:
    """Copy the ledger to ``dest`` (see :func:`destination`), verify the copy, name it.

    Verification opens the copy on its own, compares its row counts with the snapshot that
    was copied and runs ``ledger check`` on it (``quick``: only SQLite's ``quick_check`` — on a
    very large ledger the full check takes several times as long as the copy itself). A copy that is not sound is removed and an error raised; a
    sound copy of a ledger that has problems of its own is kept, with the report.
    """
    target = destination(ledger, dest)
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        try:
            counts = _copy(ledger.conn, partial)
        except sqlite3.OperationalError as error:
            if sqlite_failure(error) not in ("cantopen", "readonly", "permission"):
                raise  # e.g. busy or a full disk: mapped by the CLI
            raise LedgerError(
                f"无法在“{target.parent}”写入备份（没有权限或该位置不可写入）；台账未受影响"
            ) from error
        report = _verify(partial, counts, quick)
        _publish(partial, target)
    finally:
        for leftover in (partial, *_sidecars(partial)):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    return BackupOutcome(target, target.stat().st_size, counts, report)


def _sidecars(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def _copy(conn: sqlite3.Connection, partial: Path) -> dict[str, int]:
    """Copy the ledger in one backup step inside one read transaction; returns its counts."""
    copy = sqlite3.connect(str(partial), isolation_level=None)
    try:
        copy.execute("PRAGMA synchronous = FULL")  # the copy is on disk when backup() returns
        started = not conn.in_transaction
        if started:
            conn.execute("BEGIN")  # deferred: the first read below fixes the snapshot
        try:
            counts = dict(summary_counts(conn))
            # pages=-1: all pages in one step. Several steps would restart whenever another
            # terminal writes in between and might never finish on a busy ledger.
            conn.backup(copy, pages=-1)
        finally:
            if started:
                conn.execute("COMMIT")
    finally:
        copy.close()
    return counts


def _verify(partial: Path, counts: dict[str, int], quick: bool) -> CheckOutcome:
    """Open the copy on its own; refuse it unless it is a sound ledger holding the snapshot."""
    copy = sqlite3.connect(str(partial), isolation_level=None)
    try:
        if copy.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            raise LedgerError("备份校验未通过：副本不是台账文件；备份未保存")
        report = file_check(copy) if quick else check(copy)
        if report.counts["integrity"] or report.skipped:
            first = report.problems[0].message if report.problems else ""
            raise LedgerError(f"备份校验未通过：副本已损坏（{first}）；备份未保存")
        copied = dict(summary_counts(copy))
        if copied != counts:
            raise LedgerError("备份校验未通过：副本的记录数与台账不一致；备份未保存")
        # Leave a single self-contained file: fold the WAL back into it before naming it.
        copy.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        copy.close()
    return report


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
