"""Opening the ledger for a command, and the clock and date parsing every command shares."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from ledger.domain import clock, dates
from ledger.domain.errors import LedgerError
from ledger.domain.text import strip_unsafe
from ledger.store.ledger_file import Ledger, default_path, open_ledger


def ledger_path(db: Path | None) -> Path:
    """--db, else $LEDGER_DB, else the user data folder."""
    return db if db is not None else default_path()


def open_for(db: Path | None, *, create: bool = False) -> Ledger:
    """The ledger a command works on."""
    return open_ledger(ledger_path(db), create=create)


def today() -> date:
    return clock.now().date()


def given(text: str | None, option: str) -> str | None:
    """An option's value; an explicitly empty one (``--date ''``, only invisible characters)
    is refused by name rather than taken as "not given"."""
    if text is not None and not strip_unsafe(text).strip():
        raise LedgerError(f"{option} 的值为空；不指定时请省略 {option}")
    return text


def moment(text: str | None, option: str = "--at") -> datetime | None:
    """--at as a moment in China time (None: now); a value with an offset is converted."""
    value = given(text, option)
    return dates.parse_moment_in_china(value, clock.now()) if value is not None else None


def day(text: str | None, option: str = "日期") -> date | None:
    """A date option (None when not given)."""
    value = given(text, option)
    return dates.parse_date(value, today()) if value is not None else None
