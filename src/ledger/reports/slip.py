"""``ledger slip 42``: one-page forms to print, sign and file for one item.

- 交办单 (for the unit): what, where, who raised it, the deadline and its card, with room for
  the handling and the signatures;
- 回执 (for the resident), once the item is 办结: what was done, the reply, the rating.

Each is an .xlsx laid out as a bordered form on one A4 page (portrait), and a PDF when
LibreOffice (``soffice``) is installed. The forms are data (rows of label/value pairs) drawn
by :func:`draw_form`.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ledger.domain.dates import chinese_date
from ledger.domain.errors import LedgerError
from ledger.domain.labels import CARD, CHANNEL, LEVEL, RATING, SCALE, SOURCE, STATUS
from ledger.domain.lifecycle import FINISHED_STATUSES
from ledger.domain.phones import mask_phone
from ledger.registry import categories
from ledger.reports.cells import set_text
from ledger.reports.paper import print_on_a4, wrapped_lines
from ledger.reports.writer import save_workbook
from ledger.store.ledger_file import Ledger
from ledger.views.rows import get as get_item

FORM_WIDTHS = (13.0, 27.0, 13.0, 27.0)  # label, value, label, value: 80 units on A4 portrait
LINE = 15.5  # points per line of 11 pt text


@dataclass
class SlipOutcome:
    """What ``ledger slip`` wrote."""

    number: int
    files: list[Path] = field(default_factory=list)
    pdf: bool = False  # PDFs were made (LibreOffice present)
    receipt: bool = False  # the item is 办结: a 回执 was written too


# A form row: ("pair", label, value, label, value) | ("wide", label, text, min_lines)
# | ("box", label, lines) | ("sign", text)
Row = tuple[Any, ...]


def assignment_rows(ledger: Ledger, item: dict[str, Any], unmask: bool) -> list[Row]:
    """The 交办单 as rows."""
    labels = categories.labels(ledger)
    meeting = ""
    if item["meeting"]:
        held = ledger.conn.execute(
            "SELECT held_on FROM meetings WHERE number = ?", (item["meeting"],)
        ).fetchone()
        meeting = f"（{chinese_date(held[0])}第 {item['meeting']} 次会议）" if held else ""
    due = chinese_date(item["due_on"])
    standing = ""
    if item.get("level"):
        card = CARD.label(item.get("card"))
        standing = f"（{card + '，' if card else ''}{LEVEL[item['level']]}）"
    place = item["community"] + (f" {item['place']}" if item["place"] else "")
    phone = item["phone"] or ""
    return [
        ("pair", "编　　号", f"第 {item['number']} 号", "交办日期", chinese_date(item["assigned_on"])),
        ("pair", "承办单位", item["unit"] or "（尚未交办）", "办理时限", f"{due}{standing}"),
        ("pair", "问题来源", f"{SOURCE.label(item['source'])}{meeting}", "反映日期", chinese_date(item["raised_on"])),
        ("pair", "反 映 人", item["reporter"] or "", "联系电话", phone if unmask else mask_phone(phone)),
        ("pair", "问题地点", place, "类别/规模", f"{labels.get(item['category'], item['category'])}　{SCALE.label(item['scale'])}"),
        ("wide", "问题描述", item["title"], 4),
        ("box", "办理情况\n（承办单位填写）", 9),
        ("sign", "承办人（签字）：　　　　　　　　　单位负责人（签字、盖章）：\n\n日期：　　　　年　　月　　日"),
        ("sign", "交办人（社区签字）：　　　　　　　　　联系电话：\n\n日期：　　　　年　　月　　日"),
    ]  # fmt: skip


def receipt_rows(item: dict[str, Any]) -> list[Row]:
    """The 回执 as rows."""
    finished = "不予办理" if item["status"] == "declined" else "已办结"
    return [
        ("pair", "编　　号", f"第 {item['number']} 号", "反映日期", chinese_date(item["raised_on"])),
        ("pair", "反 映 人", item["reporter"] or "", "问题地点", item["community"] + (f" {item['place']}" if item["place"] else "")),
        ("wide", "反映问题", item["title"], 3),
        ("pair", "承办单位", item["unit"] or item["community"], "办结日期", f"{chinese_date(item['resolved_on'])}（{finished}）"),
        ("wide", "办理结果", item["result"] or "", 4),
        ("pair", "答复日期", chinese_date(item["replied_on"]), "答复方式", CHANNEL.label(item["reply_channel"])),
        ("wide", "答复内容", item["reply_text"] or "", 3),
        ("wide", "居民评价", _rating_line(item), 2),
        ("sign", "居民（签字）：　　　　　　　　　　社区经办人（签字）：\n\n日期：　　　　年　　月　　日"),
    ]  # fmt: skip


def _rating_line(item: dict[str, Any]) -> str:
    if item["rating"]:
        return f"{RATING.label(item['rating'])}（已登记）"
    return "□ 满意　　□ 基本满意　　□ 不满意（请在相应方框内打√）"


def draw_form(ws: Any, title: str, subtitle: str, rows: list[Row], signer: str) -> None:
    """Draw a bordered one-page form on an ordinary openpyxl worksheet (A4 portrait)."""
    from openpyxl.styles import Alignment, Border, Font, Side

    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    font = Font(name="宋体", size=11)
    bold = Font(name="宋体", size=11, bold=True)
    for index, width in enumerate(FORM_WIDTHS, start=1):
        ws.column_dimensions["ABCD"[index - 1]].width = width
    ws.merge_cells("A1:D1")
    ws["A1"] = title
    ws["A1"].font = Font(name="宋体", size=18, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 40
    ws.merge_cells("A2:D2")
    ws["A2"] = subtitle
    ws["A2"].font = Font(name="宋体", size=10)
    ws["A2"].alignment = Alignment(horizontal="right", vertical="center")
    ws.row_dimensions[2].height = 22
    row = 3
    label_align = Alignment(horizontal="center", vertical="center", wrap_text=True)
    value_align = Alignment(horizontal="left", vertical="center", wrap_text=True)
    top_align = Alignment(horizontal="left", vertical="top", wrap_text=True)

    def put(column: str, value: str, style: Font, align: Alignment) -> None:
        cell = ws[f"{column}{row}"]
        set_text(cell, value)
        cell.font, cell.alignment = style, align

    for entry in rows:
        kind = entry[0]
        if kind == "pair":
            _, left, left_value, right, right_value = entry
            put("A", left, bold, label_align)
            put("B", left_value, font, value_align)
            put("C", right, bold, label_align)
            put("D", right_value, font, value_align)
            lines = max(_lines(left_value, FORM_WIDTHS[1]), _lines(right_value, FORM_WIDTHS[3]))
            ws.row_dimensions[row].height = max(26, lines * LINE + 8)
        elif kind == "wide":
            _, label, text, minimum = entry
            put("A", label, bold, label_align)
            put("B", text, font, top_align)
            ws.merge_cells(f"B{row}:D{row}")
            lines = max(minimum, _lines(text, sum(FORM_WIDTHS[1:])))
            ws.row_dimensions[row].height = lines * LINE + 10
        elif kind == "box":
            _, label, lines = entry
            put("A", label, bold, label_align)
            put("B", "", font, top_align)
            ws.merge_cells(f"B{row}:D{row}")
            ws.row_dimensions[row].height = lines * LINE + 10
        else:  # sign
            put(
                "A", entry[1], font, Alignment(horizontal="left", vertical="center", wrap_text=True)
            )
            ws.merge_cells(f"A{row}:D{row}")
            ws.row_dimensions[row].height = 3 * LINE + 16
        for column in "ABCD":
            ws[f"{column}{row}"].border = box
        row += 1
    ws.merge_cells(f"A{row + 1}:D{row + 1}")
    ws[f"A{row + 1}"] = signer
    ws[f"A{row + 1}"].font = font
    ws[f"A{row + 1}"].alignment = Alignment(horizontal="right")
    ws.row_dimensions[row + 1].height = 22
    print_on_a4(ws, landscape=False, one_page=True, margins=(0.6, 0.7), centred=True)
    ws.print_area = f"A1:D{row + 1}"


def _lines(text: str, width: float) -> int:
    """Lines of 11 pt text in a cell ``width`` units wide (a CJK character ≈ 2.1 units)."""
    return wrapped_lines(text or "", max(width - 1, 2) / 1.05)


def write_slip(
    ledger: Ledger, number: int, out_dir: Path, today: date, *, unmask: bool = False
) -> SlipOutcome:
    """Write the 交办单 (and the 回执 once 办结) of item ``number`` into ``out_dir``."""
    from openpyxl import Workbook

    from ledger.views.filters import annotate_deadline

    item = get_item(ledger, number)  # before 交办 too: the unit is then written in by hand
    annotate_deadline(ledger, item, today)
    sender = ledger.setting("reporting_unit") or item["community"]
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise LedgerError(f"无法创建输出文件夹“{out_dir}”（没有权限或该位置不可写入）") from error
    result = SlipOutcome(number)
    forms = [("交办单", f"{sender} 居民诉求交办单", assignment_rows(ledger, item, unmask))]
    if item["status"] in FINISHED_STATUSES:
        forms.append(("回执", f"{sender} 居民诉求办理回执", receipt_rows(item)))
        result.receipt = True
    for kind, title, rows in forms:
        book = Workbook()
        ws = book.active
        ws.title = kind
        subtitle = (
            f"状态：{STATUS.label(item['status'])}　　打印日期：{chinese_date(today.isoformat())}"
        )
        draw_form(ws, title, subtitle, rows, f"{sender}（盖章）")
        path = out_dir / f"第{number}号-{kind}.xlsx"
        result.files.append(save_workbook(book, path))
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice:
        result.pdf = _to_pdf(soffice, list(result.files), out_dir)
        if result.pdf:
            result.files += [path.with_suffix(".pdf") for path in list(result.files)]
    return result


def _to_pdf(soffice: str, files: list[Path], out_dir: Path) -> bool:
    """Convert with LibreOffice headless (its own profile folder, so a running one is no bar)."""
    with tempfile.TemporaryDirectory() as profile:
        try:
            done = subprocess.run(
                [
                    soffice,
                    "-env:UserInstallation=" + Path(profile).as_uri(),
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(out_dir),
                    *map(str, files),
                ],
                capture_output=True,
                timeout=180,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return False
    return done.returncode == 0 and all(path.with_suffix(".pdf").exists() for path in files)
