"""Every kind of problem, all listed at once with sheet, row, column and what is wrong;
nothing written unless every row is good — or, with --skip-bad, the good rows written and
the bad ones saved to a file that imports once fixed. --dry-run writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import Result

from import_fixtures import count, items, prepare, xlsx
from ledger.domain.errors import LedgerError
from ledger.io.importer import ImportRefused, import_items
from ledger.registry import areas, units
from ledger.store.ledger_file import Ledger

Run = Callable[..., Result]
Snapshot = Callable[[Path], dict[str, object]]
D = datetime

HEADER = [
    "序号", "反映时间", "社区", "反映人", "联系电话", "问题描述", "问题类别", "来源", "规模",
    "责任单位", "办理时限", "办结日期", "答复方式", "满意度", "状态",
]  # fmt: skip
COLUMNS = {name: i for i, name in enumerate(HEADER)}


def row(n: int, **change: object) -> list[object]:
    """A good row (a 待分办 matter of 铁塔寺社区 raised Thu 2026-03-05), with changes."""
    cells: list[object] = [n, D(2026, 3, 5), "铁塔寺社区", "王秀兰", 13812345678, f"问题{n}",
                           "停车", "夜话", "小事", None, None, None, None, None, "待分办"]  # fmt: skip
    for name, value in change.items():
        cells[COLUMNS[name]] = value
    return cells


CATEGORIES = (
    "基础设施、环境卫生、物业管理、绿化、停车、邻里纠纷、安全隐患、治安、政策咨询、为民代办、其他"
)
SHEET = [
    HEADER,
    row(1),
    row(2, 问题描述=None),
    row(3, 问题描述="长" * 2001),
    row(4, 反映时间=None),
    row(5, 反映时间="上周五"),
    row(6, 反映时间="2026年2月30日"),
    row(7, 反映时间="2026-12-01"),
    row(8, 反映时间="1999-12-31"),
    row(9, 反映时间=123),
    row(10, 反映时间="2026年3月"),
    row(11, 联系电话="1.38123E+10"),
    row(12, 联系电话="138****5678"),
    row(13, 联系电话="12345678901234"),
    row(14, 社区="幸福社区"),
    row(15, 问题类别="市容"),
    row(16, 来源="广播"),
    row(17, 规模="中事"),
    row(18, 责任单位="住建局"),  # 待分办, yet a unit
    row(19, 状态="研究中"),
    row(20, 满意度="还行吧", 状态="已办结"),
    row(21, 答复方式="飞鸽传书", 状态="已回复"),
    row(22, 状态="办理中"),
    row(23, 状态="办理中", 责任单位="住建局", 办结日期=D(2026, 3, 9)),
    row(24, 状态="已办结", 责任单位="住建局", 办结日期=D(2026, 3, 1)),
    row(25, 办理时限="2026-03-01"),
    row(26, 办理时限="尽快"),
    row(27, 问题描述=None, 联系电话="12345"),  # 12345 is a valid (service) number
    row(28, 问题描述=None, 联系电话="电话坏了"),
    row(29),
]
EXPECTED = [
    (3, "F列“问题描述”", "问题描述为空"),
    (4, "F列“问题描述”", "问题描述过长（2001 字，最多 2000 字）"),
    (5, "B列“反映时间”", "反映日期为空"),
    (6, "B列“反映时间”", "无法识别的日期“上周五”（可写成 2026-03-24、2026年3月24日、2026.3.24 或 3月24日）"),
    (7, "B列“反映时间”", "日期“2026年2月30日”不存在"),
    (8, "B列“反映时间”", "日期 2026-12-01 晚于今天（2026-11-26）"),
    (9, "B列“反映时间”", "日期“1999-12-31”超出范围（2000–2099 年）"),
    (10, "B列“反映时间”", "数值 123 不是日期（Excel 日期序号应在 36526–73050 之间）"),
    (11, "B列“反映时间”", "日期“2026年3月”只有年月，缺少日"),
    (12, "E列“联系电话”", "电话号码“1.38123E+10”被 Excel 存成了科学计数法，后几位已丢失，无法还原；请把该列设为“文本”后重新填写这个号码"),
    (13, "E列“联系电话”", "电话号码“138****5678”已打码，无法导入；请填写完整号码或清空该格"),
    (14, "E列“联系电话”", "“12345678901234”不是有效的电话号码（手机 11 位，如 13812345678；座机如 0537-1234567）"),
    # Read as ``ledger add --community`` reads it (registry.areas.find): the same sentence.
    (15, "C列“社区”", "没有名为“幸福社区”的社区；已有：铁塔寺社区、财工街社区"),
    (16, "G列“问题类别”", f"未知的问题类别“市容”，可选：{CATEGORIES}（可用 ledger category add 新增）"),
    (17, "H列“来源”", "无法识别的来源“广播”，可填：每周夜话(night_talk)、拉呱说事(shuoshi)、走访(visit)、其他(other)"),
    (18, "I列“规模”", "无法识别的规模“中事”，可填：小事(small)、大事(big)"),
    (19, "O列“状态”", "状态为“待分办”，但已填写了承办单位；请核对状态"),
    (20, "O列“状态”", "无法识别的状态“研究中”，可填：待分办、办理中、已办结、不予办理、已回复、已归档、满意 等"),
    (21, "N列“满意度”", "无法识别的评价“还行吧”，可填：满意(satisfied)、基本满意(basically)、不满意(unsatisfied)"
     "（可带说明，如“不满意，仍在滴水”）"),
    (22, "M列“答复方式”", "无法识别的答复方式“飞鸽传书”，可填：当面、电话、微信、会议通报"),
    (23, "J列“责任单位”", "状态为“办理中”，但没有填写承办单位"),
    (24, "O列“状态”", "状态为“办理中”，但已填写了办结日期；请核对状态"),
    (25, "L列“办结日期”", "办结日期 2026-03-01 早于反映日期 2026-03-05"),
    (26, "K列“办理时限”", "办理时限 2026-03-01 早于反映日期 2026-03-05"),
    (27, "K列“办理时限”", "无法识别的日期“尽快”（可写成 2026-03-24、2026年3月24日、2026.3.24 或 3月24日）"),
    (28, "F列“问题描述”", "问题描述为空"),
    (29, "F列“问题描述”", "问题描述为空"),
    (29, "E列“联系电话”", "“电话坏了”不是有效的电话号码（手机 11 位，如 13812345678；座机如 0537-1234567）"),
]  # fmt: skip


@pytest.fixture
def lg(ledger: Ledger) -> Ledger:
    return prepare(ledger)


def test_every_problem_listed_and_nothing_written(lg: Ledger, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "错.xlsx", SHEET)
    units_before = count(lg, "units")
    with pytest.raises(ImportRefused) as refused:
        import_items(lg, path)
    report = refused.value.report
    assert [(p.sheet, p.row, p.column, p.message) for p in report.problems] == [
        ("台账", row, column, message) for row, column, message in EXPECTED
    ]
    # 29 data rows, of which rows 2 and 30 (序号 1 and 29) are good: 27 bad rows.
    assert (report.checked, report.bad_rows) == (29, 27)
    assert str(refused.value) == (
        "发现 28 处问题（涉及 27 行），未导入任何内容。请修正后重新导入，"
        "或用 --skip-bad 先导入无误的 2 行（有问题的行另存为文件，改好后再导入）"
    )
    assert (count(lg, "items"), count(lg, "events"), count(lg, "import_keys")) == (0, 0, 0)
    assert count(lg, "units") == units_before


def test_the_cli_lists_them_on_stderr_and_fails(
    lg: Ledger, tmp_path: Path, run: Run, snapshot: Snapshot, db_path: Path
) -> None:
    path = xlsx(tmp_path / "错.xlsx", SHEET)
    lg.close()
    before = snapshot(db_path)
    result = run("import", "items", path)
    assert result.exit_code == 1 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == "发现 28 处问题："
    assert lines[1] == "  第3行 F列“问题描述”：问题描述为空"
    assert lines[10] == "  第12行 E列“联系电话”：电话号码“1.38123E+10”被 Excel 存成了科学计数法，后几位已丢失，无法还原；请把该列设为“文本”后重新填写这个号码"  # fmt: skip
    assert len(lines) == 1 + 28 + 1 and lines[-1].startswith("错误: 发现 28 处问题（涉及 27 行）")
    assert snapshot(db_path) == before


def test_skip_bad_writes_the_good_rows_and_saves_the_rest(lg: Ledger, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "错.xlsx", SHEET)
    report = import_items(lg, path, skip_bad=True)
    assert (report.new, report.bad_rows, report.written) == (2, 27, True)
    assert [i["title"] for i in items(lg)] == ["问题1", "问题29"]
    assert report.bad_file == tmp_path / "错-待修正.xlsx"
    # The file to fix: the original header plus 原行号 and 导入错误, one row per bad row.
    sheet = load_workbook(report.bad_file).active
    assert [c.value for c in sheet[1]] == [*HEADER, "原行号", "导入错误"]
    assert sheet.max_row == 1 + 27
    assert [c.value for c in sheet[2]][-2:] == [3, "问题描述为空"]
    assert [c.value for c in sheet[28]][-2:] == [
        29,
        "问题描述为空；“电话坏了”不是有效的电话号码（手机 11 位，如 13812345678；座机如 0537-1234567）",
    ]
    # The clerk fixes two rows and deletes the rest, then imports the file of rows to fix.
    fixing = load_workbook(report.bad_file)
    fixes = fixing.active
    fixes["F2"] = "补上的问题描述"  # original row 3
    fixes["E11"] = 13812345679  # original row 12, the 1.38123E+10 phone, retyped
    fixes.delete_rows(12, 17)  # rows 12–28
    fixes.delete_rows(3, 8)  # rows 3–10
    fixing.save(report.bad_file)
    again = import_items(lg, report.bad_file)
    assert again.new == 2 and again.unused == {"台账": ["原行号", "导入错误"]}
    assert [i["title"] for i in items(lg)] == ["问题1", "问题29", "补上的问题描述", "问题11"]
    # The original again, with --skip-bad: the good rows are already in; nothing is doubled.
    third = import_items(lg, path, skip_bad=True)
    assert (third.new, third.existing, third.bad_file) == (0, 2, tmp_path / "错-待修正-2.xlsx")
    assert count(lg, "items") == 4


def test_skip_bad_from_the_cli(lg: Ledger, tmp_path: Path, run: Run) -> None:
    path = xlsx(tmp_path / "错.xlsx", SHEET)
    lg.close()
    result = run("import", "items", path, "--skip-bad", "--bad-file", tmp_path / "改.xlsx")
    assert result.exit_code == 0, result.stderr
    assert "已导入 错.xlsx：问题 2 条（编号 1–2），办理记录 2 条" in result.stdout
    assert "已跳过有问题的 27 行：" in result.stderr
    assert f"这些行已另存为“{tmp_path / '改.xlsx'}”，改好后再导入该文件即可" in result.stderr
    assert (tmp_path / "改.xlsx").exists()


def test_dry_run_writes_nothing(
    lg: Ledger, tmp_path: Path, run: Run, snapshot: Snapshot, db_path: Path
) -> None:
    rows = [HEADER, row(1), row(2, 责任单位="新来的物业", 状态="办理中")]
    path = xlsx(tmp_path / "好.xlsx", rows)
    lg.close()
    before = snapshot(db_path)
    result = run("import", "items", path, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[:9] == [
        "试导入 好.xlsx（未写入任何内容）：将导入问题 2 条",
        "各状态：待分办 1、办理中 1",
        "状态判定：按状态列 2",
        # The same resident, the same day, 问题1 and 问题2: alike by the repeat rule.
        "可能的重复反映 1 条（未自动关联）：",
        "  第3行“问题2” → 第2行“问题1”（本次导入），同一反映人",
        "  确认是重复反映的，可用 ledger link 编号 --repeat-of 原编号 关联",
        "按反映月份：2026-03 2",
        "将新建承办单位 1 个：新来的物业（物业）",
        "前几行将导入为：",
    ]
    assert "  第3行：2026-03-05 铁塔寺社区 问题2（办理中 → 新来的物业）" in result.stdout
    assert snapshot(db_path) == before
    # With problems, --dry-run lists them the same way and fails.
    bad = xlsx(tmp_path / "坏.xlsx", [HEADER, row(1, 问题描述=None)])
    assert run("import", "items", bad, "--dry-run").exit_code == 1
    assert snapshot(db_path) == before


def test_ambiguous_community_and_unit(lg: Ledger, tmp_path: Path) -> None:
    areas.add_path(lg, "任城区/济阳街道/铁塔寺社区")  # a second 铁塔寺社区
    units.add(lg, "物业公司", "物业", area="古槐街道")
    units.add(lg, "物业公司", "物业", area="济阳街道")
    rows = [
        ["反映时间", "社区", "问题描述", "责任单位", "状态"],
        [D(2026, 3, 5), "铁塔寺社区", "甲", None, "待分办"],
        [D(2026, 3, 5), "济阳街道/铁塔寺社区", "乙", "物业公司", "办理中"],  # scoped: fine
        [D(2026, 3, 5), "财工街社区", "丙", "物业公司", "办理中"],  # 财工街 is in 济阳街道
        [D(2026, 3, 5), "古槐街道铁塔寺社区", "丁", "物业公司", "办理中"],
    ]
    path = xlsx(tmp_path / "t.xlsx", rows)
    with pytest.raises(ImportRefused) as refused:
        import_items(lg, path)
    # Read as ``ledger add --community`` reads them (registry.areas.find). A parent written
    # before the name without a slash (古槐街道铁塔寺社区) names the one 铁塔寺社区 of 古槐街道,
    # as a clerk reads it: only the bare, shared name is reported.
    assert [(p.row, p.column, p.message) for p in refused.value.report.problems] == [
        (
            2,
            "B列“社区”",
            "有 2 个社区都叫“铁塔寺社区”：任城区/古槐街道/铁塔寺社区；任城区/济阳街道/铁塔寺社区。"
            "请写明上级，例如“古槐街道/铁塔寺社区”",
        ),
    ]
    rows[1][1] = "古槐街道/铁塔寺社区"
    import_items(lg, xlsx(tmp_path / "t2.xlsx", rows))
    assert [(i["title"], i["unit"]) for i in items(lg)] == [
        ("甲", None), ("乙", "物业公司"), ("丙", "物业公司"), ("丁", "物业公司"),
    ]  # fmt: skip
    unit_areas = lg.conn.execute(
        "SELECT i.title, a.name FROM items i JOIN units u ON u.id = i.unit_id "
        "JOIN areas a ON a.id = u.area_id ORDER BY i.number"
    ).fetchall()
    assert unit_areas == [("乙", "济阳街道"), ("丙", "济阳街道"), ("丁", "古槐街道")]


def test_problems_with_the_file_as_a_whole(lg: Ledger, tmp_path: Path) -> None:
    no_header = xlsx(tmp_path / "无表头.xlsx", [["随便写的"], ["一些", "数据"]])
    with pytest.raises(ImportRefused) as refused:
        import_items(lg, no_header)
    assert refused.value.report.problems[0].message.startswith(
        "找不到表头：前 30 行中没有一行含有至少两个可识别的列名（如 问题描述、反映时间、联系电话）"
    )
    no_date = xlsx(
        tmp_path / "无日期.xlsx", [["社区", "问题描述", "反映人"], ["铁塔寺社区", "甲", "王"]]
    )
    with pytest.raises(ImportRefused) as refused:
        import_items(lg, no_date)
    assert refused.value.report.problems[0].message == (
        "没有“反映日期”列（表头为：社区、问题描述、反映人）；可用 --map 指定，如 --map 登记日期=raised_on"
    )
    # --skip-bad cannot help when a column is missing: no row can be read.
    with pytest.raises(ImportRefused):
        import_items(lg, no_date, skip_bad=True)
    good = xlsx(
        tmp_path / "好.xlsx",
        [["反映时间", "社区", "问题描述"], [D(2026, 3, 5), "铁塔寺社区", "甲"]],
    )
    with pytest.raises(
        LedgerError, match="--map 应写成 列名=字段，例如 --map 反映问题=title，收到“问题描述”"
    ):
        import_items(lg, good, mapping=["问题描述"])
    with pytest.raises(LedgerError, match="--map 的字段“标题”无法识别，可用：title（问题描述）"):
        import_items(lg, good, mapping=["问题描述=标题"])
    with pytest.raises(ImportRefused) as refused:
        import_items(lg, good, mapping=["事项=title"])
    assert refused.value.report.problems[0].message == (
        "--map 指定的列“事项”不在表头中（表头为：反映时间、社区、问题描述）"
    )
    with pytest.raises(LedgerError, match="没有名为“幸福社区”的社区"):
        import_items(lg, good, community="幸福社区")
    assert count(lg, "items") == 0


def test_the_file_of_rows_to_fix_keeps_text_as_text(lg: Ledger, tmp_path: Path) -> None:
    # A resident's text that looks like a formula must come back as that text, not run.
    path = xlsx(tmp_path / "公式.xlsx", [HEADER, row(1), row(2, 反映时间="上周五")])
    source = load_workbook(path)
    source.active["F3"] = '=HYPERLINK("http://x","点我")'
    source.active["F3"].data_type = "s"  # typed as text in the clerk's sheet
    source.save(path)
    report = import_items(lg, path, skip_bad=True)
    assert report.bad_file is not None
    cell = load_workbook(report.bad_file).active["F2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x","点我")', "s")
    assert cell.quotePrefix
