"""``ledger import units``: 承办单位 from a sheet (名称, 类型, 联系电话, 联系人, 所属区划).

A unit is known by its name within its area (物业公司 recurs from one community to the
next); one already in the ledger is left alone, so importing the same sheet twice adds
nothing. A blank 类型 is guessed from the name (…局 → 职能部门, …物业 → 物业 …) and said so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Unpack

from ledger.domain.dates import iso
from ledger.domain.labels import UNIT_KIND
from ledger.domain.text import LIMITS
from ledger.io.importer import headers, reading, rows, table, values, words
from ledger.io.importer.report import BadRow, ImportOutcome
from ledger.io.importer.values import Bad
from ledger.store.ledger_file import Ledger, new_uid

MAX_NAME = LIMITS["name"][0]  # as typed names (ledger.domain.text)


def import_units(
    ledger: Ledger, path: Path | str, **options: Unpack[table.Options]
) -> ImportOutcome:
    """Add every unit the sheet lists that the ledger lacks; returns what was done."""
    conn = ledger.conn
    existing = {(name, area) for name, area in conn.execute("SELECT name, area_id FROM units")}
    areas: dict[str, list[tuple[int, str]]] = {}
    for area_id, name, path_text in conn.execute("SELECT id, name, path FROM areas"):
        areas.setdefault(name, []).append((area_id, path_text))
    area_cache: dict[str, int | str] = {}
    wanted: dict[tuple[str, int | None], tuple[str, str | None, str | None, int]] = {}
    guessed = 0
    with table.opened("units", path, headers.UNITS, options) as job:
        report = job.report
        for layout, data in job.tables(headers.UNITS, _check_columns, "单位名称、类型、联系电话"):
            at = {code: layout.first(code) for code in headers.UNITS.fields}

            def cell(row: reading.Row, code: str) -> object:
                index = at[code]  # noqa: B023 - one layout per loop turn
                return row[index] if index is not None and index < len(row) else None

            for number, row in data:
                problems: list[tuple[str, str]] = []
                name = _text(cell(row, "name"))
                if not name:
                    problems.append(("name", "单位名称为空"))
                elif len(name) > MAX_NAME:
                    problems.append(("name", f"单位名称过长（{len(name)} 字，最多 {MAX_NAME} 字）"))
                kind_text = _text(cell(row, "kind"))
                kind = None
                if kind_text:
                    try:
                        kind = words.word(
                            words.UNIT_KIND_WORDS, kind_text, "单位类型", UNIT_KIND.describe()
                        )
                    except Bad as error:
                        problems.append(("kind", str(error)))
                phone = None
                try:
                    phone, _ = values.parse_phone(cell(row, "phone"))
                except Bad as error:
                    problems.append(("phone", str(error)))
                contact = _text(cell(row, "contact"))
                area_text = _text(cell(row, "area")) or "/".join(
                    t
                    for t in (
                        _text(cell(row, "county")),
                        _text(cell(row, "subdistrict")),
                        _text(cell(row, "community")),
                    )
                    if t
                )
                area_id: int | None = None
                if area_text:
                    found = _area(area_text, areas, area_cache)
                    if isinstance(found, str):
                        code = next(
                            (c for c in ("area", "community", "subdistrict", "county") if at[c]),
                            "area",
                        )
                        problems.append((code, found))
                    else:
                        area_id = found
                if problems or not name:
                    report.bad_rows += 1
                    for code, message in problems:
                        column = layout.describe(at.get(code)) or headers.UNITS.label(code)
                        report.problem(layout.sheet, number, column, message)
                    report.bad.append(BadRow(layout.sheet, number, row, [m for _, m in problems]))
                    continue
                if kind is None:
                    kind = words.guess_unit_kind(name)
                    guessed += 1
                key = (name, area_id)
                if key in existing:
                    report.existing += 1
                elif key in wanted:
                    report.repeated.append((layout.sheet, number, wanted[key][3]))
                else:
                    wanted[key] = (kind, phone, contact, number)
    job.refuse_if_wrong()
    if guessed:
        report.notices.append(
            f"{guessed} 个单位没有填写类型，已按名称推断（可用 ledger unit list 查看）"
        )
    report.new = len(wanted)
    for kind, *_ in wanted.values():
        report.by_level[kind] += 1
    report.preview = [
        {"name": name, "kind": UNIT_KIND.label(kind), "phone": phone, "contact": contact}
        for (name, _), (kind, phone, contact, _row) in list(wanted.items())[:10]
    ]
    if not job.writing():
        return report
    if wanted:
        created = iso(ledger.now())
        with ledger.transaction():
            conn.executemany(
                "INSERT INTO units (uid, name, kind, phone, contact, area_id, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (new_uid(), name, kind, phone, contact, area_id, created)
                    for (name, area_id), (kind, phone, contact, _row) in wanted.items()
                ],
            )
        report.written = True
    return report


def _check_columns(layout: rows.Layout, report: ImportOutcome) -> bool:
    if "name" in layout.columns:
        return True
    listed = "、".join(layout.headings[i] for i in sorted(layout.headings))
    report.problem(
        layout.sheet,
        None,
        None,
        f"没有“单位名称”列（表头为：{listed}）；可用 --map 列名=name 指定",
    )
    return False


def _text(value: object) -> str | None:
    found = values.text(value)
    return None if values.is_null(found) else found


def _area(
    text: str, areas: dict[str, list[tuple[int, str]]], cache: dict[str, int | str]
) -> int | str:
    """An area by name or by a path suffix (街道/社区); a sentence when none or several."""
    if text not in cache:
        names = [n.strip() for n in text.replace("／", "/").split("/") if n.strip()]
        suffix = "/".join(names)
        found = [
            area_id
            for area_id, path_text in areas.get(names[-1], [])
            if path_text == suffix or path_text.endswith("/" + suffix)
        ]
        if len(found) == 1:
            cache[text] = found[0]
        elif not found:
            cache[text] = (
                f"台账中没有区划“{text}”；请先用 ledger import areas 或 ledger area add 添加"
            )
        else:
            cache[text] = f"有 {len(found)} 个区划叫“{text}”，请写明上级，如“街道/社区”"
    return cache[text]
