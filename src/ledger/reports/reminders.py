"""催办通知: a notice per unit holding overdue or nearly-due items, and a ``remind`` event each.

``remind`` never changes an item's status. It writes, per unit, a short text and an .xlsx with
the same rows, and records one ``remind`` event on each listed item (remind_count + 1), all in
one transaction. Running it again on the same day records nothing new for items already
reminded that day (the files are written again, identical), so the history and the report's
count of reminders stay honest.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ledger.casework import history
from ledger.domain import deadlines
from ledger.domain.dates import chinese_date, iso
from ledger.domain.filenames import distinct, inside, safe_name
from ledger.domain.labels import CARD, LEVEL
from ledger.domain.lifecycle import OPEN_SQL
from ledger.registry import units
from ledger.store.ledger_file import Ledger
from ledger.views import filters
from ledger.views.rows import ITEM_SELECT, row_to_item

# Columns of the letter's table (the .txt lists the same facts per item).
COLUMNS = (
    ("number", "编号", 6),
    ("where", "社区 / 小区楼栋", 17),
    ("title", "问题描述", 30),
    ("assigned_on", "交办日期", 11),
    ("due_on", "办理时限", 11),
    ("standing", "督办", 15),
    ("reopened", "是否重办", 10),
    ("last_progress", "最新进展", 24),
)
_WRAPPED = {"where", "title", "standing", "reopened", "last_progress"}  # wrapped in the letter


@dataclass
class Notice:
    """One unit's 催办通知: its items, the files written and what was recorded."""

    unit: str
    unit_phone: str | None
    unit_contact: str | None
    items: list[dict[str, Any]]
    recorded: int = 0  # remind events added now
    already: int = 0  # items already reminded earlier today
    text_path: Path | None = None
    xlsx_path: Path | None = None

    def count(self, level: str) -> int:
        return sum(1 for item in self.items if item["level"] == level)


@dataclass
class RemindOutcome:
    """What ``ledger remind`` did."""

    today: date
    out_dir: Path
    notices: list[Notice] = field(default_factory=list)
    ledger_items: int = 0
    unassigned: int = 0  # overdue or nearly due but not yet 交办: no unit to chase
    estimated_years: list[int] = field(default_factory=list)

    @property
    def recorded(self) -> int:
        return sum(notice.recorded for notice in self.notices)

    @property
    def already(self) -> int:
        return sum(notice.already for notice in self.notices)


def due_items(ledger: Ledger, today: date, unit_id: int | None = None) -> list[dict[str, Any]]:
    """Open items with a unit that are overdue or due within 1 working day, by unit and due date."""
    boundary = filters.due_within_boundary(
        ledger.calendar, today, deadlines.WARNING_WITHIN_WORKDAYS
    )
    sql = ITEM_SELECT + f" WHERE i.status IN {OPEN_SQL} AND i.unit_id IS NOT NULL AND i.due_on < ?"
    params: list[Any] = [iso(boundary)]
    if unit_id is not None:
        sql += " AND i.unit_id = ?"
        params.append(unit_id)
    cursor = ledger.conn.execute(sql + " ORDER BY u.name, i.unit_id, i.due_on, i.number", params)
    rows = [row_to_item(row, cursor.description) for row in cursor.fetchall()]
    for item in rows:
        filters.annotate_deadline(ledger, item, today)
    return rows


def remind(ledger: Ledger, today: date, out_dir: Path, *, unit: str | None = None) -> RemindOutcome:
    """Write a 催办通知 per unit and record a ``remind`` event per item, in one transaction."""
    result = RemindOutcome(today=today, out_dir=out_dir)
    result.ledger_items = ledger.conn.execute("SELECT count(*) FROM items").fetchone()[0]
    unit_row = units.find(ledger, unit) if unit is not None else None
    now = ledger.now().replace(microsecond=0)
    if unit_row is None:
        result.unassigned = _unassigned_due(ledger, today)
    with ledger.transaction():
        rows = due_items(ledger, today, unit_row["id"] if unit_row else None)
        if not rows:
            result.estimated_years = sorted(ledger.calendar.estimated_years)
            return result
        reminded_today = _reminded_on(ledger, today, [row["id"] for row in rows])
        by_unit: dict[int, Notice] = {}
        for item in rows:
            notice = by_unit.get(item["unit_id"])
            if notice is None:
                unit_info = units.get(ledger, item["unit_id"])
                notice = Notice(item["unit"], unit_info["phone"], unit_info["contact"], [])
                by_unit[item["unit_id"]] = notice
            notice.items.append(item)
        for notice in by_unit.values():
            for item in notice.items:
                if item["id"] in reminded_today:
                    notice.already += 1
                    continue
                _record_remind(ledger, item, now)
                notice.recorded += 1
        result.notices = list(by_unit.values())
        result.estimated_years = sorted(ledger.calendar.estimated_years)
        # Files last but inside the transaction: if they cannot be written, nothing is recorded.
        _write_files(ledger, result)
    return result


