"""The workbook itself, opened with openpyxl as a reader would: sheets, headers, formats,
frozen panes, printing, text safety and masked phones. Ledger: tests/june_ledger.py."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from june_ledger import build_june, phase_b, phase_later
from ledger import metrics
from ledger.report import monthly
from ledger.report.writer import safe_text, text_width
from ledger.storage import Ledger

SHEETS = ["汇总", "问题台账", "超期督办", "承办单位", "分类统计", "会议记录"]
DETAIL_HEADERS = [
    "序号", "编号", "社区", "小区/楼栋", "来源", "会议日期", "反映日期", "反映人", "联系电话",
    "问题描述", "类别", "规模", "承办单位", "交办日期", "办理时限", "办结日期", "办理结果",
    "答复日期", "答复方式", "评价", "状态", "是否超期", "统计归属", "重复反映（原编号）",
]  # fmt: skip


@pytest.fixture
def june(ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    build_june(ledger, monkeypatch)
    phase_b(ledger, monkeypatch)
    return ledger


def write(
    ledger: Ledger, folder: Path, month: str = "2026-06", **options: bool
) -> list[monthly.Written]:
    period = metrics.parse_period(month, None, None, ledger.now())
    chosen = metrics.scopes(ledger, "古槐街道")
    return monthly.write_reports(
        ledger, period, chosen, monthly.prepare_folder(folder), keep_empty=True, **options
    )


def rows(ws: openpyxl.worksheet.worksheet.Worksheet) -> list[list[object]]:
    return [list(row) for row in ws.iter_rows(values_only=True)]


def test_file_name_sheets_and_titles(june: Ledger, tmp_path: Path) -> None:
    written = write(june, tmp_path / "out")
    assert [w.path.name for w in written] == ["古槐街道-2026年06月-问题台账月报.xlsx"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "古槐街道-2026年06月-问题台账月报.xlsx"
    ]
    book = openpyxl.load_workbook(written[0].path)
    assert book.sheetnames == SHEETS
    summary = book["汇总"]
    assert summary["A1"].value == "古槐街道 2026年6月 问题台账月报"
    info = summary["A2"].value
    assert "填报单位：古槐街道" in info
    assert "统计期间：2026-06-01 至 2026-06-30" in info
    assert "统计截止：2026-06-30 24:00" in info
    assert "生成时间：2026-07-02 10:00" in info  # the injected clock
    assert "A1:AB1" in {str(r) for r in summary.merged_cells.ranges}


def test_summary_figures_formats_and_chart(june: Ledger, tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(write(june, tmp_path / "out")[0].path)["汇总"]
    # Two header rows: groups above (受理来源, 期初结转, 会议), titles below.
    assert ws["C3"].value == "受理来源"
    assert [ws.cell(4, c).value for c in range(3, 7)] == ["夜话", "说事", "走访", "其他"]
    assert ws["A3"].value == "社区" and ws["B3"].value == "受理数"
    headers = {ws.cell(4, c).value or ws.cell(3, c).value: c for c in range(1, ws.max_column + 1)}
    for title in (
        "办结数",
        "办结率",
        "按时办结率",
        "回复率",
        "满意率",
        "超期未办结",
        "结转",
        "结转办结",
    ):
        assert title in headers
    data = {row[0]: row for row in rows(ws)[4:7]}
    assert list(data) == ["南池社区", "铁塔寺社区", "合计"]
    total = data["合计"]
    col = {title: c - 1 for title, c in headers.items()}
    # Same numbers as tests/test_metrics.py: 9 raised, 6 finished (6/9), 满意率 2/3, 2 overdue.
    assert total[col["受理数"]] == 9
    assert total[col["办结数"]] == 6
    assert total[col["办结率"]] == pytest.approx(6 / 9)
    assert total[col["满意率"]] == pytest.approx(2 / 3)
    assert total[col["超期未办结"]] == 2
    assert (total[col["结转"]], total[col["结转办结"]]) == (2, 1)
    rate_cell = ws.cell(7, headers["办结率"])
    assert rate_cell.number_format == "0.0%" and rate_cell.data_type == "n"
    assert ws.cell(7, 1).font.b  # the total row is bold
    assert ws["B3"].fill.fgColor.rgb.endswith("DDEBF7") and ws["B3"].font.b
    assert ws.cell(5, 2).border.left.style == "thin"
    assert ws.freeze_panes == "B5"
    assert len(ws._charts) == 1  # 受理 vs 办结 for the two communities


def test_detail_sheet(june: Ledger, tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(write(june, tmp_path / "out")[0].path)["问题台账"]
    assert ws["A1"].value == "古槐街道 2026年6月 问题台账"
    assert [c.value for c in ws[3]] == DETAIL_HEADERS
    assert ws.freeze_panes == "C4"
    # 11 rows: carried 1 and 3, raised 4–12; the filter covers the header and all of them.
    assert ws.auto_filter.ref == "A3:X14"
    numbers = [ws.cell(r, 2).value for r in range(4, 15)]
    assert numbers == [1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    by_number = {ws.cell(r, 2).value: r for r in range(4, 15)}
    col = {title: i + 1 for i, title in enumerate(DETAIL_HEADERS)}
    r4 = by_number[4]
    # Dates are real dates shown as yyyy-mm-dd.
    due = ws.cell(r4, col["办理时限"])
    assert due.value == datetime(2026, 6, 4) and due.number_format == "yyyy-mm-dd"
    assert ws.cell(r4, col["会议日期"]).value == datetime(2026, 6, 1)
    assert ws.cell(r4, col["小区/楼栋"]).value == "铁塔寺小区/A8楼"
    assert ws.cell(r4, col["类别"]).value == "基础设施"
    assert ws.cell(r4, col["状态"]).value == "已归档"
    assert ws.cell(r4, col["评价"]).value == "满意"
    assert ws.cell(r4, col["承办单位"]).value is None  # settled on the spot
    # A description that looks like a formula is a text cell, shown literally.
    title = ws.cell(by_number[5], col["问题描述"])
    assert title.value == "=1+1"
    assert title.data_type == "s"
    assert title.quotePrefix
    # Phones are masked by default, mobiles and landlines alike.
    assert ws.cell(r4, col["联系电话"]).value == "138****5678"
    assert ws.cell(by_number[9], col["联系电话"]).value == "0537****2345"
    assert ws.cell(by_number[6], col["是否超期"]).value == "超期未办结"  # open past its due date
    assert ws.cell(by_number[11], col["是否超期"]).value == "超期办结"  # resolved a day late
    assert ws.cell(by_number[10], col["是否超期"]).value == "否"  # not yet due
    assert ws.cell(by_number[1], col["统计归属"]).value == "结转"
    assert ws.cell(by_number[7], col["办结日期"]).value == datetime(2026, 6, 15)  # backdated
    assert ws.cell(by_number[7], col["答复日期"]).value is None  # replied in July
    assert ws.cell(r4, col["问题描述"]).alignment.wrap_text
    assert ws.column_dimensions["J"].width == 32  # 问题描述


def test_unmask_shows_full_phones(june: Ledger, tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(write(june, tmp_path / "out", unmask=True)[0].path)["问题台账"]
    phones = {ws.cell(r, 9).value for r in range(4, 15)}
    assert {"13812345678", "0537-2212345"} <= phones
    assert "完整联系电话" in ws.cell(16, 1).value  # the note under the table says so


def test_overdue_units_categories_meetings(june: Ledger, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write(june, tmp_path / "out")[0].path)
    overdue = rows(book["超期督办"])
    assert overdue[2] == [
        "序号", "编号", "社区", "小区/楼栋", "问题描述", "承办单位", "反映日期", "交办日期",
        "办理时限", "超期工作日", "督办等级", "催办次数", "最新进展", "统计归属",
    ]  # fmt: skip
    assert [(r[1], r[9], r[10]) for r in overdue[3:6]] == [
        (3, 7, "严重超期"),
        (6, 5, "严重超期"),  # 5 个工作日以上 includes 5
        (9, 3, "超期"),
    ]
    units = book["承办单位"]
    assert [c.value for c in units[3]] == [
        "承办单位", "派单数", "按时办结", "超时办结", "未办结", "结案率", "按时结案率",
        "评价数", "不满意数", "不满意率",
    ]  # fmt: skip
    unit_rows = {r[0]: r for r in rows(units)[3:9]}  # 3 units, 社区自办, 未交办, 合计
    assert unit_rows["住建局"][1:5] == [3, 1, 0, 2]  # 6, 9 open; 12 on time
    assert unit_rows["市住建局"][9] == "—"  # no rating: 不满意率 has no denominator
    assert unit_rows["合计"][1] == 9
    categories = rows(book["分类统计"])
    assert categories[2] == ["类别", "受理数", "占比", "办结数", "办结率", "超期未办结", "不满意数"]
    assert categories[3][:3] == ["基础设施", 2, pytest.approx(2 / 9)]
    assert book["分类统计"].cell(4, 3).number_format == "0.0%"
    meetings = rows(book["会议记录"])
    assert [(r[1], r[3], r[7], r[8]) for r in meetings[3:5]] == [
        (1, "每周夜话", 23, 3),
        (2, "拉呱说事", 40, 2),
    ]
    note = book["会议记录"].cell(5, 12)
    assert note.value == "=SUM(A1:A9) 说事必回" and note.data_type == "s"


def test_print_settings_on_every_sheet(june: Ledger, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write(june, tmp_path / "out")[0].path)
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.paperSize == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
        assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
        expected = "$3:$4" if ws.title == "汇总" else "$3:$3"
        assert ws.print_title_rows == expected


def test_month_with_zero_items_shows_dashes(june: Ledger, tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(write(june, tmp_path / "out", month="2026-03")[0].path)["汇总"]
    total = rows(ws)[6]
    assert total[0] == "合计"
    assert total[1] == 0  # 受理数
    # 办结率, 按时办结率, 回复率, 满意率: no denominator → "—", never 0 % or 100 %.
    assert [total[8], total[10], total[12], total[16]] == ["—", "—", "—", "—"]
    assert len(ws._charts) == 0  # nothing to chart


def test_later_workbook_has_identical_cells(
    june: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = openpyxl.load_workbook(write(june, tmp_path / "then")[0].path)
    phase_later(june, monkeypatch)
    again = openpyxl.load_workbook(write(june, tmp_path / "later")[0].path)
    for name in SHEETS:
        then_rows, later_rows = rows(first[name]), rows(again[name])
        assert then_rows[0] == later_rows[0]
        assert then_rows[2:] == later_rows[2:], name  # row 2 holds 生成时间, which differs


def test_county_summary(june: Ledger, tmp_path: Path) -> None:
    written = write(june, tmp_path / "out", summary=True)
    assert [w.path.name for w in written] == [
        "古槐街道-2026年06月-问题台账月报.xlsx",
        "任城区-2026年06月-问题台账月报汇总.xlsx",
    ]
    ws = openpyxl.load_workbook(written[1].path)["街道排名"]
    assert ws["A1"].value == "任城区 2026年6月 问题台账月报汇总（街道排名）"
    table = rows(ws)
    assert table[2][:2] == ["排名", "街道"]
    # 古槐 ranked first with 60.0; 济阳 (1 item) listed without a rank.
    assert table[3][:3] == [1, "古槐街道", 9]
    assert table[3][13] == pytest.approx(60.0)
    assert ws.cell(4, 14).number_format == "0.0"
    assert table[4][:3] == ["—", "济阳街道", 1]
    assert table[4][14] == "受理不足5件，不参与排名"
    assert table[5][1] == "合计" and table[5][2] == 10
    assert "综合得分 = 回复率×30% + 办结率×35% + 满意率×35%" in table[7][0]


def test_safe_text_rules() -> None:
    assert safe_text("=1+1") == ("=1+1", True)
    assert safe_text("＝HYPERLINK()") == ("＝HYPERLINK()", True)  # full-width, NFKC → "="
    assert safe_text("-5度") == ("-5度", True)
    assert safe_text("@SUM") == ("@SUM", True)
    assert safe_text("楼道\x07灯\x00坏") == ("楼道灯坏", False)  # control characters dropped
    assert len(safe_text("长" * 40000)[0]) == 32767
    assert text_width("铁塔寺社区A8") == 12


def test_control_characters_and_long_text_are_written(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from ledger import items, places

    build_june(ledger, monkeypatch)
    places.add_path(ledger, "任城区/古槐街道/铁塔寺社区")
    items.add(
        ledger, "+楼道\x0b灯坏@", community="铁塔寺社区", raised_on=datetime(2026, 6, 5).date()
    )
    ws = openpyxl.load_workbook(write(ledger, tmp_path / "out")[0].path)["问题台账"]
    titles = [ws.cell(r, 10) for r in range(4, ws.max_row + 1)]
    cell = next(c for c in titles if c.value and "灯坏@" in str(c.value))
    assert cell.value == "+楼道灯坏@" and cell.data_type == "s" and cell.quotePrefix


def test_a_crash_while_saving_leaves_no_workbook(
    june: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    write(june, out)  # yesterday's good copy
    good = (out / "古槐街道-2026年06月-问题台账月报.xlsx").read_bytes()

    real_save = openpyxl.Workbook.save

    def broken_save(self: openpyxl.Workbook, filename: str) -> None:
        real_save(self, filename)
        Path(filename).write_bytes(b"PK half a zip")  # the disk filled up halfway through
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken_save)
    with pytest.raises(OSError):
        write(june, out)
    # The real name still holds the previous complete workbook; no temporary file is left.
    assert [p.name for p in out.iterdir()] == ["古槐街道-2026年06月-问题台账月报.xlsx"]
    assert (out / "古槐街道-2026年06月-问题台账月报.xlsx").read_bytes() == good
