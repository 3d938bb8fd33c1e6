"""``ledger export`` and ``rebuild``: export → rebuild gives the same ledger, table for table.

"The same" is checked three ways: every table's rows are identical, ``ledger check`` says
the same of both files, and ``ledger stats`` gives identical monthly figures for October
and November 2026 (the months the sample ledger covers).
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from typer.testing import Result

from ledger.casework import actions
from ledger.domain.errors import LedgerError, NotALedger
from ledger.io.export import columns, tables
from ledger.io.restore import rebuild
from ledger.registry import categories, meetings, units
from ledger.store.ledger_file import Ledger
from ledger.store.migrations import SCHEMA_VERSION

Run = Callable[..., Result]

FORMULA_TITLE = '=HYPERLINK("http://x","点我")路灯坏了'


@pytest.fixture
def sample(places: Ledger, db_path: Path) -> Path:
    """A small ledger touching every table and the awkward texts an export must keep."""
    ledger = places
    ledger.set_setting("small_days", "4")
    categories.add(ledger, "供暖")
    units.add(ledger, "新兴物业", "物业", area="财工街社区")
    # An empty text (typed text is cleaned to null since issue 11; older ledgers may hold "").
    ledger.conn.execute("UPDATE units SET contact = '' WHERE name = '新兴物业'")
    meetings.add(
        ledger,
        kind="夜话",
        held_on=date(2026, 10, 15),
        community="铁塔寺社区",
        compound="铁塔寺小区",
        host="王书记",
        attendees=23,
        note="+议程：楼道灯、停车",
    )
    # 1: raised at the 夜话 in October, handled, told, unhappy → 重办, resolved again.
    actions.add(
        ledger,
        FORMULA_TITLE,
        meeting=1,
        category="基础设施",
        reporter="'张三",  # a leading apostrophe is part of the name
        phone="13812345678",
    )
    actions.assign(ledger, 1, "住建局", at=datetime(2026, 10, 16, 10, 0))
    actions.resolve(ledger, 1, "已修好\n换了灯泡", at=datetime(2026, 10, 20, 10, 0))
    actions.reply(ledger, 1, "已电话告知", at=datetime(2026, 10, 21, 10, 0))
    actions.rate(ledger, 1, "不满意", at=datetime(2026, 10, 22, 10, 0))
    actions.resolve(ledger, 1, "再次修好", at=datetime(2026, 11, 2, 10, 0))
    # 2: big matter in November, escalated, in progress.
    actions.add(
        ledger,
        "-供暖不热（全楼）",
        community="财工街社区",
        compound="新兴小区西区",
        category="供暖",
        raised_on=date(2026, 11, 20),
    )
    actions.escalate(ledger, 2, "市住建局", "需更换管道", at=datetime(2026, 11, 21, 10, 0))
    actions.progress(ledger, 2, "@施工队已进场", percent=40, at=datetime(2026, 11, 24, 10, 0))
    # 3: settled on the spot, told, satisfied.
    actions.add(ledger, "＝全角等号开头", community="礼乐社区", raised_on=date(2026, 11, 3))
    actions.resolve(ledger, 3, "当场解决", at=datetime(2026, 11, 3, 15, 0))
    actions.reply(ledger, 3, "当面告知", channel="当面", at=datetime(2026, 11, 4, 9, 0))
    actions.rate(ledger, 3, "满意", at=datetime(2026, 11, 5, 9, 0))
    # 4: overdue, still waiting to be assigned.
    actions.add(ledger, "车辆乱停", community="铁塔寺社区", raised_on=date(2026, 11, 9))
    ledger.close()
    return db_path


def contents(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every exported table, row for row, in key order."""
    conn = sqlite3.connect(path)
    try:
        found = {}
        for table in tables(conn):
            names = ", ".join(columns(conn, table))
            found[table] = conn.execute(f"SELECT {names} FROM {table} ORDER BY 1").fetchall()
        return found
    finally:
        conn.close()


