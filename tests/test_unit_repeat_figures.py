"""重复反映 and 重复率 per unit of the original (承办单位 table of stats and the workbook),
counted by hand."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

from typer.testing import Result

from cli_helpers import header, monthly_book
from ledger.casework import actions
from ledger.store.ledger_file import Ledger

Run = Callable[..., Result]
HERE = {"community": "铁塔寺社区", "compound": "铁塔寺小区"}


def build(ledger: Ledger) -> None:
    """October: 1 handed to 住建局; 2 handed to 市住建局 (转办 to 住建局 only on 12-02, after
    November's cut-off); 3 settled on the spot by the community.
    November: 4 repeats 1 and is itself handed to 市住建局; 5 repeats 1 (not handed on);
    6 repeats 2; 7 repeats 3; 8 is new, handed to 住建局; 9 repeated 1 but was unlinked."""
    actions.add(ledger, "A8楼楼顶漏水", **HERE, raised_on=date(2026, 10, 13))  # 1
    actions.assign(ledger, 1, "住建局", at=date(2026, 10, 13))
    actions.add(ledger, "小区路面塌陷", **HERE, raised_on=date(2026, 10, 20), new=True)  # 2
    actions.assign(ledger, 2, "市住建局", at=date(2026, 10, 20))
    actions.add(ledger, "楼道堆放杂物", **HERE, raised_on=date(2026, 10, 21), new=True)  # 3
    actions.resolve(ledger, 3, "当场清理", at=date(2026, 10, 21))
    actions.add(ledger, "A8楼楼顶又漏水", **HERE, raised_on=date(2026, 11, 3), repeat_of=1)  # 4
    actions.assign(ledger, 4, "市住建局", at=date(2026, 11, 3))
    actions.add(ledger, "楼顶还在漏水", **HERE, raised_on=date(2026, 11, 5), repeat_of=1)  # 5
    actions.add(ledger, "路面塌陷未修", **HERE, raised_on=date(2026, 11, 6), repeat_of=2)  # 6
    actions.add(ledger, "楼道又堆满杂物", **HERE, raised_on=date(2026, 11, 9), repeat_of=3)  # 7
    actions.add(ledger, "单元门禁损坏", **HERE, raised_on=date(2026, 11, 10), new=True)  # 8
    actions.assign(ledger, 8, "住建局", at=date(2026, 11, 10))
    actions.add(ledger, "漏水", **HERE, raised_on=date(2026, 11, 12), repeat_of=1)  # 9
    actions.unlink(ledger, 9, at=date(2026, 11, 12))


def unit_rows(run: Run, month: str) -> dict[str, dict]:
    result = run("stats", "--month", month, "--subdistrict", "古槐街道", "--json")
    assert result.exit_code == 0, result.output
    (subdistrict,) = json.loads(result.stdout)["subdistricts"]
    return {row["unit"]: row for row in subdistrict["units"]}


def test_repeats_count_against_the_unit_holding_the_original(places: Ledger, run: Run) -> None:
    build(places)
    rows = unit_rows(run, "2026-11")
    # Raised in November: 4 (市住建局), 8 (住建局), 5, 6, 7, 9 (never handed on: 未交办).
    # Repeats by the original's holder at the cut-off: 4 and 5 → 住建局 (holds 1);
    # 6 → 市住建局 (holds 2 until 12-02); 7 → 社区自办 (3 settled on the spot); 9 unlinked.
    assert rows["住建局"]["dispatched"] == 1
    assert rows["住建局"]["repeats"] == 2
    assert rows["住建局"]["repeat_rate"] == 2.0  # 2 / 1: the originals are older
    assert rows["市住建局"]["dispatched"] == 1
    assert rows["市住建局"]["repeats"] == 1
    assert rows["市住建局"]["repeat_rate"] == 1.0
    assert rows["（社区自办）"]["dispatched"] == 0
    assert rows["（社区自办）"]["repeats"] == 1
    assert rows["（社区自办）"]["repeat_rate"] is None  # nothing dispatched: —
    assert rows["（未交办）"]["dispatched"] == 4
    assert rows["（未交办）"]["repeats"] == 0
    assert rows["（未交办）"]["repeat_rate"] == 0.0
    # Every repeat is some row's: the rows add up to the community's figure, 4 of 6 raised.
    assert sum(row["repeats"] for row in rows.values()) == 4
    result = json.loads(
        run("stats", "--month", "2026-11", "--subdistrict", "古槐街道", "--json").stdout
    )
    (subdistrict,) = result["subdistricts"]
    assert subdistrict["communities"][0]["repeats"] == 4
    assert subdistrict["communities"][0]["raised"] == 6
    # October has no repeat at all.
    assert all(row["repeats"] == 0 for row in unit_rows(run, "2026-10").values())


def test_units_sheet_has_the_columns(places: Ledger, run: Run, tmp_path: Path) -> None:
    build(places)
    sheet = monthly_book(run, tmp_path / "out", "2026-11", "古槐街道")["承办单位"]
    head, headers = header(sheet, "重复反映")
    values = {
        sheet.cell(r, 1).value: (
            sheet.cell(r, headers["重复反映"]).value,
            sheet.cell(r, headers["重复率"]).value,
        )
        for r in range(head + 1, sheet.max_row + 1)
        if sheet.cell(r, 1).value
    }
    assert values["住建局"] == (2, 2.0)
    assert values["市住建局"] == (1, 1.0)
    assert values["（社区自办）"][0] == 1
    assert values["合计"] == (4, 4 / 6)
    first = next(
        r for r in range(head + 1, sheet.max_row + 1) if sheet.cell(r, 1).value == "住建局"
    )
    assert sheet.cell(first, headers["重复率"]).number_format.endswith("%")
    notes = " ".join(str(c.value) for line in sheet.iter_rows() for c in line if c.value)
    assert "重复率 = 重复反映 / 派单数" in notes
