"""``ledger import areas``: the org tree from a sheet with columns 区县/街道/社区/小区/楼栋.

Such sheets write a parent once and leave it blank below (or merge it over its children's
rows), so a blank higher level takes the value of the row above. Places already in the
ledger are left alone: importing the same sheet twice adds nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Unpack

from ledger.domain.dates import iso
from ledger.domain.labels import AREA_LEVEL, AREA_LEVELS
from ledger.domain.text import LIMITS
from ledger.io.importer import headers, reading, rows, table, values
from ledger.io.importer.report import BadRow, ImportOutcome
from ledger.store.ledger_file import Ledger, new_uid

MAX_NAME = LIMITS["name"][0]  # as typed names (ledger.domain.text)


def import_areas(
    ledger: Ledger, path: Path | str, **options: Unpack[table.Options]
) -> ImportOutcome:
    """Add every place the sheet lists (and its missing parents); returns what was done."""
    existing = {p: i for i, p in ledger.conn.execute("SELECT id, path FROM areas")}
    wanted: dict[str, tuple[str, int]] = {}  # path → (sheet, row) where first seen
    cache: dict[tuple[str, str], tuple[str, str | None]] = {}
    with table.opened("areas", path, headers.AREAS, options) as job:
        report = job.report
        for layout, data in job.tables(headers.AREAS, _check_columns, "区县、街道、社区"):
            levels = [(level, layout.first(level)) for level in AREA_LEVELS]
            top = min(d for d, (_, index) in enumerate(levels) if index is not None)
            above: list[str | None] = [None] * len(AREA_LEVELS)
            for number, row in data:
                names: list[str | None] = []
                for _, index in levels:
                    value = row[index] if index is not None and index < len(row) else None
                    names.append(_name(value))
                deepest = max((d for d, n in enumerate(names) if n), default=-1)
                # A blank parent takes the value of the row above (written once per group).
                for depth in range(top, deepest):
                    if not names[depth]:
                        names[depth] = above[depth]
                problems = _problems(names, top, deepest)
                prefix = ""
                if not problems and top > 0:
                    # No 区县 column: the sheet's first level must already be in the ledger.
                    prefix, message = _parent(ledger, AREA_LEVELS[top], names[top] or "", cache)
                    if message:
                        problems.append((AREA_LEVELS[top], message))
                if problems:
                    _bad(report, layout, number, row, problems)
                    continue
                above = [*names[: deepest + 1], *([None] * (len(AREA_LEVELS) - deepest - 1))]
                path_text = prefix + "/".join(n for n in names[top : deepest + 1] if n)
                if path_text in existing:
                    report.existing += 1
                elif path_text in wanted:
                    report.repeated.append((layout.sheet, number, wanted[path_text][1]))
                else:
                    wanted[path_text] = (layout.sheet, number)
    job.refuse_if_wrong()
    # Every new path with its missing parents, parents first.
    to_add: list[str] = []
    for path_text in wanted:
        parts = path_text.split("/")
        for depth in range(1, len(parts) + 1):
            prefix = "/".join(parts[:depth])
            if prefix not in existing and prefix not in to_add:
                to_add.append(prefix)
    to_add.sort(key=lambda p: p.count("/"))
    report.new = len(to_add)
    for path_text in to_add:
        report.by_level[AREA_LEVELS[path_text.count("/")]] += 1
    report.preview = [
        {"path": p, "level": AREA_LEVEL.label(AREA_LEVELS[p.count("/")])} for p in to_add[:10]
    ]
    if not job.writing():
        return report
    if to_add:
        created = iso(ledger.now())
        with ledger.transaction():
            ids = dict(existing)
            for path_text in to_add:
                parent, _, name = path_text.rpartition("/")
                cursor = ledger.conn.execute(
                    "INSERT INTO areas (uid, parent_id, level, name, path, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        new_uid(),
                        ids.get(parent) if parent else None,
                        AREA_LEVELS[path_text.count("/")],
                        name,
                        path_text,
                        created,
                    ),
                )
                ids[path_text] = int(cursor.lastrowid or 0)
        report.written = True
    return report


def _check_columns(layout: rows.Layout, report: ImportOutcome) -> bool:
    return any(level in layout.columns for level in AREA_LEVELS)


def _parent(
    ledger: Ledger, level: str, name: str, cache: dict[tuple[str, str], tuple[str, str | None]]
) -> tuple[str, str | None]:
    """The path above an existing place named ``name`` (with its trailing '/'), or why not."""
    key = (level, name)
    if key not in cache:
        found = ledger.conn.execute(
            "SELECT path FROM areas WHERE level = ? AND name = ?", (level, name)
        ).fetchall()
        what = AREA_LEVEL.label(level)
        if len(found) == 1:
            cache[key] = (found[0][0].rpartition("/")[0] + "/" if "/" in found[0][0] else "", None)
        elif not found:
            cache[key] = ("", f"台账中没有{what}“{name}”；表中没有上级列时，{what}须已在区划中")
        else:
            cache[key] = ("", f"有 {len(found)} 个{what}叫“{name}”，请在表中加上上级区划列")
    return cache[key]


def _name(value: object) -> str | None:
    """A place name from a cell: trimmed, inner spaces collapsed, None when blank."""
    text = values.text(value)
    if values.is_null(text):
        return None
    return " ".join(text.split())  # type: ignore[union-attr]


def _problems(names: list[str | None], top: int, deepest: int) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    for depth in range(top, deepest + 1):
        level = AREA_LEVELS[depth]
        name = names[depth]
        if not name:
            problems.append((level, f"缺少{AREA_LEVEL.label(level)}（上一行也没有可沿用的）"))
        elif "/" in name or "／" in name:
            problems.append((level, f"名称“{name}”中不能有“/”"))
        elif len(name) > MAX_NAME:
            problems.append((level, f"名称过长（{len(name)} 字，最多 {MAX_NAME} 字）"))
    return problems


def _bad(
    report: ImportOutcome,
    layout: rows.Layout,
    number: int,
    row: reading.Row,
    problems: list[tuple[str, str]],
) -> None:
    report.bad_rows += 1
    for code, message in problems:
        column = layout.describe(layout.first(code)) or headers.AREAS.label(code)
        report.problem(layout.sheet, number, column, message)
    report.bad.append(BadRow(layout.sheet, number, row, [m for _, m in problems]))
