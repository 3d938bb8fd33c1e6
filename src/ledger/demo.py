"""The demo ledger: built from ``sample_data/demo.json`` through the same core functions a
clerk's commands call, so the demo exercises the real lifecycle, deadlines and events."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ledger.casework import actions
from ledger.domain.dates import iso
from ledger.domain.errors import LedgerError
from ledger.registry import areas, categories, meetings, units
from ledger.store.ledger_file import Ledger, open_ledger

DEMO_MARK = "demo_built_at"
# Legacy ledgers the demo brings in with ``ledger import items`` (made by make_legacy.py):
# a community clerk's Excel workbook and a subdistrict system's GBK CSV export.
LEGACY_LEDGERS = ("铁塔寺社区台账.xlsx", "财工街社区台账.csv")


def sample_data_dir() -> Path:
    """sample_data/ inside the installed package, else beside the source tree."""
    from importlib import resources  # costs 15 ms: only when the demo is built

    packaged = resources.files("ledger") / "sample_data"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "sample_data"


def _moment(text: str) -> date | datetime:
    """A scripted moment: a date-time, or a bare date (no clock time invented)."""
    if "T" in text or " " in text:
        return datetime.fromisoformat(text.replace(" ", "T"))
    return date.fromisoformat(text)


# One entry per scripted action: [action, date, *arguments] → the core call.
STEPS: dict[str, Callable[[Ledger, int, date | datetime, list[Any]], actions.ActionOutcome]] = {
    "assign": lambda lg, n, at, a: actions.assign(
        lg, n, a[0], at=at, note=a[1] if len(a) > 1 else None
    ),
    "progress": lambda lg, n, at, a: actions.progress(
        lg, n, a[0], percent=a[1] if len(a) > 1 else None, at=at
    ),
    "extend": lambda lg, n, at, a: actions.extend(lg, n, date.fromisoformat(a[0]), a[1], at=at),
    "escalate": lambda lg, n, at, a: actions.escalate(lg, n, a[0], a[1], at=at),
    "resolve": lambda lg, n, at, a: actions.resolve(lg, n, a[0], at=at),
    "decline": lambda lg, n, at, a: actions.decline(lg, n, a[0], at=at),
    "reply": lambda lg, n, at, a: actions.reply(
        lg, n, a[0], channel=a[1] if len(a) > 1 else "电话", at=at
    ),
    "rate": lambda lg, n, at, a: actions.rate(
        lg, n, a[0], close=bool(a[1]) if len(a) > 1 else False, at=at
    ),
    "close": lambda lg, n, at, a: actions.close(lg, n, a[0], at=at),
    "void": lambda lg, n, at, a: actions.void(lg, n, a[0], at=at),
    "undo": lambda lg, n, at, a: actions.undo(lg, n, a[0]),  # a correction happens now
}


def _prepare(path: Path) -> None:
    """Refuse to overwrite anything but an earlier demo ledger (or an empty file)."""
    if not path.exists() or (path.is_file() and path.stat().st_size == 0):
        return  # open_ledger(create=True) makes the demo ledger of it
    try:
        previous = open_ledger(path)
        marked = previous.conn.execute(
            "SELECT 1 FROM settings WHERE key = ?", (DEMO_MARK,)
        ).fetchone()
        previous.close()
    except LedgerError:
        marked = None
    if not marked:
        raise LedgerError(f"“{path}”已存在且不是演示台账，为免覆盖，请用 --db 指定新的文件名")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def build(path: Path, data_dir: Path | None = None, actor: str = "演示") -> dict[str, Any]:
    """Build the demo ledger at ``path`` (replacing an earlier demo); returns a summary."""
    folder = data_dir or sample_data_dir()
    source = folder / "demo.json"
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise LedgerError(f"找不到示例数据“{source}”") from error
    _prepare(path)
    ledger = open_ledger(path, create=True, actor=actor)
    try:
        with ledger.transaction():
            ledger.conn.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?)", (DEMO_MARK, iso(ledger.now()))
            )
            _load(ledger, data)
            imported = _import_legacy(ledger, folder)
        summary = summarise(ledger)
        summary["imported"] = imported
    finally:
        ledger.close()
    summary["path"] = str(path)
    return summary


def _load(ledger: Ledger, data: dict[str, Any]) -> None:
    for key, value in data.get("settings", {}).items():
        ledger.set_setting(key, str(value))
    for path in data["areas"]:
        areas.add_path(ledger, path)
    for label in data.get("categories", []):
        categories.add(ledger, label)
    for unit in data["units"]:
        units.add(
            ledger,
            unit["name"],
            unit["kind"],
            phone=unit.get("phone"),
            contact=unit.get("contact"),
            area=unit.get("area"),
        )
    meeting_numbers: dict[str, int] = {}
    for meeting in data["meetings"]:
        row = meetings.add(
            ledger,
            kind=meeting["kind"],
            held_on=date.fromisoformat(meeting["date"]),
            community=meeting["community"],
            compound=meeting.get("compound"),
            host=meeting.get("host"),
            attendees=meeting.get("attendees"),
            note=meeting.get("note"),
        )
        meeting_numbers[meeting["ref"]] = row["number"]
    for entry in data["items"]:
        outcome = actions.add(
            ledger,
            entry["title"],
            community=entry.get("community"),
            compound=entry.get("compound"),
            building=entry.get("building"),
            meeting=meeting_numbers[entry["meeting"]] if entry.get("meeting") else None,
            source=entry.get("source"),
            category=entry.get("category", "其他"),
            scale=entry.get("scale", "small"),
            reporter=entry.get("by"),
            phone=entry.get("phone"),
            raised_on=date.fromisoformat(entry["date"]) if entry.get("date") else None,
        )
        number = outcome.item["number"]
        for action, when, *arguments in entry.get("steps", []):
            STEPS[action](ledger, number, _moment(when), arguments)


def _import_legacy(ledger: Ledger, folder: Path) -> list[dict[str, Any]]:
    """Import the legacy ledgers found in ``folder``, as a clerk would on day one."""
    from ledger.io.importer import import_items

    imported = []
    for name in LEGACY_LEDGERS:
        path = folder / name
        if path.exists():
            report = import_items(ledger, path)
            imported.append({"file": name, "items": report.new, "events": report.events})
    return imported


def summarise(ledger: Ledger) -> dict[str, Any]:
    """Counts for the demo's closing lines."""
    today = ledger.now().date()

    def count(sql: str, *params: Any) -> int:
        return int(ledger.conn.execute(sql, params).fetchone()[0])

    by_status = dict(
        ledger.conn.execute("SELECT status, count(*) FROM items GROUP BY status").fetchall()
    )
    return {
        "areas": count("SELECT count(*) FROM areas WHERE level = 'community'"),
        "subdistricts": count("SELECT count(*) FROM areas WHERE level = 'subdistrict'"),
        "units": count("SELECT count(*) FROM units"),
        "meetings": count("SELECT count(*) FROM meetings"),
        "items": count("SELECT count(*) FROM items"),
        "events": count("SELECT count(*) FROM events"),
        "by_status": by_status,
        "overdue": count(
            "SELECT count(*) FROM items WHERE status IN ('raised', 'assigned') AND due_on < ?",
            iso(today),
        ),
        "first_raised": ledger.conn.execute("SELECT MIN(raised_on) FROM items").fetchone()[0],
        "last_raised": ledger.conn.execute("SELECT MAX(raised_on) FROM items").fetchone()[0],
    }


def default_demo_path() -> Path:
    """./ledger-demo.db, never the clerk's own ledger."""
    return Path(os.getcwd()) / "ledger-demo.db"
