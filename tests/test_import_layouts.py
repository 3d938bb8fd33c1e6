"""Each layout quirk of real 台账 as its own small workbook, built here with openpyxl and
imported into a real ledger file: titles above the header, two-row headers, blank and
template rows, 合计 and footer rows, merged cells, repeated headers, the usual wordings,
--map, several sheets, dates and phone numbers in every form Excel leaves them.

The clock is Thursday 2026-11-26 09:00. March 2026 has no public holidays, so a small
matter raised on Thursday 2026-03-05 is due three working days later: Fri 6, Mon 9,
Tue 10 → 2026-03-10.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from import_fixtures import HEADER, assert_rows_replay, csv_file, items, prepare, xlsx
from ledger.domain.errors import LedgerError
from ledger.io.importer import ImportRefused, import_items
from ledger.store.ledger_file import Ledger

ROW_A = [
    1,
    datetime(2026, 3, 5),
    "铁塔寺社区",
    "王秀兰",
    13812345678,
    "楼道灯不亮",
    "住建局",
    "办理中",
]
ROW_B = [2, datetime(2026, 3, 9), "财工街社区", "赵德明", 13905371234, "车辆乱停", None, "待分办"]


@pytest.fixture
def lg(ledger: Ledger) -> Ledger:
    return prepare(ledger)


def titles_and_statuses(ledger: Ledger) -> list[tuple[str, str, str]]:
    return [(i["title"], i["community"], i["status"]) for i in items(ledger)]


def test_title_rows_and_merged_title_above_the_header(lg: Ledger, tmp_path: Path) -> None:
    path = xlsx(
        tmp_path / "t.xlsx",
        [
            ["铁塔寺社区居民诉求台账"],
            ["填报单位：铁塔寺社区居委会", None, None, None, None, "填报日期：2026年4月1日"],
            HEADER,
            ROW_A,
            ROW_B,
        ],
        merges=["A1:H1", "A2:E2"],
    )
    report = import_items(lg, path)
    assert (report.new, report.checked, report.problems) == (2, 2, [])
    assert titles_and_statuses(lg) == [
        ("楼道灯不亮", "铁塔寺社区", "assigned"),
        ("车辆乱停", "财工街社区", "raised"),
    ]
    first = items(lg)[0]
    # Raised Thu 2026-03-05, small: due Tue 2026-03-10 (see the module docstring).
    assert (first["raised_on"], first["due_on"], first["unit"]) == (
        "2026-03-05",
        "2026-03-10",
        "住建局",
    )
    assert (first["reporter"], first["phone"]) == ("王秀兰", "13812345678")


def test_two_row_header_with_a_group_heading(lg: Ledger, tmp_path: Path) -> None:
    # 办理情况 spans 办理结果 / 办结日期 / 答复日期 below it; the other headings span both rows.
    path = xlsx(
        tmp_path / "t.xlsx",
        [
            ["序号", "反映时间", "社区", "问题描述", "办理情况", None, None],
            [None, None, None, None, "办理结果", "办结日期", "答复日期"],
            [
                1,
                datetime(2026, 3, 5),
                "铁塔寺社区",
                "路灯不亮",
                "已更换灯头",
                datetime(2026, 3, 6),
                datetime(2026, 3, 9),
            ],
        ],
        merges=["A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:G1"],
    )
    report = import_items(lg, path)
    assert report.new == 1 and report.problems == []
    [item] = items(lg)
    # No status column: a 答复日期 means it was replied to, so it was resolved first.
    assert (item["status"], item["result"], item["resolved_on"], item["replied_on"]) == (
        "replied", "已更换灯头", "2026-03-06", "2026-03-09",
    )  # fmt: skip


def test_blank_rows_and_numbered_template_rows(lg: Ledger, tmp_path: Path) -> None:
    rows = [HEADER, ROW_A, [], [], ROW_B, *([n] for n in range(3, 11))]
    report = import_items(lg, xlsx(tmp_path / "t.xlsx", rows))
    assert report.new == 2
    # Rows 8–15 hold only a 序号 (a template numbered 3…10): 8 blank rows. The two empty
    # rows have no cells at all in the file.
    assert report.skipped["blank"] == 8
    assert report.problems == []


def test_total_and_footer_rows_at_the_bottom(lg: Ledger, tmp_path: Path) -> None:
    rows = [
        HEADER,
        ROW_A,
        ROW_B,
        ["合计", None, None, None, None, "共2件"],
        ["小计：2件"],
        ["填表人：李建忠", None, None, None, None, None, "审核人：王书记"],
        ["注：本表每月5日前报街道"],
    ]
    report = import_items(lg, xlsx(tmp_path / "t.xlsx", rows))
    assert report.new == 2 and report.problems == []
    assert (report.skipped["total"], report.skipped["footer"]) == (2, 2)


def test_community_merged_over_several_rows(lg: Ledger, tmp_path: Path) -> None:
    # C2:C4 merged: 铁塔寺社区 is written once, in C2, and covers rows 2–4.
    rows = [
        HEADER,
        [1, datetime(2026, 3, 2), "铁塔寺社区", None, None, "一号问题"],
        [2, datetime(2026, 3, 3), None, None, None, "二号问题"],
        [3, datetime(2026, 3, 4), None, None, None, "三号问题"],
        [4, datetime(2026, 3, 5), "财工街社区", None, None, "四号问题"],
    ]
    report = import_items(lg, xlsx(tmp_path / "t.xlsx", rows, merges=["C2:C4"]))
    assert report.new == 4
    assert [(i["title"], i["community"]) for i in items(lg)] == [
        ("一号问题", "铁塔寺社区"),
        ("二号问题", "铁塔寺社区"),
        ("三号问题", "铁塔寺社区"),
        ("四号问题", "财工街社区"),
    ]


def test_header_repeated_on_every_printed_page(lg: Ledger, tmp_path: Path) -> None:
    rows = [HEADER, ROW_A, HEADER, ROW_B]
    report = import_items(lg, xlsx(tmp_path / "t.xlsx", rows))
    assert report.new == 2 and report.skipped["header"] == 1


WORDINGS = [
    ("问题描述", "反映人", "联系电话", "社区", "反映时间", "责任单位", "办理情况", "状态", "满意度"),
    ("反映问题", "群众姓名", "电话", "所属社区", "登记日期", "承办单位", "办理结果", "办理状态", "评价"),
    ("诉求内容", "诉求人", "联系电话（手机）", "社区名称", "受理时间", "责任部门", "处理结果", "处理状态", "群众评价"),
    ("* 问题描述", "反映人姓名", "手机号码", "所属社区：", "反映日期", "办理单位", "处理情况", "当前状态", "满意度评价"),
]  # fmt: skip


@pytest.mark.parametrize("heading", WORDINGS, ids=[w[0].strip("* ") for w in WORDINGS])
def test_the_usual_wordings_need_no_map(
    lg: Ledger, tmp_path: Path, heading: tuple[str, ...]
) -> None:
    row = ["楼道灯不亮", "王秀兰", 13812345678, "铁塔寺社区", datetime(2026, 3, 5), "住建局",
           "已换灯", "已办结", "满意"]  # fmt: skip
    report = import_items(lg, xlsx(tmp_path / "t.xlsx", [list(heading), row]))
    assert report.new == 1 and report.unused == {}
    [item] = items(lg)
    assert (item["title"], item["reporter"], item["phone"], item["community"]) == (
        "楼道灯不亮", "王秀兰", "13812345678", "铁塔寺社区",
    )  # fmt: skip
    # 已办结 with a rating of 满意: evaluated and filed.
    assert (item["unit"], item["result"], item["rating"], item["status"]) == (
        "住建局", "已换灯", "satisfied", "closed",
    )  # fmt: skip


def test_map_names_the_columns_nobody_could_guess(lg: Ledger, tmp_path: Path) -> None:
    rows = [
        ["事情经过", "哪天", "哪个社区", "经办人"],
        ["井盖松动", "2026-03-05", "铁塔寺社区", "小李"],
    ]
    path = xlsx(tmp_path / "t.xlsx", rows)
    with pytest.raises(ImportRefused):
        import_items(lg, path)  # no recognisable header at all
    report = import_items(
        lg, path, mapping=["事情经过=title", "哪天=反映日期", "哪个社区=community"]
    )
    assert report.new == 1 and report.unused == {"台账": ["经办人"]}
    assert items(lg)[0]["title"] == "井盖松动"


def test_map_picks_one_of_two_columns_meaning_the_same(lg: Ledger, tmp_path: Path) -> None:
    rows = [
        ["反映时间", "社区", "问题描述", "联系电话", "电话"],
        [datetime(2026, 3, 5), "铁塔寺社区", "井盖松动", 13812345678, "0537-2256789"],
    ]
    path = xlsx(tmp_path / "t.xlsx", rows)
    with pytest.raises(ImportRefused) as refused:
        import_items(lg, path)
    [problem] = refused.value.report.problems
    assert problem.message.startswith("D列“联系电话”、E列“电话” 都像是同一项内容")
    report = import_items(lg, path, mapping=["电话=ignore"])
    assert report.new == 1 and items(lg)[0]["phone"] == "13812345678"


def test_monthly_sheets_and_a_notes_sheet(lg: Ledger, tmp_path: Path) -> None:
    path = xlsx(
        tmp_path / "t.xlsx",
        [["填表说明：每月一张表"]],
        sheet="说明",
        more={"3月": [HEADER, ROW_A], "4月": [HEADER, ROW_B]},
    )
    report = import_items(lg, path, dry_run=True)
    assert report.sheets == ["3月", "4月"] and report.new == 2
    assert "工作表“说明”没有可识别的表头，已跳过" in report.notices
    only = import_items(lg, path, sheets=["4月"])
    assert only.new == 1 and titles_and_statuses(lg) == [("车辆乱停", "财工街社区", "raised")]
    with pytest.raises(LedgerError, match="没有名为“9月”的工作表；文件中的工作表：说明、3月、4月"):
        import_items(lg, path, sheets=["9月"])


def test_community_from_the_title_or_the_only_community(ledger: Ledger, tmp_path: Path) -> None:
    prepare(ledger)
    rows = [["财工街社区问题台账"], ["反映时间", "问题描述"], [datetime(2026, 3, 5), "井盖松动"]]
    report = import_items(ledger, xlsx(tmp_path / "t.xlsx", rows))
    assert items(ledger)[0]["community"] == "财工街社区"
    assert "表中没有“社区”列，按标题或文件名记为“财工街社区”（可用 --community 另行指定）" in (
        report.notices
    )
    # Without a name anywhere: --community says which.
    plain = xlsx(
        tmp_path / "plain.xlsx", [["反映时间", "问题描述"], [datetime(2026, 3, 6), "路灯"]]
    )
    with pytest.raises(ImportRefused) as refused:
        import_items(ledger, plain)
    assert refused.value.report.problems[0].message == (
        "表中没有“社区”列，请用 --community 指定这些问题所属的社区"
    )
    import_items(ledger, plain, community="铁塔寺社区")
    assert items(ledger)[1]["community"] == "铁塔寺社区"


def test_the_only_community_of_a_community_ledger(ledger: Ledger, tmp_path: Path) -> None:
    from ledger.registry import areas

    areas.add_path(ledger, "任城区/古槐街道/铁塔寺社区")
    path = xlsx(tmp_path / "t.xlsx", [["反映时间", "问题描述"], [datetime(2026, 3, 5), "路灯"]])
    report = import_items(ledger, path)
    assert items(ledger)[0]["community"] == "铁塔寺社区"
    assert "表中没有“社区”列，均记为台账中唯一的社区“铁塔寺社区”" in report.notices


def test_compound_and_building(lg: Ledger, tmp_path: Path) -> None:
    rows = [
        ["反映时间", "社区", "小区", "楼栋", "问题描述"],
        [datetime(2026, 3, 2), "铁塔寺社区", "铁塔寺小区", "1号楼", "甲"],
        [datetime(2026, 3, 3), "铁塔寺社区", "铁塔寺小区2号楼", None, "乙"],  # both in one cell
        [datetime(2026, 3, 4), "铁塔寺社区", "铁塔寺小区", "2", "丙"],  # 2 → 2号楼
        [datetime(2026, 3, 5), "铁塔寺社区", "幸福小区", None, "丁"],  # not in the area tree
    ]
    report = import_items(lg, xlsx(tmp_path / "t.xlsx", rows))
    assert [i["place"] for i in items(lg)] == ["1号楼", "2号楼", "2号楼", None]
    assert report.notices == [
        "1 行的小区/楼栋不在区划中（第5行“幸福小区”），这些问题只记到社区；"
        "可先用 ledger area add 添加后再导入"
    ]


def test_dates_in_every_form(lg: Ledger, tmp_path: Path) -> None:
    rows = [
        ["2026年居民诉求台账"],  # the year for dates written without one
        ["反映时间", "社区", "问题描述"],
        [datetime(2026, 3, 2), "铁塔寺社区", "日期单元格"],
        [46086, "铁塔寺社区", "日期序号"],  # a General cell: 1899-12-30 + 46086 days = 2026-03-05
        ["2020年6月24日", "铁塔寺社区", "中文日期"],
        ["2020.6.24", "铁塔寺社区", "点分日期"],
        ["6月24日", "铁塔寺社区", "无年份"],  # 2026 from the title row
        ["3.9", "铁塔寺社区", "月.日"],
        ["2026/3/6 14:30", "铁塔寺社区", "带时间"],
        ["20260310", "铁塔寺社区", "八位数字"],
        [" 2026-03-11 ", "铁塔寺社区", "带空格"],
        ["2026年3月12日晚", "铁塔寺社区", "晚上"],
    ]
    report = import_items(lg, xlsx(tmp_path / "t.xlsx", rows))
    assert report.problems == []
    raised = {i["title"]: i["raised_on"] for i in items(lg)}
    assert raised == {
        "日期单元格": "2026-03-02",
        "日期序号": "2026-03-05",
        "中文日期": "2020-06-24",
        "点分日期": "2020-06-24",
        "无年份": "2026-06-24",
        "月.日": "2026-03-09",
        "带时间": "2026-03-06",
        "八位数字": "2026-03-10",
        "带空格": "2026-03-11",
        "晚上": "2026-03-12",
    }
    # Raised Wed 2020-06-24, just before the 端午 holiday (Thu 25 – Sat 27) and its make-up
    # workday Sun 28: three working days are Sun 28, Mon 29, Tue 30 → due 2020-06-30.
    assert {i["due_on"] for i in items(lg) if i["raised_on"] == "2020-06-24"} == {"2020-06-30"}


def test_a_date_without_a_year_is_reported_not_guessed(lg: Ledger, tmp_path: Path) -> None:
    # No year in the rows, the title or the file name: nothing to read one from. (Today is
    # 2026-11-26; the old importer silently took 2026-11-20 and 2025-12-20.)
    rows = [
        ["反映时间", "社区", "问题描述"],
        ["11月20日", "铁塔寺社区", "甲"],
        ["12月20日", "铁塔寺社区", "乙"],
    ]
    with pytest.raises(ImportRefused) as refused:
        import_items(lg, xlsx(tmp_path / "t.xlsx", rows))
    problems = refused.value.report.problems
    assert [(p.row, p.column) for p in problems] == [(2, "A列“反映时间”"), (3, "A列“反映时间”")]
    assert problems[0].message.startswith("日期“11月20日”没有写年份")
    assert items(lg) == []


def test_a_date_without_a_year_takes_the_year_of_its_row_then_of_the_file(
    lg: Ledger, tmp_path: Path
) -> None:
    rows = [
        ["反映时间", "社区", "问题描述", "办结日期"],
        # 6月26日 beside its own 办结日期 2025-07-02: 2025, from the row.
        ["6月26日", "铁塔寺社区", "甲", "2025-07-02"],
        # Nothing in the row: the file's other rows are all of 2026 (甲's year comes from its
        # own row and counts for nothing here).
        ["3月9日", "铁塔寺社区", "乙", None],
        [datetime(2026, 3, 2), "铁塔寺社区", "丙", None],
        ["2026-03-04", "铁塔寺社区", "丁", None],
    ]
    report = import_items(lg, xlsx(tmp_path / "t.xlsx", rows))
    assert report.problems == []
    assert {i["title"]: i["raised_on"] for i in items(lg)} == {
        "甲": "2025-06-26", "乙": "2026-03-09", "丙": "2026-03-02", "丁": "2026-03-04",
    }  # fmt: skip
    # The rows keep the file's order.
    assert [i["title"] for i in items(lg)] == ["甲", "乙", "丙", "丁"]


def test_the_row_s_own_year_comes_before_the_title_s(lg: Ledger, tmp_path: Path) -> None:
    rows = [
        ["2026年居民诉求台账"],
        ["反映时间", "社区", "问题描述", "办结日期"],
        # Resolved 2026-01-05: raised 12月28日 is the December before, not 2026-12-28.
        ["12月28日", "铁塔寺社区", "跨年", "2026-01-05"],
        # Nothing else in the row: the title's year.
        ["3月9日", "铁塔寺社区", "标题年份", None],
    ]
    report = import_items(lg, xlsx(tmp_path / "t.xlsx", rows))
    assert report.problems == []
    assert {i["title"]: i["raised_on"] for i in items(lg)} == {
        "跨年": "2025-12-28",
        "标题年份": "2026-03-09",
    }


def test_a_year_is_not_taken_when_the_file_spans_two(lg: Ledger, tmp_path: Path) -> None:
    rows = [
        ["反映时间", "社区", "问题描述"],
        ["3月9日", "铁塔寺社区", "乙"],
        [datetime(2025, 12, 2), "铁塔寺社区", "丙"],
        [datetime(2026, 1, 5), "铁塔寺社区", "丁"],
    ]
    with pytest.raises(ImportRefused) as refused:
        import_items(lg, xlsx(tmp_path / "t.xlsx", rows))
    [problem] = refused.value.report.problems
    assert problem.row == 2
    assert "文件中其他日期分属 2025、2026 年，无法确定" in problem.message


def test_phone_numbers_excel_damaged_are_repaired(lg: Ledger, tmp_path: Path) -> None:
    rows = [
        ["反映时间", "社区", "问题描述", "联系电话"],
        [datetime(2026, 3, 2), "铁塔寺社区", "手机存成数字", 13812345678],
        [datetime(2026, 3, 2), "铁塔寺社区", "座机丢了0", 5372256789],
        [datetime(2026, 3, 2), "铁塔寺社区", "科学计数法但位数全", "1.3812345678E+10"],
        [datetime(2026, 3, 2), "铁塔寺社区", "浮点数", 13905371234.0],
        [datetime(2026, 3, 2), "铁塔寺社区", "带空格", "138 1234 5679"],
        [datetime(2026, 3, 2), "铁塔寺社区", "带区号", "+86 139-0537-1235"],
        [datetime(2026, 3, 2), "铁塔寺社区", "两个号码", "13812345670/0537-2256789"],
        [datetime(2026, 3, 2), "铁塔寺社区", "座机文本丢了0", "5372231234"],
        [datetime(2026, 3, 2), "铁塔寺社区", "没有电话", "/"],
    ]
    report = import_items(lg, xlsx(tmp_path / "t.xlsx", rows))
    assert [i["phone"] for i in items(lg)] == [
        "13812345678", "0537-2256789", "13812345678", "13905371234", "13812345679",
        "13905371235", "13812345670", "0537-2231234", None,
    ]  # fmt: skip
    assert report.notices[0] == "2 个座机号码被 Excel 去掉了开头的 0，已补回（第 3、9 行）"


def test_csv_with_a_title_line_and_gbk(lg: Ledger, tmp_path: Path) -> None:
    rows = [
        ["财工街社区2026年群众诉求登记台账"],
        [],
        ["编号", "登记日期", "所属社区", "群众姓名", "电话", "地址", "诉求内容"],
        ["CG-1", "2026/3/2", "财工街", "张凤元", "5372231234", "新兴小区西区3排", "路面坑洼"],
    ]
    report = import_items(lg, csv_file(tmp_path / "t.csv", rows, "gbk"))
    [item] = items(lg)
    # 财工街 is the community 财工街社区; the 地址 column has no place in the ledger.
    assert (item["community"], item["phone"], item["raised_on"]) == (
        "财工街社区", "0537-2231234", "2026-03-02",
    )  # fmt: skip
    assert report.unused == {"t": ["地址"]}


def test_every_imported_row_replays_from_its_events(lg: Ledger, tmp_path: Path) -> None:
    rows = [HEADER, ROW_A, ROW_B, [3, datetime(2026, 3, 6), "铁塔寺社区", "引号\"与\\反斜杠", None, "标题里有\"引号\"\n和换行", "住建局", "已办结"]]  # fmt: skip
    import_items(lg, xlsx(tmp_path / "t.xlsx", rows))
    assert assert_rows_replay(lg) == 3


def test_a_date_cell_that_is_really_a_date(lg: Ledger, tmp_path: Path) -> None:
    # A date typed into a cell formatted as a date is read as that date, whatever the format.
    rows = [["反映时间", "社区", "问题描述"], [date(2026, 3, 5), "铁塔寺社区", "甲"]]
    import_items(lg, xlsx(tmp_path / "t.xlsx", rows, formats={"A2": "yyyy年m月d日"}))
    assert items(lg)[0]["raised_on"] == "2026-03-05"


def test_hidden_sheets_are_left_alone(lg: Ledger, tmp_path: Path) -> None:
    # A hidden sheet of drop-down lists (状态, 类别) looks like a header with data below it.
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "台账"
    workbook.active.append(HEADER)
    workbook.active.append(ROW_A)
    lists = workbook.create_sheet("下拉选项")
    for row in (["状态", "问题类别"], ["待分办", "停车"], ["办理中", "市容"]):
        lists.append(row)
    lists.sheet_state = "hidden"
    path = tmp_path / "t.xlsx"
    workbook.save(path)
    report = import_items(lg, path)
    assert (report.sheets, report.new, report.problems) == (["台账"], 1, [])