def _unassigned_due(ledger: Ledger, today: date) -> int:
    """Open items without a unit that are overdue or nearly due (they need 交办 first)."""
    boundary = filters.due_within_boundary(
        ledger.calendar, today, deadlines.WARNING_WITHIN_WORKDAYS
    )
    return ledger.conn.execute(
        f"SELECT count(*) FROM items WHERE status IN {OPEN_SQL} AND unit_id IS NULL AND due_on < ?",
        (iso(boundary),),
    ).fetchone()[0]


def _reminded_on(ledger: Ledger, day: date, item_ids: list[int]) -> set[int]:
    """Items among ``item_ids`` that already have a ``remind`` event on ``day``."""
    start, end = iso(day), iso(day + timedelta(days=1))
    found = ledger.conn.execute(
        "SELECT DISTINCT item_id FROM events WHERE action = 'remind' AND at >= ? AND at < ?",
        (start, end),
    )
    wanted = set(item_ids)
    return {row[0] for row in found if row[0] in wanted}


def _record_remind(ledger: Ledger, item: dict[str, Any], now: Any) -> None:
    """One ``remind`` event through the one event writer; the item's status stays."""
    history.record(ledger, item["id"], "remind", now, {}, f"催办：{_standing_text(item)}")


def _standing_text(item: dict[str, Any]) -> str:
    """严重超期 9 个工作日 / 超期 2 个工作日 / 预警（今日到期）, with （估算） when estimated."""
    mark = "（估算）" if item["estimated"] else ""
    level = item["level"]
    if level in ("severe", "overdue"):
        return f"{LEVEL[level]} {item['workdays_overdue']} 个工作日{mark}"
    left = "今日到期" if item["workdays_left"] == 0 else "明日到期"
    return f"{LEVEL[level]}（{left}）{mark}"


def _card_text(item: dict[str, Any]) -> str:
    """红牌 · 超期 2 个工作日: the card (deadlines.card) before the level."""
    card = CARD.label(item.get("card"))
    return f"{card} · {_standing_text(item)}" if card else _standing_text(item)


def _reopened_text(item: dict[str, Any]) -> str:
    """重办: the resident was 不满意 and the item came back to the unit."""
    count = item.get("reopen_count") or 0
    if not count:
        return "否"
    return "是（居民不满意后重办）" if count == 1 else f"是（不满意后第 {count} 次重办）"


def _cell_value(item: dict[str, Any], key: str) -> Any:
    if key == "standing":
        return _card_text(item)
    if key == "reopened":
        return _reopened_text(item)
    if key == "where":
        return item["community"] + (f"\n{item['place']}" if item["place"] else "")
    return item.get(key)


def sender_of(ledger: Ledger, notice: Notice) -> str:
    """Who signs: the reporting unit when set, else the community (or communities) of the items."""
    configured = ledger.setting("reporting_unit")
    if configured:
        return configured
    names = list(dict.fromkeys(item["community"] for item in notice.items))
    return "、".join(names) + (
        "居民委员会" if len(names) == 1 and names[0].endswith("社区") else ""
    )


# --- files ------------------------------------------------------------------------------


def _safe_filename(name: str) -> str:
    return safe_name(name, fallback="承办单位")


def _base_names(notices: list[Notice]) -> list[str]:
    """One file name per notice; units that share a name get a number to keep files apart."""
    return distinct([_safe_filename(notice.unit) for notice in notices])


def _write_files(ledger: Ledger, result: RemindOutcome) -> None:
    result.out_dir.mkdir(parents=True, exist_ok=True)
    for notice, base in zip(result.notices, _base_names(result.notices), strict=True):
        sender = sender_of(ledger, notice)
        stem = f"{iso(result.today)}-催办通知-{base}"
        notice.text_path = inside(result.out_dir, f"{stem}.txt")
        notice.xlsx_path = inside(result.out_dir, f"{stem}.xlsx")
        _replace(notice.text_path, notice_text(notice, result.today, sender).encode("utf-8"))
        _write_xlsx(notice, result.today, notice.xlsx_path, sender)


