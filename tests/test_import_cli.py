"""``ledger import items`` from the command line (exact output), ``--json``, the progress bar,
and the demo, which imports the two messy legacy ledgers in sample_data/."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import Result

from import_fixtures import assert_rows_replay, prepare, xlsx
from ledger.cli import importer as importer_cli
from ledger.demo import sample_data_dir
from ledger.io.importer import import_items
from ledger.store.ledger_file import Ledger, open_ledger

Run = Callable[..., Result]
ROWS = [
    ["铁塔寺社区问题台账（2026年3月）"],
    ["序号", "反映时间", "反映人", "联系电话", "问题描述", "责任单位", "办结日期", "状态", "备注"],
    [1, datetime(2026, 3, 5), "王秀兰", 5372256789, "楼道灯不亮", "住建局", datetime(2026, 3, 6), "已办结", "夜话反映"],
    [2, datetime(2026, 3, 9), "赵德明", 13905371234, "车辆乱停", "新兴物业", None, "办理中", None],
    ["合计", None, None, None, "2件"],
]  # fmt: skip


def test_import_items_says_what_it_did(ledger: Ledger, tmp_path: Path, run: Run) -> None:
    prepare(ledger)
    ledger.close()
    path = xlsx(tmp_path / "铁塔寺台账.xlsx", ROWS)
    result = run("import", "items", path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        # 2 items; events: 登记+交办+办结 and 登记+交办 = 5.
        "已导入 铁塔寺台账.xlsx：问题 2 条（编号 1–2），办理记录 5 条",
        "各状态：办理中 1、已办结 1",
        "状态判定：按状态列 2",
        "按反映月份：2026-03 2",
        "新建承办单位 1 个：新兴物业（物业）",
        "跳过：合计行 1 行",
    ]
    assert result.stderr.splitlines() == [
        "表中没有“社区”列，按标题或文件名记为“铁塔寺社区”（可用 --community 另行指定）",
        "1 个座机号码被 Excel 去掉了开头的 0，已补回（第 3 行）",
        "表中没有“交办日期”列：2 行的交办日期按反映日期记录",
    ]
    shown = run("show", "1").stdout
    assert "导入自铁塔寺台账.xlsx第3行；夜话反映" in shown.replace("\n", "").replace(" ", "")
    again = run("import", "items", path)
    assert again.stdout.splitlines()[0] == (
        "没有新内容：铁塔寺台账.xlsx 中的 2 条问题都已在台账中（按内容识别，同一文件再导入不会重复）"
    )


def test_json_report(ledger: Ledger, tmp_path: Path, run: Run) -> None:
    prepare(ledger)
    ledger.close()
    result = run("import", "items", xlsx(tmp_path / "t.xlsx", ROWS), "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert {k: data[k] for k in ("kind", "written", "new", "existing", "numbers", "events")} == {
        "kind": "items", "written": True, "new": 2, "existing": 0, "numbers": [1, 2], "events": 5,
    }  # fmt: skip
    assert data["by_status"] == {"resolved": 1, "assigned": 1}
    assert data["skipped"] == {"total": 1}
    bad = xlsx(tmp_path / "bad.xlsx", [ROWS[1], [1, "2026-11-27", "王", None, "甲"]])
    refused = run("import", "items", bad, "--json", "--community", "铁塔寺社区")
    assert refused.exit_code == 1
    problems = json.loads(refused.stdout)["problems"]
    assert problems == [
        {
            "sheet": "台账",
            "row": 2,
            "column": "B列“反映时间”",
            "message": "日期 2026-11-27 晚于今天（2026-11-26）",
        }
    ]


def test_help_names_the_options(run: Run) -> None:
    for kind in ("items", "areas", "units"):
        text = run("import", kind, "--help").stdout
        for option in ("--sheet", "--map", "--dry-run", "--skip-bad", "--bad-file", "--json"):
            assert option in text
    assert "--community" in run("import", "items", "--help").stdout
    assert "items" in run("import", "--help").stdout


def test_progress_reports_become_bar_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[tuple[str, Any]] = []

    class Bar:
        def __init__(self, total: int, label: str) -> None:
            shown.append(("open", (label, total)))

        def __enter__(self) -> Bar:
            return self

        def __exit__(self, *exc: object) -> None:
            shown.append(("close", None))

        def advance(self, current: str = "") -> None:
            shown.append(("advance", current))

    monkeypatch.setattr(importer_cli.output, "progress", Bar)
    with importer_cli._bars() as report:
        report("检查", 1000, 2500)
        report("检查", 2000, 2500)
        report("检查", 2500, 2500)
        report("写入", 2000, 2400)
        report("写入", 2400, 2400)
    assert shown == [
        ("open", ("检查每一行", 3)),  # 2,500 rows in steps of 1,000: 3 steps
        ("advance", "1,000 行"),
        ("advance", "2,000 行"),
        ("close", None),
        ("open", ("写入台账", 2)),  # 2,400 items in batches of 2,000: 2 steps
        ("advance", "2,000 条"),
        ("close", None),
    ]


# --- the demo and its legacy ledgers ------------------------------------------------------


def test_demo_imports_the_legacy_ledgers(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("demo", "--db", "demo.db")
    assert result.exit_code == 0, result.stderr
    # 铁塔寺: 6 + 5 + 4 rows in 3月–5月; 财工街: 13 rows, one of them entered twice.
    assert "已导入旧台账 铁塔寺社区台账.xlsx：问题 15 条（ledger import items）" in result.stdout
    assert "已导入旧台账 财工街社区台账.csv：问题 12 条（ledger import items）" in result.stdout
    demo = open_ledger(tmp_path / "demo.db")
    try:
        imported = demo.conn.execute(
            "SELECT c.name, substr(i.raised_on, 1, 7), i.status, count(*) FROM items i "
            "JOIN areas c ON c.id = i.community_id "
            "WHERE i.id IN (SELECT item_id FROM import_keys) GROUP BY 1, 2, 3"
        ).fetchall()
        by_month: dict[tuple[str, str], int] = {}
        for community, month, status, n in imported:
            by_month[(community, month)] = by_month.get((community, month), 0) + n
            # All settled by May but one: 5月 row 2, rated 不满意 on a sheet that still says
            # 已办结, is sent back for 重办 (the ledger's rule for 不满意).
            assert status in ("resolved", "replied", "closed") or (community, month, status, n) == (
                "铁塔寺社区", "2026-05", "assigned", 1,
            )  # fmt: skip
        assert by_month == {
            ("铁塔寺社区", "2026-03"): 6, ("铁塔寺社区", "2026-04"): 5, ("铁塔寺社区", "2026-05"): 4,
            ("财工街社区", "2026-03"): 5, ("财工街社区", "2026-04"): 4, ("财工街社区", "2026-05"): 3,
        }  # fmt: skip
        assert assert_rows_replay(demo) > 27
        # The clerk imports the same files again: nothing new.
        for name in ("铁塔寺社区台账.xlsx", "财工街社区台账.csv"):
            assert import_items(demo, sample_data_dir() / name).new == 0
    finally:
        demo.close()


def test_sample_files_are_what_make_legacy_writes(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_legacy", sample_data_dir() / "make_legacy.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write_xlsx(tmp_path / "a.xlsx")
    module.write_csv(tmp_path / "b.csv")
    assert (tmp_path / "b.csv").read_bytes() == (
        sample_data_dir() / "财工街社区台账.csv"
    ).read_bytes()
    made = load_workbook(tmp_path / "a.xlsx")
    kept = load_workbook(sample_data_dir() / "铁塔寺社区台账.xlsx")
    assert made.sheetnames == kept.sheetnames == ["填表说明", "3月", "4月", "5月"]
    for name in made.sheetnames:
        assert [[c.value for c in r] for r in made[name].iter_rows()] == [
            [c.value for c in r] for r in kept[name].iter_rows()
        ]
        assert made[name].merged_cells.ranges == kept[name].merged_cells.ranges
