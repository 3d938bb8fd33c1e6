"""Opening the ledger for a command, and the clock and date parsing every command shares."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from ledger import clock, dates
from ledger.storage import Ledger, default_path, open_ledger


def ledger_path(db: Path | None) -> Path:
    """--db, else $LEDGER_DB, else the user data folder."""
    return db if db is not None else default_path()


def open_for(db: Path | None, *, create: bool = False) -> Ledger:
    """The ledger a command works on."""
    return open_ledger(ledger_path(db), create=create)


def today() -> date:
    return clock.now().date()


def moment(text: str | None) -> datetime | None:
    """--at as a moment (None: now)."""
    return dates.parse_moment(text, clock.now()) if text else None


def day(text: str | None) -> date | None:
    """A date option (None when not given)."""
    return dates.parse_date(text, today()) if text else None