def figures(run: Run, path: Path) -> list[object]:
    """ledger stats for October and November 2026 (JSON)."""
    shown = []
    for month in ("2026-10", "2026-11"):
        result = run("stats", "--month", month, "--json", "--db", path)
        assert result.exit_code == 0, result.stderr
        shown.append(json.loads(result.stdout))
    return shown


def check_output(run: Run, path: Path) -> tuple[int, list[str]]:
    result = run("check", "--db", path)
    return result.exit_code, result.stdout.splitlines()[1:]  # the first line names the file


@pytest.mark.parametrize("out_name", ["all.json", "all.zip", "all-csv", "all.xlsx"])
def test_export_then_rebuild_is_identical(
    sample: Path, run: Run, tmp_path: Path, out_name: str
) -> None:
    fmt = {"json": "json", "zip": "csv", "xlsx": "xlsx"}.get(out_name.rsplit(".", 1)[-1], "csv")
    out = tmp_path / out_name
    result = run("export", "--format", fmt, "--out", out)
    assert result.exit_code == 0, result.stderr
    assert "已导出" in result.stdout and str(out) in result.stdout
    # Areas from the 3 seed paths: 任城区, 古槐街道, 铁塔寺社区, 铁塔寺小区, A8楼, 济阳街道,
    # 财工街社区, 新兴小区西区, 曲阜市, 鲁城街道, 礼乐社区 = 11; units 3 seed + 新兴物业 = 4;
    # events: item 1 has 6, item 2 has 3, item 3 has 4, item 4 has 1 = 14.
    assert "内容：区划 11、承办单位 4、会议 1、问题 4、办理记录 14" in result.stdout

    copy = tmp_path / "rebuilt.db"
    counts = rebuild(out, copy)
    assert counts["items"] == 4 and counts["events"] == 14

    assert contents(copy) == contents(sample)
    original_check = check_output(run, sample)
    assert original_check[0] == 0
    assert check_output(run, copy) == original_check
    monthly = figures(run, sample)
    # Not trivially equal: October has item 1 raised, November items 2, 3 and 4.
    raised = [sum(s["figures"]["raised"] for s in month["subdistricts"]) for month in monthly]
    assert raised == [1, 3]
    assert figures(run, copy) == monthly


def test_json_is_the_lossless_copy(sample: Path, run: Run, tmp_path: Path) -> None:
    """Empty text and null stay apart; control characters survive."""
    conn = sqlite3.connect(sample)
    conn.execute("UPDATE events SET note = 'bell\x07here' WHERE id = 1")
    conn.commit()
    conn.close()
    out = tmp_path / "all.json"
    assert run("export", "--out", out).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["format"] == "ledger-export"
    assert data["schema_version"] == SCHEMA_VERSION
    unit_table = data["tables"]["units"]
    contact = unit_table["columns"].index("contact")
    assert [row[contact] for row in unit_table["rows"]] == [None, None, None, ""]
    rebuild(out, tmp_path / "copy.db")
    assert contents(tmp_path / "copy.db") == contents(sample)


