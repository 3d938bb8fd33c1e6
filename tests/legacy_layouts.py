"""A corpus of legacy 台账 layouts, as offices keep them, for ``ledger import items``.

Each function writes one file the way a clerk's office would have made it (every name and
number is fictional). ``tests/test_import_corpus.py`` imports them and states, for each
row, what a clerk reading the sheet sees in it — written by hand, not produced by the
importer. Run as a script to look at the files: ``python tests/legacy_layouts.py DIR``.

The ledger they go into is ``import_fixtures.prepare``'s: 铁塔寺社区 (铁塔寺小区, 1号楼,
2号楼) and 财工街社区 under 古槐街道 / 济阳街道; units 住建局 and 铁塔寺小区红色物业.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

D = datetime


def _sheet(workbook: Workbook, title: str, rows: list[list[object]]) -> Worksheet:
    sheet = workbook.create_sheet(title)
    for row in rows:
        sheet.append(row)
    return sheet


def monthly_sheets(folder: Path) -> Path:
    """One book, one sheet per month; the community and the year only in each title; dates
    typed as 6.3 (kept by Excel as the number 6.3), 6月12日, 7.1. and 20260708; a phone
    saved as the text 15612345678.0."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    header = [
        "序号",
        "日期",
        "反映人",
        "联系电话",
        "问题",
        "责任单位",
        "办理结果",
        "办结时间",
        "状态",
    ]
    june = _sheet(
        workbook,
        "6月",
        [
            ["铁塔寺社区居民诉求台账（2026年6月）"],
            header,
            [1, 6.3, "张桂兰", "15612345678.0", "楼道灯不亮", "住建局", "已更换灯泡", 6.5, "已办结"],
            [2, "6月12日", "李德顺", 13905371234, "垃圾桶满溢", "铁塔寺小区红色物业", "协调中", None, None],
        ],
    )  # fmt: skip
    june.merge_cells("A1:I1")
    july = _sheet(
        workbook,
        "7月",
        [
            ["铁塔寺社区居民诉求台账（2026年7月）"],
            header,
            [1, "7.1.", "王凤英", 13812345670, "路面塌陷", "住建局", "已回填", "7月3日", "已办结"],
            [2, 20260708, "赵明", None, "车位被占", None, None, None, "待办"],
        ],
    )  # fmt: skip
    july.merge_cells("A1:I1")
    path = folder / "铁塔寺社区诉求台账.xlsx"
    workbook.save(path)
    return path


def two_row_header(folder: Path) -> Path:
    """A group heading 办理情况 over 承办单位 / 办理结果 / 办结日期, the other headings merged
    over both rows; ratings written 群众满意 and 不满意，仍在返味."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "台账"
    rows: list[list[object]] = [
        ["2026年财工街社区群众诉求台账"],
        ["序号", "反映时间", "社区", "反映人", "联系电话", "问题描述", "办理情况", None, None, "群众评价"],
        [None, None, None, None, None, None, "承办单位", "办理结果", "办结日期", None],
        [1, D(2026, 8, 3), "财工街社区", "孙秀梅", 13563712345, "小区路灯不亮", "住建局", "已修复", D(2026, 8, 5), "群众满意"],
        [2, "8月10日", "财工街社区", "钱国强", "0537-2231234", "下水道堵塞返味", "住建局", "已疏通", "8月12日", "不满意，仍在返味"],
    ]  # fmt: skip
    for row in rows:
        sheet.append(row)
    for cells in ("A1:J1", "A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:E3", "F2:F3", "G2:I2", "J2:J3"):
        sheet.merge_cells(cells)
    path = folder / "财工街社区问题台账.xlsx"
    workbook.save(path)
    return path


def meeting_minutes(folder: Path) -> Path:
    """每周夜话 minutes: a merged line names each meeting (date, host, attendance) and the
    problems raised there follow, without a date of their own."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "夜话记录"
    rows: list[list[object]] = [
        ["铁塔寺社区2026年每周夜话问题记录"],
        ["序号", "反映人", "联系电话", "反映问题", "责任单位", "办理情况", "办结日期"],
        ["6月3日 每周夜话 主持人：李建忠 参会23人"],
        [1, "王秀兰", 13812345678, "1号楼单元门禁损坏", "铁塔寺小区红色物业", "正在办理，已联系厂家", None],
        [2, "赵德明", "15612345678.0", "2号楼下水道返味", "住建局", "已疏通", "6月5日"],
        ["6月10日 每周夜话 主持人：李建忠 参会18人"],
        [3, "孙立华", None, "楼道堆放杂物", None, "当场清理", "6.10"],
    ]  # fmt: skip
    for row in rows:
        sheet.append(row)
    for cells in ("A1:G1", "A3:G3", "A6:G6"):
        sheet.merge_cells(cells)
    path = folder / "铁塔寺社区每周夜话记录.xlsx"
    workbook.save(path)
    return path


