"""``ledger import areas`` (the org tree 区县/街道/社区/小区/楼栋) and ``ledger import units``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from import_fixtures import count, csv_file, prepare, xlsx
from ledger.io.importer import ImportRefused, import_areas, import_units
from ledger.registry import areas
from ledger.store.ledger_file import Ledger

Run = Callable[..., Result]
AREAS = [
    ["区县", "街道", "社区", "小区", "楼栋"],
    ["任城区", "古槐街道", "铁塔寺社区", "铁塔寺小区", "1号楼"],
    [None, None, None, None, "2号楼"],  # a parent is written once per group
    [None, None, "税务街社区", None, None],
    [None, "济阳街道", "财工街社区", "新兴小区西区", None],
    ["曲阜市", "鲁城街道", "礼乐社区", None, None],
]


def paths(ledger: Ledger) -> list[str]:
    return [row[0] for row in ledger.conn.execute("SELECT path FROM areas ORDER BY path")]


def test_areas_with_parents_written_once(ledger: Ledger, tmp_path: Path) -> None:
    report = import_areas(ledger, xlsx(tmp_path / "区划.xlsx", AREAS))
    assert paths(ledger) == [
        "任城区",
        "任城区/古槐街道",
        "任城区/古槐街道/税务街社区",
        "任城区/古槐街道/铁塔寺社区",
        "任城区/古槐街道/铁塔寺社区/铁塔寺小区",
        "任城区/古槐街道/铁塔寺社区/铁塔寺小区/1号楼",
        "任城区/古槐街道/铁塔寺社区/铁塔寺小区/2号楼",
        "任城区/济阳街道",
        "任城区/济阳街道/财工街社区",
        "任城区/济阳街道/财工街社区/新兴小区西区",
        "曲阜市",
        "曲阜市/鲁城街道",
        "曲阜市/鲁城街道/礼乐社区",
    ]
    # 2 区县, 3 街道, 4 社区, 2 小区, 2 楼栋 = 13 places.
    assert report.new == 13
    assert dict(report.by_level) == {
        "county": 2, "subdistrict": 3, "community": 4, "compound": 2, "building": 2,
    }  # fmt: skip
    levels = dict(ledger.conn.execute("SELECT path, level FROM areas").fetchall())
    assert levels["任城区/古槐街道/铁塔寺社区/铁塔寺小区/2号楼"] == "building"
    parent = ledger.conn.execute(
        "SELECT p.path FROM areas a JOIN areas p ON p.id = a.parent_id WHERE a.name = '2号楼'"
    ).fetchone()[0]
    assert parent == "任城区/古槐街道/铁塔寺社区/铁塔寺小区"
    again = import_areas(ledger, xlsx(tmp_path / "区划.xlsx", AREAS))
    assert (again.new, again.existing) == (0, 5)


def test_areas_with_merged_cells_and_from_csv(ledger: Ledger, tmp_path: Path) -> None:
    rows = [
        ["区县", "街道", "社区"],
        ["任城区", "古槐街道", "铁塔寺社区"],
        [None, None, "税务街社区"],
    ]
    import_areas(ledger, xlsx(tmp_path / "合并.xlsx", rows, merges=["A2:A3", "B2:B3"]))
    csv_rows = [["县市区", "镇街", "村居"], ["任城区", "古槐街道", "红星社区"]]
    import_areas(ledger, csv_file(tmp_path / "区划.csv", csv_rows, "gbk"))
    assert paths(ledger)[-3:] == [
        "任城区/古槐街道/税务街社区", "任城区/古槐街道/红星社区", "任城区/古槐街道/铁塔寺社区",
    ]  # fmt: skip


def test_a_sheet_of_communities_under_an_existing_subdistrict(
    ledger: Ledger, tmp_path: Path
) -> None:
    areas.add_path(ledger, "任城区/古槐街道/铁塔寺社区")
    rows = [
        ["街道", "社区", "小区"],
        ["古槐街道", "铁塔寺社区", "铁塔寺小区"],
        [None, "税务街社区", None],
    ]
    import_areas(ledger, xlsx(tmp_path / "社区.xlsx", rows))
    assert "任城区/古槐街道/铁塔寺社区/铁塔寺小区" in paths(ledger)
    assert "任城区/古槐街道/税务街社区" in paths(ledger)
    unknown = [["街道", "社区"], ["幸福街道", "甲社区"]]
    with pytest.raises(ImportRefused) as refused:
        import_areas(ledger, xlsx(tmp_path / "未知.xlsx", unknown))
    assert refused.value.report.problems[0].message == (
        "台账中没有街道“幸福街道”；表中没有上级列时，街道须已在区划中"
    )


def test_area_problems(ledger: Ledger, tmp_path: Path) -> None:
    rows = [
        ["区县", "街道", "社区", "小区", "楼栋"],
        [None, None, None, None, "1号楼"],  # nothing above to take the parents from
        ["任城区", "古槐/街道", "铁塔寺社区", None, None],
        ["任城区", "古槐街道", "社" * 51, None, None],
    ]
    with pytest.raises(ImportRefused) as refused:
        import_areas(ledger, xlsx(tmp_path / "错.xlsx", rows))
    assert [(p.row, p.column, p.message) for p in refused.value.report.problems] == [
        (2, "A列“区县”", "缺少区县（上一行也没有可沿用的）"),
        (2, "B列“街道”", "缺少街道（上一行也没有可沿用的）"),
        (2, "C列“社区”", "缺少社区（上一行也没有可沿用的）"),
        (2, "D列“小区”", "缺少小区（上一行也没有可沿用的）"),
        (3, "B列“街道”", "名称“古槐/街道”中不能有“/”"),
        (4, "C列“社区”", "名称过长（51 字，最多 50 字）"),
    ]
    assert count(ledger, "areas") == 0


UNITS = [
    ["序号", "单位名称", "类型", "联系电话", "联系人", "所属区划"],
    [1, "任城区住建局", "职能部门", 5372212345, None, "任城区"],
    [2, "铁塔寺小区红色物业", "物业公司", "0537-2278901", "张经理", "铁塔寺社区"],
    [3, "扈师傅维修队", "志愿者", 13953712345, "扈师傅", "济阳街道/财工街社区"],
    [4, "楼长李伟丽", None, 13853798765, None, None],
    [5, "古槐街道城管中队", None, None, None, "古槐街道"],
]


def test_units(ledger: Ledger, tmp_path: Path) -> None:
    prepare(ledger)  # already has 住建局 and 铁塔寺小区红色物业 (in 铁塔寺社区)
    report = import_units(ledger, xlsx(tmp_path / "单位.xlsx", UNITS))
    assert (report.new, report.existing) == (4, 1)
    got = ledger.conn.execute(
        "SELECT u.name, u.kind, u.phone, u.contact, a.name FROM units u "
        "LEFT JOIN areas a ON a.id = u.area_id ORDER BY u.id"
    ).fetchall()
    assert got[2:] == [
        ("任城区住建局", "department", "0537-2212345", None, "任城区"),  # the lost 0 put back
        ("扈师傅维修队", "volunteer", "13953712345", "扈师傅", "财工街社区"),
        ("楼长李伟丽", "person", "13853798765", None, None),  # 类型 guessed from the name
        ("古槐街道城管中队", "department", None, None, "古槐街道"),
    ]
    assert "2 个单位没有填写类型，已按名称推断（可用 ledger unit list 查看）" in report.notices
    assert import_units(ledger, xlsx(tmp_path / "单位.xlsx", UNITS)).new == 0


def test_unit_problems(ledger: Ledger, tmp_path: Path) -> None:
    prepare(ledger)
    rows = [
        ["单位名称", "类型", "电话", "所属区划"],
        [None, "物业", None, None],
        ["甲单位", "外包", None, None],
        ["乙单位", None, "123", None],
        ["丙单位", None, None, "幸福街道"],
    ]
    with pytest.raises(ImportRefused) as refused:
        import_units(ledger, xlsx(tmp_path / "错.xlsx", rows))
    assert [(p.row, p.column, p.message) for p in refused.value.report.problems] == [
        (2, "A列“单位名称”", "单位名称为空"),
        (3, "B列“类型”", "无法识别的单位类型“外包”，可填：职能部门(department)、社区(community)、物业(property)、志愿队(volunteer)、个人(person)"),
        (4, "C列“电话”", "“123”不是有效的电话号码（手机 11 位，如 13812345678；座机如 0537-1234567）"),
        (5, "D列“所属区划”", "台账中没有区划“幸福街道”；请先用 ledger import areas 或 ledger area add 添加"),
    ]  # fmt: skip


def test_areas_then_units_then_items_from_the_cli(ledger: Ledger, tmp_path: Path, run: Run) -> None:
    ledger.close()
    result = run("import", "areas", xlsx(tmp_path / "区划.xlsx", AREAS))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "已导入 区划.xlsx：区划 13 个",
        "其中：区县 2、街道 3、社区 4、小区 2、楼栋 2",
    ]
    result = run("import", "units", xlsx(tmp_path / "单位.xlsx", UNITS), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[:3] == [
        "试导入 单位.xlsx（未写入任何内容）：将导入承办单位 5 个",
        "其中：职能部门 2、物业 1、志愿队 1、个人 1",
        "前几行将导入为：",
    ]
    assert run("import", "units", xlsx(tmp_path / "单位.xlsx", UNITS)).exit_code == 0
    assert "没有新内容" in run("import", "units", tmp_path / "单位.xlsx").stdout