def test_xlsx_is_safe_to_open_in_excel(sample: Path, run: Run, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "all.xlsx"
    assert run("export", "--format", "Excel", "--out", out).exit_code == 0
    workbook = load_workbook(out)
    assert workbook.sheetnames[:8] == [
        "说明",
        "设置",
        "问题类别",
        "区划",
        "承办单位",
        "会议",
        "问题",
        "办理记录",
    ]
    sheet = workbook["问题"]
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["内部ID", "唯一编号", "编号", "问题描述"]
    assert "原编号" in header and "原台账" in header
    title = sheet.cell(row=2, column=4)
    assert title.value == FORMULA_TITLE
    assert title.data_type == "s"  # text, never a formula
    assert title.quotePrefix
    full_width = sheet.cell(row=4, column=4)
    assert full_width.value == "＝全角等号开头" and full_width.data_type == "s"
    reporter = sheet.cell(row=2, column=header.index("反映人") + 1)
    assert reporter.value == "''张三"  # its own apostrophe, escaped
    phone = sheet.cell(row=2, column=header.index("联系电话") + 1)
    assert phone.value == "13812345678" and phone.data_type == "s"  # not a number


def test_csv_opens_in_excel(sample: Path, run: Run, tmp_path: Path) -> None:
    out = tmp_path / "all.zip"
    assert run("export", "--format", "csv", "--out", out).exit_code == 0
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        assert {"说明.csv", "问题.csv", "办理记录.csv", "区划.csv", "承办单位.csv"} <= set(names)
        for name in names:
            assert archive.read(name).startswith(b"\xef\xbb\xbf"), name  # UTF-8 BOM
        text = archive.read("问题.csv").decode("utf-8-sig")
        meeting_text = archive.read("会议.csv").decode("utf-8-sig")
    header = text.splitlines()[0].split(",")
    assert header[:4] == ["内部ID", "唯一编号", "编号", "问题描述"]
    # Excel would run these as formulas: each gets one apostrophe in front.
    assert '"\'=HYPERLINK(""http://x"",""点我"")路灯坏了"' in text
    assert ",'-供暖不热（全楼）," in text
    assert ",'＝全角等号开头," in text
    assert ",'+议程：楼道灯、停车," in meeting_text


def test_control_characters_in_xlsx(sample: Path, run: Run, tmp_path: Path) -> None:
    conn = sqlite3.connect(sample)
    conn.execute("UPDATE events SET note = 'bell\x07here' WHERE id = 1")
    conn.commit()
    conn.close()
    result = run("export", "--format", "xlsx", "--out", tmp_path / "all.xlsx")
    assert result.exit_code == 0
    assert "有 1 个单元格含 Excel 不能保存的控制字符，已替换为 �" in result.stderr


def test_default_names_beside_the_ledger(sample: Path, run: Run) -> None:
    assert run("export").exit_code == 0
    assert (sample.parent / "ledger-导出-20261126-090000.json").exists()
    assert run("export", "--format", "csv").exit_code == 0
    assert (sample.parent / "ledger-导出-20261126-090000.zip").exists()
    # Same second, same name: refused, the first export kept.
    before = (sample.parent / "ledger-导出-20261126-090000.json").read_bytes()
    result = run("export")
    assert result.exit_code == 1
    assert "不会覆盖" in result.stderr
    assert (sample.parent / "ledger-导出-20261126-090000.json").read_bytes() == before


def test_refusals(sample: Path, run: Run, tmp_path: Path) -> None:
    result = run("export", "--format", "pdf")
    assert result.exit_code == 1
    assert result.stderr.startswith("错误: 未知的导出格式“pdf”")

    out = tmp_path / "all.json"
    assert run("export", "--out", out).exit_code == 0
    with pytest.raises(LedgerError, match="已存在"):
        rebuild(out, sample)

    stranger = tmp_path / "stranger.json"
    stranger.write_text('{"name": "not an export"}', encoding="utf-8")
    with pytest.raises(NotALedger, match="不是台账导出文件"):
        rebuild(stranger, tmp_path / "x.db")

    data = json.loads(out.read_text(encoding="utf-8"))
    data["schema_version"] = SCHEMA_VERSION + 1
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(NotALedger, match="更新版本"):
        rebuild(newer, tmp_path / "y.db")

    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(NotALedger, match="无法作为 Excel 文件读取"):
        rebuild(broken, tmp_path / "z.db")
    # Nothing was left behind by the refused rebuilds.
    assert not list(tmp_path.glob("[xyz].db*"))


def test_a_failed_rebuild_leaves_no_file(sample: Path, run: Run, tmp_path: Path) -> None:
    """An export with an event of a missing item: refused as a whole, no half-made ledger."""
    out = tmp_path / "all.json"
    assert run("export", "--out", out).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    item_id = data["tables"]["events"]["columns"].index("item_id")
    data["tables"]["events"]["rows"][-1][item_id] = 999
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(LedgerError, match="导出文件不完整：办理记录中有记录引用了不存在的问题"):
        rebuild(bad, tmp_path / "rebuilt.db")
    assert not list(tmp_path.glob("rebuilt.db*"))