def status_in_result(folder: Path) -> Path:
    """No 状态 column: the status is written in the 办理结果 column, in words."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "汇总"
    rows: list[list[object]] = [
        ["登记日期", "社区", "诉求内容", "承办单位", "办理结果"],
        [D(2026, 9, 1), "铁塔寺社区", "绿化带缺损", "住建局", "办理中"],
        [D(2026, 9, 2), "铁塔寺社区", "健身器材损坏", None, "未交办"],
        [D(2026, 9, 3), "财工街社区", "广场舞噪音", "住建局", "不予办理（不属于社区职责）"],
        [D(2026, 9, 4), "财工街社区", "违章搭建", "住建局", "暂缓办理（待拆迁）"],
        [D(2026, 9, 7), "铁塔寺社区", "路灯不亮", "住建局", "已解决"],
        [D(2026, 9, 8), "铁塔寺社区", "楼顶漏水", "住建局", "已答复"],
        [D(2026, 9, 9), "铁塔寺社区", "井盖松动", "住建局", "已更换井盖"],
    ]
    for row in rows:
        sheet.append(row)
    path = folder / "古槐街道诉求汇总.xlsx"
    workbook.save(path)
    return path


def gb18030_csv(folder: Path) -> Path:
    """A CSV saved in GB18030 with full-width header text and full-width digits; one date
    without a year (its year is that of the file's other rows)."""
    rows = [
        ["序号", "反映日期：", "社　区", "反映人", "联系电话（手机）", "问题描述", "责任单位", "办理时限", "状态", "满意度"],
        ["１", "２０２６年１０月８日", "财工街社区", "周丽", "１３９０５３７１２３５", "单元门锁坏了", "住建局", "10月12日前", "已办结", "已答复，待回访"],
        ["２", "10.9", "财工街社区", "吴刚", "0537-2256789", "楼道扶手松动", "住建局", "10月16日前", "办理中", ""],
    ]  # fmt: skip
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(rows)
    path = folder / "财工街社区登记表.csv"
    path.write_bytes(buffer.getvalue().encode("gb18030"))
    return path


def column_c_hidden(folder: Path) -> Path:
    """The table starts at column C (A and B narrow and empty), with hidden columns a clerk
    does not see: D an old 联系电话 superseded by 来电号码, O a stale 办理状态 (已办结) of a
    matter still being handled; dates as dates and as an Excel serial number; a landline
    Excel stripped of its 0."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "热线工单"
    sheet["C1"] = "铁塔寺社区12345热线转办台账（2026年）"
    header = ["序号", "联系电话", "受理时间", "诉求人", "来电号码", "工单内容", "来源", "承办单位", "完成时限", "办结日期", "回访时间", "回访评价", "办理状态"]  # fmt: skip
    rows: list[list[object]] = [
        [1, 13900000001, D(2026, 10, 13), "郑秀英", 13563712345, "小区门口占道经营", "12345热线", "住建局", D(2026, 10, 16), D(2026, 10, 15), D(2026, 10, 16), "非常满意", "已办结"],
        [2, 13900000002, 46315, "冯军", 5372256789, "夜间施工噪音", "来电", "住建局", None, None, None, None, "已办结"],
    ]  # fmt: skip
    for offset, values in enumerate([header, *rows]):
        for column, value in enumerate(values, start=3):
            sheet.cell(row=3 + offset, column=column, value=value)
    sheet.column_dimensions["A"].width = 2
    sheet.column_dimensions["B"].width = 2
    sheet.column_dimensions["D"].hidden = True
    sheet.column_dimensions["O"].hidden = True
    path = folder / "热线转办台账.xlsx"
    workbook.save(path)
    return path


def totals_and_signatures(folder: Path) -> Path:
    """A printed form: title, header, rows, a 合计 line, 填表人/审核人 and a line for the
    secretary's signature and the stamp."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "5月"
    rows: list[list[object]] = [
        ["财工街社区问题办理台账（2026年5月）"],
        ["序号", "日期", "社区", "姓名", "电话", "问题", "责任单位", "状态", "满意度"],
        [1, "2026-5-12", "财工街社区", "何建华", 13705379876, "小区消防通道被占", "住建局", "已办结", "满意"],
        [2, "2026.5.20", "财工街社区", "许梅", None, "路灯杆倾斜", "住建局", "已办结", "基本满意"],
        [3, "5月26日", "财工街社区", "曹勇", 13812340000, "楼道小广告", None, "已解决", None],
        ["合计：3件"],
        ["填表人：王芳", None, None, None, "审核人：刘书记"],
        ["社区书记（签字）：", None, None, None, None, "（盖章）"],
    ]  # fmt: skip
    for row in rows:
        sheet.append(row)
    sheet.merge_cells("A1:I1")
    sheet.merge_cells("A6:I6")
    path = folder / "财工街社区5月台账.xlsx"
    workbook.save(path)
    return path


def wps_export(folder: Path) -> Path:
    """A 拉呱说事 register exported from a WPS form: an extra 操作 column (查看 编辑), dates
    as text with a midnight time, a phone as text with .0."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "拉呱说事问题登记"
    rows: list[list[object]] = [
        ["序号", "反映时间", "社区", "反映人", "联系电话", "问题描述", "状态", "操作"],
        ["1", "2026-11-02 00:00:00", "铁塔寺社区", "韩梅", "15612345678.0", "电梯异响", "已受理", "查看 编辑"],
        ["2", "2026-11-03 00:00:00", "铁塔寺社区", "林涛", "13612345678", "小区大门道闸故障", "已办结", "查看 编辑"],
    ]  # fmt: skip
    for row in rows:
        sheet.append(row)
    path = folder / "说事登记导出.xlsx"
    workbook.save(path)
    return path


LAYOUTS: dict[str, Callable[[Path], Path]] = {
    "monthly_sheets": monthly_sheets,
    "two_row_header": two_row_header,
    "meeting_minutes": meeting_minutes,
    "status_in_result": status_in_result,
    "gb18030_csv": gb18030_csv,
    "column_c_hidden": column_c_hidden,
    "totals_and_signatures": totals_and_signatures,
    "wps_export": wps_export,
}


def write_all(folder: Path) -> list[Path]:
    """Every layout, written into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    return [make(folder) for make in LAYOUTS.values()]


if __name__ == "__main__":
    for written in write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "legacy-layouts")):
        print(written)