def _replace(path: Path, data: bytes) -> None:
    """Write through a temporary file, so a failure never leaves half a notice behind."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _contact(notice: Notice, no_phone: str) -> str:
    """联系人 … ，电话 … of the unit (``no_phone`` when it has none on record)."""
    parts = (
        f"联系人 {notice.unit_contact}" if notice.unit_contact else "",
        f"电话 {notice.unit_phone}" if notice.unit_phone else no_phone,
    )
    return "，".join(part for part in parts if part)


def notice_text(notice: Notice, today: date, sender: str) -> str:
    """The short text of a 催办通知."""
    contact = _contact(notice, "")
    counts = "、".join(
        f"{LEVEL[level]} {notice.count(level)} 件"
        for level in ("severe", "overdue", "warning")
        if notice.count(level)
    )
    lines = [
        "催办通知",
        "",
        f"{notice.unit}{f'（{contact}）' if contact else ''}：",
        "",
        f"截至{chinese_date(today)}，贵单位承办的下列 {len(notice.items)} 件居民诉求"
        f"已超期或即将到期（{counts}）。按照“事事有记录、件件有回音”的要求，"
        "请抓紧办理，并将办理结果及时反馈社区，以便答复居民。",
        "",
    ]
    for index, item in enumerate(notice.items, start=1):
        place = f"{item['community']}" + (f" {item['place']}" if item["place"] else "")
        lines.append(f"{index}. 第 {item['number']} 号｜{place}｜{_one_line(item['title'])}")
        lines.append(
            f"   交办日期：{item['assigned_on'] or '—'}　办理时限：{item['due_on']}　"
            f"{_card_text(item)}"
        )
        if item.get("reopen_count"):
            lines.append(f"   重办：{_reopened_text(item)[2:-1]}，请重点办理")
        lines.append(f"   最新进展：{_one_line(item['last_progress']) or '暂无'}")
    if any(item["estimated"] for item in notice.items):
        lines += ["", "注：标“估算”的工作日数涉及尚未公布节假日安排的年份，按周一至周五估算。"]
    lines += ["", CARD_RULE, "", f"{sender}（盖章）", chinese_date(today), ""]
    return "\n".join(lines)


CARD_RULE = "注：到期前 1 个工作日起亮黄牌，超过办理时限后的第 1 个工作日起亮红牌。"


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def _write_xlsx(notice: Notice, today: date, path: Path, sender: str) -> None:
    """The notice as a letter on one A4 page (landscape): addressee, text, a bordered table
    of the items with their cards and 重办 marks, the rule, and the community's signature."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    from ledger.reports.cells import set_text  # openpyxl: only when a letter is written
    from ledger.reports.paper import print_on_a4, wrapped_lines
    from ledger.reports.writer import save_workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "催办通知"
    last = get_column_letter(len(COLUMNS))
    total_width = sum(width for _, _, width in COLUMNS)
    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    plain = Font(name="宋体", size=11)
    bold = Font(name="宋体", size=11, bold=True)
    wrap = Alignment(vertical="center", wrap_text=True)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)

    def line(row: int, text: str, font: Any, align: Any, height: float | None = None) -> None:
        sheet.merge_cells(f"A{row}:{last}{row}")
        cell = sheet.cell(row=row, column=1)
        set_text(cell, text)
        cell.font, cell.alignment = font, align
        lines = wrapped_lines(text, int(total_width - 2))
        sheet.row_dimensions[row].height = height or lines * 16 + 6

    line(1, "催 办 通 知", Font(name="宋体", size=20, bold=True), centre, 42)
    contact = _contact(notice, "电话 未登记")
    line(2, f"{notice.unit}（{contact}）：", bold, Alignment(vertical="center"), 24)
    counts = "、".join(
        f"{LEVEL[level]} {notice.count(level)} 件"
        for level in ("severe", "overdue", "warning")
        if notice.count(level)
    )
    body = (
        f"　　截至{chinese_date(today)}，贵单位承办的下列 {len(notice.items)} 件居民诉求"
        f"已超期或即将到期（{counts}）。按照“事事有记录、件件有回音”的要求，请抓紧办理，"
        "并将办理结果及时反馈社区，以便答复居民。"
    )
    line(3, body, plain, Alignment(vertical="top", wrap_text=True))
    header_row = 5
    fill = PatternFill("solid", fgColor="DDEBF7")
    for column, (_, label, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=header_row, column=column, value=label)
        cell.font, cell.alignment, cell.border, cell.fill = bold, centre, box, fill
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.row_dimensions[header_row].height = 22
    row = header_row
    for item in notice.items:
        row += 1
        lines = 1
        for column, (key, _, width) in enumerate(COLUMNS, start=1):
            cell = sheet.cell(row=row, column=column)
            cell.border, cell.font = box, plain
            value = _cell_value(item, key)
            cell.alignment = wrap if key in _WRAPPED else centre
            if value is None:
                continue
            if key in ("assigned_on", "due_on"):
                cell.value = date.fromisoformat(value)
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, str):
                set_text(cell, value)
                room = max(width - 1, 2)
                lines = max(lines, wrapped_lines(value, int(room)))
            else:
                cell.value = value
        sheet.row_dimensions[row].height = lines * 15 + 6
    row += 1
    notes = [CARD_RULE]
    if any(item["estimated"] for item in notice.items):
        notes.append("标“估算”的工作日数涉及尚未公布节假日安排的年份，按周一至周五估算。")
    line(row, " ".join(notes), Font(name="宋体", size=9), Alignment(vertical="top", wrap_text=True))
    right = Alignment(horizontal="right", vertical="center")
    line(row + 2, f"{sender}（盖章）", bold, right, 24)
    line(row + 3, chinese_date(today), plain, right, 20)
    print_on_a4(sheet, one_page=True, margins=(0.5, 0.6), centred=True)  # a page per unit
    sheet.print_area = f"A1:{last}{row + 3}"
    save_workbook(book, path)
