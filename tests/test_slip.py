"""``ledger slip N``: the 交办单 for the unit and, once 办结, the 回执 for the resident."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import Result

from june_ledger import build_june, phase_b
from ledger.store.ledger_file import Ledger


@pytest.fixture(autouse=True)
def no_libreoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never start LibreOffice: it is absent as far as ``slip`` can tell."""
    monkeypatch.setattr("shutil.which", lambda name: None)


@pytest.fixture
def june(ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    build_june(ledger, monkeypatch)
    phase_b(ledger, monkeypatch)
    return ledger


def values(path: Path) -> dict[str, object]:
    """Every label of the form → the value right of it."""
    sheet = load_workbook(path).active
    found: dict[str, object] = {}
    for row in sheet.iter_rows():
        for cell, right in itertools.pairwise(row):
            if isinstance(cell.value, str) and cell.font.b:
                found[cell.value] = right.value
    return found


def test_assignment_slip_of_an_open_item(
    june: Ledger, run: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run("slip", "6", "--out", str(tmp_path / "slips"))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "slips").iterdir()) == ["第6号-交办单.xlsx"]
    assert "未找到 LibreOffice（soffice），只生成了 Excel 文件" in result.stderr
    form = values(tmp_path / "slips" / "第6号-交办单.xlsx")
    sheet = load_workbook(tmp_path / "slips" / "第6号-交办单.xlsx").active
    assert sheet["A1"].value == "铁塔寺社区 居民诉求交办单"  # no reporting unit set
    assert form["编　　号"] == "第 6 号"
    assert form["承办单位"] == "住建局"
    assert form["交办日期"] == "2026年6月2日"
    # Item 6 is big, raised 06-01, due 06-23; on 07-02 (the clock) it is 7 working days late
    # (24, 25, 26, 29, 30, 07-01, 07-02): 红牌, 严重超期.
    assert form["办理时限"] == "2026年6月23日（红牌，严重超期）"
    assert form["问题来源"] == "每周夜话（2026年6月1日第 1 次会议）"
    assert form["问题描述"] == "外墙保温层脱落"
    assert "办理情况\n（承办单位填写）" in form
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("承办人（签字）") for t in texts)
    setup = sheet.page_setup
    assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == ("portrait", 1, 1)
    assert "问题办结后再运行一次" in result.stdout


def test_receipt_after_resolution(
    june: Ledger, run: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("slip", "4", "--out", str(tmp_path / "slips")).exit_code == 0
    assert sorted(p.name for p in (tmp_path / "slips").iterdir()) == [
        "第4号-交办单.xlsx",
        "第4号-回执.xlsx",
    ]
    receipt = values(tmp_path / "slips" / "第4号-回执.xlsx")
    assert receipt["办理结果"] == "楼长当晚更换灯泡"
    assert receipt["办结日期"] == "2026年6月1日（已办结）"
    assert receipt["答复日期"] == "2026年6月2日" and receipt["答复方式"] == "当面"
    assert receipt["居民评价"] == "满意（已登记）"
    assert receipt["反 映 人"] == "王秀兰"
    # The 交办单 masks the resident's phone unless --unmask.
    assert values(tmp_path / "slips" / "第4号-交办单.xlsx")["联系电话"] == "138****5678"
    run("slip", "4", "--out", str(tmp_path / "slips"), "--unmask")
    assert values(tmp_path / "slips" / "第4号-交办单.xlsx")["联系电话"] == "13812345678"


def test_formula_text_stays_text(june: Ledger, run: Callable[..., Result], tmp_path: Path) -> None:
    run("slip", "5", "--out", str(tmp_path / "slips"))
    sheet = load_workbook(tmp_path / "slips" / "第5号-交办单.xlsx").active
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "=1+1")
    assert cell.data_type == "s" and cell.quotePrefix


def test_unknown_item_is_one_line(june: Ledger, run: Callable[..., Result], tmp_path: Path) -> None:
    result = run("slip", "999", "--out", str(tmp_path / "slips"))
    assert result.exit_code == 1
    assert result.stderr.startswith("错误: ") and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "slips").exists()
