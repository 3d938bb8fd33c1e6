"""The controlled list of problem categories (问题类别), which clerks may extend."""

from __future__ import annotations

import sqlite3

from ledger.domain import text
from ledger.domain.errors import LedgerError
from ledger.registry import names
from ledger.store.ledger_file import Ledger


def all_categories(ledger: Ledger) -> list[dict[str, object]]:
    """Every category, built-in first, in list order."""
    rows = ledger.conn.execute(
        "SELECT code, label, builtin FROM categories ORDER BY position"
    ).fetchall()
    return [
        {"code": code, "label": label, "builtin": bool(builtin)} for code, label, builtin in rows
    ]


def labels(ledger: Ledger) -> dict[str, str]:
    """code → label."""
    return {str(c["code"]): str(c["label"]) for c in all_categories(ledger)}


def parse(ledger: Ledger, text: str) -> str:
    """The code for a category given by code or label; refuses unknown ones with the list."""
    value = text.strip()
    known = labels(ledger)
    for code, label in known.items():
        if value in (code, label):
            return code
    # Not the full label: as clerks type it (基础, jcss), see ledger.registry.names.
    found = names.resolve(value, list(known.items()), lambda pair: pair[1], "问题类别")
    if found is not None:
        return found[0]
    listed = "、".join(known.values())
    raise LedgerError(f"未知的问题类别“{value}”，可选：{listed}（可用 ledger category add 新增）")


def add(ledger: Ledger, label: str) -> dict[str, object]:
    """Add a category (its code is its label); refuses a duplicate."""
    name = text.clean(label, "name", "类别名称") or ""
    if not name or len(name) > 20:
        raise LedgerError("类别名称应为 1–20 个字")
    if name in labels(ledger).values() or name in labels(ledger):
        raise LedgerError(f"类别“{name}”已存在")
    with ledger.transaction():
        append(ledger.conn, name, name)
    return {"code": name, "label": name, "builtin": False}


def append(conn: sqlite3.Connection, code: str, label: str) -> None:
    """Put a clerk's category after the others (also used by merge for a category it brings)."""
    position = conn.execute("SELECT COALESCE(MAX(position), 0) + 1 FROM categories").fetchone()[0]
    conn.execute(
        "INSERT INTO categories(code, label, builtin, position) VALUES (?, ?, 0, ?)",
        (code, label, position),
    )
