"""The workbook itself, opened with openpyxl as a reader would: sheets, headers, formats,
frozen panes, printing, text safety and masked phones. Ledger: tests/june_ledger.py."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from june_ledger import build_june, phase_b, phase_later
from ledger.reports import monthly
from ledger.reports.cells import safe_text
from ledger.reports.paper import DIGIT_PX, column_points, printed_scale, sheet_scale, text_width
from ledger.store.ledger_file import Ledger
from ledger.views import coverage

SHEETS = [
    "汇总", "结转与会议", "图表", "问题台账（登记与交办）", "问题台账（办理与回复）", "超期督办",
    "承办单位", "分类统计", "会议记录",
]  # fmt: skip
DETAIL = "问题台账（登记与交办）"
HANDLING = "问题台账（办理与回复）"
DETAIL_HEADERS = [
    "编号", "社区", "小区/楼栋", "来源", "会议日期", "反映日期", "反映人", "联系电话",
    "问题描述", "重复反映（原编号）", "类别", "规模", "承办单位", "交办日期", "办理时限",
]  # fmt: skip
HANDLING_HEADERS = [
    "编号", "社区", "问题描述", "承办单位", "办理时限", "办结日期", "办理结果", "答复日期",
    "答复方式", "评价", "状态", "是否超期", "统计归属",
]  # fmt: skip


@pytest.fixture
def june(ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    build_june(ledger, monkeypatch)
    phase_b(ledger, monkeypatch)
    return ledger


def write(
    ledger: Ledger, folder: Path, month: str = "2026-06", **options: bool
) -> list[monthly.Written]:
    period = coverage.parse_period(month, None, None, ledger.now())
    chosen = coverage.scopes(ledger, "古槐街道")
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
    assert "A1:R1" in {str(r) for r in summary.merged_cells.ranges}


def test_summary_figures_formats_and_chart(june: Ledger, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write(june, tmp_path / "out")[0].path)
    ws = book["汇总"]
    # The note (说明) above the table; two header rows: groups above (受理来源), titles below.
    assert ws["A3"].value.startswith("说明：受理数为本期反映的问题")
    assert ws["C4"].value == "受理来源"
    assert [ws.cell(5, c).value for c in range(3, 7)] == ["夜话", "说事", "走访", "其他"]
    assert ws["A4"].value == "社区" and ws["B4"].value == "受理数"
    headers = {ws.cell(5, c).value or ws.cell(4, c).value: c for c in range(1, ws.max_column + 1)}
    for title in ("办结数", "办结率", "按时办结率", "回复率", "满意率", "超期未办结"):
        assert title in headers
    data = {row[0]: row for row in rows(ws)[5:8]}
    assert list(data) == ["南池社区", "铁塔寺社区", "合计"]
    total = data["合计"]
    col = {title: c - 1 for title, c in headers.items()}
    # Same numbers as tests/test_metrics.py: 9 raised, 6 finished (6/9), 满意率 2/3, 2 overdue.
    assert total[col["受理数"]] == 9
    assert total[col["办结数"]] == 6
    assert total[col["办结率"]] == pytest.approx(6 / 9)
    assert total[col["满意率"]] == pytest.approx(2 / 3)
    assert total[col["超期未办结"]] == 2
    rate_cell = ws.cell(8, headers["办结率"])
    assert rate_cell.number_format == "0.0%" and rate_cell.data_type == "n"
    assert ws.cell(8, 1).font.b  # the total row is bold
    assert ws["B4"].fill.fgColor.rgb.endswith("DDEBF7") and ws["B4"].font.b
    assert ws.cell(6, 2).border.left.style == "thin"
    assert ws.freeze_panes == "B6"
    # The second part: carry-over and meetings, the same rows.
    more = book["结转与会议"]
    assert more["B4"].value == "期初结转" and more["E4"].value == "会议"
    assert [more.cell(5, c).value for c in range(2, 5)] == ["结转", "结转办结", "结转超期"]
    assert [c.value for c in more[8]][:4] == ["合计", 2, 1, 1]
    assert [c.value for c in more[8]][4:9] == [1, 23, 1, 40, 5]
    assert len(book["图表"]._charts) == 1  # 受理 vs 办结 per community


def test_a_single_community_gets_its_chart(june: Ledger, tmp_path: Path) -> None:
    period = coverage.parse_period("2026-06", None, None, june.now())
    chosen = coverage.scopes(june, "济阳街道")  # one community, 财工街社区, with item 13
    written = monthly.write_reports(june, period, chosen, monthly.prepare_folder(tmp_path))
    book = openpyxl.load_workbook(written[0].path)
    charts = book["图表"]._charts
    assert len(charts) == 1
    assert book["汇总"]["A6"].value == "财工街社区" and book["汇总"]["A7"].value == "合计"


def test_detail_sheet(june: Ledger, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write(june, tmp_path / "out")[0].path)
    ws = book[DETAIL]
    assert ws["A1"].value == "古槐街道 2026年6月 问题台账（登记与交办）"
    assert [c.value for c in ws[4]] == DETAIL_HEADERS
    assert ws.freeze_panes == "C5"
    # 11 rows: carried 1 and 3, raised 4–12; the filter covers the header and all of them.
    assert ws.auto_filter.ref == "A4:O15"
    numbers = [ws.cell(r, 1).value for r in range(5, 16)]
    assert numbers == [1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    by_number = {ws.cell(r, 1).value: r for r in range(5, 16)}
    col = {title: i + 1 for i, title in enumerate(DETAIL_HEADERS)}
    r4 = by_number[4]
    # Dates are real dates shown as yyyy-mm-dd.
    due = ws.cell(r4, col["办理时限"])
    assert due.value == datetime(2026, 6, 4) and due.number_format == "yyyy-mm-dd"
    assert ws.cell(r4, col["会议日期"]).value == datetime(2026, 6, 1)
    assert ws.cell(r4, col["小区/楼栋"]).value == "铁塔寺小区/A8楼"
    assert ws.cell(r4, col["类别"]).value == "基础设施"
    assert ws.cell(r4, col["承办单位"]).value is None  # settled on the spot
    # A description that looks like a formula is a text cell, shown literally.
    title = ws.cell(by_number[5], col["问题描述"])
    assert title.value == "=1+1"
    assert title.data_type == "s"
    assert title.quotePrefix
    # Phones are masked by default, mobiles and landlines alike.
    assert ws.cell(r4, col["联系电话"]).value == "138****5678"
    assert ws.cell(by_number[9], col["联系电话"]).value == "0537****2345"
    assert ws.cell(r4, col["问题描述"]).alignment.wrap_text
    assert ws.column_dimensions["I"].width == 26  # 问题描述

    handling = book[HANDLING]
    assert [c.value for c in handling[4]] == HANDLING_HEADERS
    assert [handling.cell(r, 1).value for r in range(5, 16)] == numbers  # row for row
    col = {title: i + 1 for i, title in enumerate(HANDLING_HEADERS)}
    assert handling.cell(r4, col["状态"]).value == "已归档"
    assert handling.cell(r4, col["评价"]).value == "满意"
    assert handling.cell(by_number[6], col["是否超期"]).value == "超期未办结"  # open, past due
    assert handling.cell(by_number[11], col["是否超期"]).value == "超期办结"  # a day late
    assert handling.cell(by_number[10], col["是否超期"]).value == "否"  # not yet due
    assert handling.cell(by_number[1], col["统计归属"]).value == "结转"
    assert handling.cell(by_number[7], col["办结日期"]).value == datetime(2026, 6, 15)
    assert handling.cell(by_number[7], col["答复日期"]).value is None  # replied in July


def test_row_heights_fit_wrapped_text(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from ledger.casework import actions

    build_june(ledger, monkeypatch)
    long = "楼道内电动车违规停放充电，飞线从三楼窗口拉下，夜间存在严重火灾隐患" * 2  # 66 字
    actions.add(ledger, long, community="铁塔寺社区", raised_on=datetime(2026, 6, 5).date())
    ws = openpyxl.load_workbook(write(ledger, tmp_path / "out")[0].path)[DETAIL]
    row = next(r for r in range(5, ws.max_row + 1) if ws.cell(r, 9).value == long)
    # 问题描述 is 26 units wide, 25.2 of them for text: 132 units (66 CJK characters) take
    # ceil(132 / 25.2) = 6 lines of 14.5 pt, plus 5 pt of padding.
    assert ws.row_dimensions[row].height == pytest.approx(6 * 14.5 + 5)
    short = next(r for r in range(5, ws.max_row + 1) if ws.cell(r, 1).value == 10)
    assert ws.row_dimensions[short].height is None  # one line: the sheet's default height
    assert ws.sheet_format.defaultRowHeight == 18


def test_unmask_shows_full_phones(june: Ledger, tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(write(june, tmp_path / "out", unmask=True)[0].path)[DETAIL]
    phones = {ws.cell(r, 8).value for r in range(5, 16)}
    assert {"13812345678", "0537-2212345"} <= phones
    assert "完整联系电话" in ws.cell(3, 1).value  # the note above the table says so


def test_overdue_units_categories_meetings(june: Ledger, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write(june, tmp_path / "out")[0].path)
    overdue = rows(book["超期督办"])
    assert overdue[3] == [
        "编号", "社区", "小区/楼栋", "问题描述", "承办单位", "交办日期", "办理时限",
        "超期工作日", "督办等级", "督办牌", "催办次数", "最新进展", "统计归属",
    ]  # fmt: skip
    # At the cut-off (Tue 06-30) every overdue item is at least one working day late: 红牌.
    assert [(r[0], r[7], r[8], r[9]) for r in overdue[4:7]] == [
        (3, 7, "严重超期", "红牌"),
        (6, 5, "严重超期", "红牌"),  # 5 个工作日以上 includes 5
        (9, 3, "超期", "红牌"),
    ]
    units = book["承办单位"]
    assert [c.value for c in units[5]] == [
        None, None, None, None, None, None, None, None, None, None, "黄牌", "红牌", None, None,
    ]  # fmt: skip
    assert units["K4"].value == "督办牌（截止时）"
    unit_rows = {r[0]: r for r in rows(units)[5:11]}  # 3 units, 社区自办, 未交办, 合计
    assert unit_rows["住建局"][1:5] == [3, 1, 0, 2]  # 6, 9 open; 12 on time
    # Cards at the cut-off, items raised in June: 住建局 holds 6 and 9 (both red); the
    # unassigned 10 is due 07-02 (2 working days left on 06-30: no card).
    assert unit_rows["住建局"][10:12] == [0, 2]
    assert unit_rows["市住建局"][9] == "—"  # no rating: 不满意率 has no denominator
    assert unit_rows["合计"][1] == 9 and unit_rows["合计"][10:12] == [0, 2]
    # 重复反映 per unit of the original (last two columns): none in June.
    assert unit_rows["住建局"][12:14] == [0, 0.0] and unit_rows["合计"][12:14] == [0, 0.0]
    categories = rows(book["分类统计"])
    assert categories[2] == ["类别", "受理数", "占比", "办结数", "办结率", "超期未办结", "不满意数"]
    assert categories[3][:3] == ["基础设施", 2, pytest.approx(2 / 9)]
    assert book["分类统计"].cell(4, 3).number_format == "0.0%"
    meetings = rows(book["会议记录"])
    assert [(r[0], r[2], r[6], r[7]) for r in meetings[3:5]] == [
        (1, "每周夜话", 23, 3),
        (2, "拉呱说事", 40, 2),
    ]
    note = book["会议记录"].cell(5, 11)
    assert note.value == "=SUM(A1:A9) 说事必回" and note.data_type == "s"


def test_print_settings_on_every_sheet(june: Ledger, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write(june, tmp_path / "out")[0].path)
    titles = {
        "汇总": "$4:$5", "结转与会议": "$4:$5", "承办单位": "$4:$5", "分类统计": "$3:$3",
        "会议记录": "$3:$3",
    }  # fmt: skip
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.paperSize == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
        if ws.title == "图表":
            assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 1)
            continue
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
        assert ws.print_title_rows == titles.get(ws.title, "$4:$4")


def test_month_with_zero_items_shows_dashes(june: Ledger, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write(june, tmp_path / "out", month="2026-03")[0].path)
    total = rows(book["汇总"])[7]
    assert total[0] == "合计"
    assert total[1] == 0  # 受理数
    # 办结率, 按时办结率, 回复率, 满意率: no denominator → "—", never 0 % or 100 %.
    assert [total[8], total[10], total[12], total[16]] == ["—", "—", "—", "—"]
    assert len(book["图表"]._charts) == 1  # a chart of zeros still prints, with its axes


def test_later_workbook_has_identical_cells(
    june: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = openpyxl.load_workbook(write(june, tmp_path / "then")[0].path)
    phase_later(june, monkeypatch)
    again = openpyxl.load_workbook(write(june, tmp_path / "later")[0].path)
    for name in [name for name in SHEETS if name != "图表"]:
        then_rows, later_rows = rows(first[name]), rows(again[name])
        assert then_rows[0] == later_rows[0]
        assert then_rows[2:] == later_rows[2:], name  # row 2 holds 生成时间, which differs


def test_county_summary(june: Ledger, tmp_path: Path) -> None:
    written = write(june, tmp_path / "out", summary=True)
    assert [w.path.name for w in written] == [
        "古槐街道-2026年06月-问题台账月报.xlsx",
        "任城区-2026年06月-问题台账月报汇总.xlsx",
    ]
    book = openpyxl.load_workbook(written[1].path)
    assert book.sheetnames == ["红黑榜", "街道排名", "热点问题", "上期跟踪", "图表"]
    ws = book["街道排名"]
    assert ws["A1"].value == "任城区 2026年6月 问题台账月报汇总（街道排名）"
    assert "综合得分 = 回复率×30% + 办结率×35% + 满意率×35%" in ws["A3"].value
    table = rows(ws)
    assert table[3][:2] == ["排名", "街道"]
    # 古槐 ranked first with 60.0; 济阳 (1 item) listed without a rank.
    assert table[4][:3] == [1, "古槐街道", 9]
    assert table[4][13] == pytest.approx(60.0)
    assert ws.cell(5, 14).number_format == "0.0"
    assert table[5][:3] == ["—", "济阳街道", 1]
    assert table[5][14] == "受理不足5件，不参与排名"
    assert table[6][1] == "合计" and table[6][2] == 10
    # One ranked subdistrict: no 红榜 / 黑榜 pair can be formed.
    assert book["红黑榜"].max_row == 4


def test_county_bulletin_by_hand(june: Ledger, tmp_path: Path) -> None:
    june.set_setting("rank_min_items", "1")  # rank 济阳 (1 item) too
    book = openpyxl.load_workbook(write(june, tmp_path / "out", summary=True)[1].path)
    # 古槐 60.0; 济阳 (item 13, never 交办): 回复率 0, 办结率 0, no rating → 0.0. Two ranked:
    # one on each board. County: 10 raised, 4 replied (40 %), 6 finished (60 %), 满意 2 of 3.
    honor = rows(book["红黑榜"])
    assert honor[3] == ["榜单", "排名", "街道", "受理数", "综合得分", "说明（与全县比较）"]
    assert honor[4][:5] == ["红榜", 1, "古槐街道", 9, pytest.approx(60.0)]
    # 古槐 leads on 办结率 (66.7 % vs 60 %: 35 × 6.7 = 2.3 points) and 回复率 (44.4 % vs 40 %:
    # 30 × 4.4 = 1.3); its 满意率 equals the county's.
    assert honor[4][5] == "领先全县：办结率 66.7%（全县 60.0%）；回复率 44.4%（全县 40.0%）"
    assert honor[5][:5] == ["黑榜", 2, "济阳街道", 1, pytest.approx(0.0)]
    # 济阳 loses 35 × 60 % = 21 points on 办结率, 30 × 40 % = 12 on 回复率.
    assert honor[5][5] == "失分主要在：办结率 0.0%（全县 60.0%）；回复率 0.0%（全县 40.0%）"

    # 热点问题: June's categories as of the cut-off (item 4 is still 基础设施 then): 基础设施 2
    # (4, 10), then one each in list order; 13 has the default 其他. May (items 1–3):
    # 基础设施 1 (1), 其他 1 (2), 安全隐患 1 (3). Top 2 × board_size = 6 rows.
    hot = rows(book["热点问题"])
    assert hot[3][:7] == ["位次", "类别", "受理数", "占比", "上期受理", "增减", "环比"]
    assert [row[:7] for row in hot[4:10]] == [
        [1, "基础设施", 2, pytest.approx(0.2), 1, 1, pytest.approx(1.0)],
        [2, "环境卫生", 1, pytest.approx(0.1), 0, 1, "—"],
        [3, "物业管理", 1, pytest.approx(0.1), 0, 1, "—"],
        [4, "绿化", 1, pytest.approx(0.1), 0, 1, "—"],
        [5, "停车", 1, pytest.approx(0.1), 0, 1, "—"],
        [6, "安全隐患", 1, pytest.approx(0.1), 1, 0, pytest.approx(0.0)],
    ]
    assert hot[4][7] == "古槐街道 2 件"
    assert book["热点问题"]["F5"].number_format == "+0;-0;0"  # a change keeps its sign
    assert book["热点问题"]["G5"].number_format == "+0.0%;-0.0%;0.0%"

    # 上期跟踪 (May): 古槐's 1 (open at May's end, resolved 06-03) and 3 (still open and
    # overdue); 2 was finished in May. No 不满意 in May; 济阳 had nothing in May.
    follow = rows(book["上期跟踪"])
    by_name = {row[0]: row for row in follow[5:8]}
    assert by_name["古槐街道"][1:9] == [2, 1, 1, 1, 0, 0, 0, 0]
    assert by_name["古槐街道"][9] == "3 铁塔寺社区"
    assert by_name["济阳街道"][1:9] == [0] * 8
    assert by_name["合计"][1:4] == [2, 1, 1]
    assert len(book["图表"]._charts) == 2  # the ranking by score, the hot categories


def test_followup_of_last_months_unfinished_and_unsatisfied(
    june: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ledger.casework import actions

    phase_later(june, monkeypatch)
    # 15: raised in June, 不满意 on 06-20 (→ 重办, open at June's end), then 办结 and 满意 in July.
    number = actions.add(
        june, "楼顶漏水", community="铁塔寺社区", raised_on=datetime(2026, 6, 5).date()
    ).item["number"]
    actions.assign(june, number, "住建局", at=datetime(2026, 6, 5, 10))
    actions.resolve(june, number, "已补漏", at=datetime(2026, 6, 8, 10))
    actions.reply(june, number, "已告知", at=datetime(2026, 6, 9, 10))
    actions.rate(june, number, "不满意", at=datetime(2026, 6, 20, 10))
    actions.resolve(june, number, "重新做防水", at=datetime(2026, 7, 5, 10))
    actions.reply(june, number, "已告知", at=datetime(2026, 7, 6, 10))
    actions.rate(june, number, "满意", at=datetime(2026, 7, 7, 10))
    book = openpyxl.load_workbook(write(june, tmp_path / "out", "2026-07", summary=True)[-1].path)
    follow = {row[0]: row for row in rows(book["上期跟踪"])[5:8]}
    # June's items of 古槐 open at June's end: 6 (resolved 07-10), 9 (07-01), 10 (open and
    # overdue on 07-31), 15 (re-handled, resolved 07-05) → 4, 3 finished, 1 still open.
    # 不满意 at June's end: 12 (filed with the verdict) and 15 (重办, then 满意) → 2; 重办办结 1,
    # 重办后满意 1, none still open. 12 moved to 济阳 only on 08-01: July still counts it here.
    assert follow["古槐街道"][1:9] == [4, 3, 1, 1, 2, 1, 1, 0]
    assert follow["古槐街道"][9] == "10 铁塔寺社区"


def test_12345_profile_changes_the_ranking_columns(june: Ledger, tmp_path: Path) -> None:
    june.set_setting("score_profile", "12345")
    book = openpyxl.load_workbook(write(june, tmp_path / "out", summary=True)[1].path)
    table = rows(book["街道排名"])
    assert table[3][3:11] == [
        "已响应", "响应率", "有效回访", "已解决", "解决率", "满意", "基本满意", "热线满意率",
    ]  # fmt: skip
    # 古槐 (tests/test_metrics.py): 响应 8/9, 回访 3, 解决 3/3, 满意 2, 基本满意 0 → 2/3.
    # Score = 10 × 8/9 + 50 × 1 + 40 × 2/3 = 8.89 + 50 + 26.67 = 85.56
    assert table[4][3:11] == [8, pytest.approx(8 / 9), 3, 3, 1.0, 2, 0, pytest.approx(2 / 3)]
    assert table[4][12] == pytest.approx(80 / 9 + 50 + 80 / 3)
    assert "考核口径：12345热线" in book["街道排名"]["A3"].value


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
    from ledger.casework import actions
    from ledger.registry import areas

    build_june(ledger, monkeypatch)
    areas.add_path(ledger, "任城区/古槐街道/铁塔寺社区")
    actions.add(
        ledger, "+楼道\x0b灯坏@", community="铁塔寺社区", raised_on=datetime(2026, 6, 5).date()
    )
    ws = openpyxl.load_workbook(write(ledger, tmp_path / "out")[0].path)[DETAIL]
    titles = [ws.cell(r, 9) for r in range(5, ws.max_row + 1)]
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


def test_printed_scale_arithmetic() -> None:
    # A column 10 characters wide is trunc(10 × 7 + 5) = 75 px = 56.25 pt. A4 landscape is
    # 841.9 pt wide, less 2 × 0.4 in (57.6 pt) of margins = 784.3 pt of room.
    assert column_points(10) == 56.25
    # LibreOffice measuring with DejaVu Sans (9 px a digit): trunc(95) = 95 px = 71.25 pt.
    assert column_points(10, 9) == 71.25
    assert printed_scale([10] * 10, digit=9) == 1.0  # 712.5 pt fits in 784.3
    assert printed_scale([10] * 12, digit=9) == pytest.approx(784.3 / 855)  # 91.7 %
    assert printed_scale([10] * 10) == 1.0  # 562.5 pt fits as it is
    assert printed_scale([10] * 20) == pytest.approx(784.3 / 1125)  # 69.7 %: too small
    # Portrait: 595.3 − 57.6 = 537.7 pt of room for 562.5 pt → 95.6 %.
    assert printed_scale([10] * 10, landscape=False) == pytest.approx(537.7 / 562.5)


def test_every_sheet_prints_at_70_percent_or_more(
    june: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ledger.registry import areas

    # Long community names widen the 社区 columns of every sheet (their widths follow names).
    areas.add_path(june, "任城区/古槐街道/古槐路东段第一社区居民委员会")
    june.set_setting("rank_min_items", "1")
    scales = {}
    for profile in ("standard", "12345"):
        june.set_setting("score_profile", profile)
        for written in write(june, tmp_path / profile, summary=True):
            for ws in openpyxl.load_workbook(written.path).worksheets:
                if ws.title == "图表":
                    assert ws.page_setup.fitToHeight == 1  # charts only: one whole page
                    continue
                for model, digit in DIGIT_PX.items():
                    scale = sheet_scale(ws, digit)
                    assert scale is not None, ws.title  # every table is fitted to the page width
                    scales[(written.path.name[:4], ws.title, profile, model)] = scale
    assert len(scales) == 2 * (8 + 4) * 2
    too_small = {key: round(scale, 3) for key, scale in scales.items() if scale < 0.7}
    assert too_small == {}


def test_the_old_detail_sheet_would_fail_the_print_test() -> None:
    # The 23 columns the detail sheet had before it was split (widths from its layout then).
    old = [5.5, 6.5, 11, 12, 9, 10.5, 10.5, 8, 13, 32, 9, 5.5, 14, 10.5, 10.5, 10.5, 24]
    old += [10.5, 8, 8, 8, 11, 8]
    assert printed_scale(old) < 0.6
