"""重复反映 on import: reported, never linked by itself. Rows that look like repeats of an
item already in the ledger, or of an earlier row of the file, are listed in the summary (and
in --dry-run) with what they may repeat; the pairs below are worked out by hand from the
rules of views/repeats.py (same community; same resident, phone or place; similar titles;
within 90 days)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from typer.testing import Result

from import_fixtures import count, csv_file, prepare
from ledger.casework import actions
from ledger.io.importer import import_items
from ledger.store.ledger_file import Ledger

HEADER = ["反映时间", "社区", "小区", "楼栋", "反映人", "问题描述"]
ROWS = [
    HEADER,
    # Row 2: the same building as item 1 (typed before), the same matter: 同一楼栋.
    ["2026-11-02", "铁塔寺社区", "铁塔寺小区", "1号楼", "李秀英", "1号楼楼顶又漏水了"],
    # Row 3: nothing earlier.
    ["2026-11-03", "财工街社区", None, None, "赵德明", "楼道灯不亮"],
    # Row 4: the same resident as row 3, the same matter: 同一反映人 (a repeat within the file).
    ["2026-11-10", "财工街社区", None, None, "赵德明", "楼道灯还是不亮"],
    # Row 5: the same compound as item 1 but another building and another matter: none.
    ["2026-11-11", "铁塔寺社区", "铁塔寺小区", "2号楼", "孙立华", "2号楼下水道堵塞"],
    # Row 6: item 1's words, but another community: none.
    ["2026-11-12", "财工街社区", None, None, "周丽", "1号楼楼顶漏水"],
]


def typed(ledger: Ledger) -> None:
    prepare(ledger)
    actions.add(
        ledger, "1号楼楼顶漏水", community="铁塔寺社区", compound="铁塔寺小区",
        building="1号楼", raised_on=date(2026, 10, 13), new=True,
    )  # fmt: skip


def test_rows_that_look_like_repeats_are_reported(ledger: Ledger, tmp_path: Path) -> None:
    typed(ledger)
    report = import_items(ledger, csv_file(tmp_path / "台账.csv", ROWS))
    found = [
        (s["row"], s["number"], s["original"]["number"], s["original"]["row"], s["why"])
        for s in report.as_json()["repeats"]
    ]
    assert found == [(2, 2, 1, None, "同一楼栋"), (4, 4, 3, 3, "同一反映人")]
    # Nothing linked: every repeat_of is empty, and no link event was written.
    assert (
        ledger.conn.execute("SELECT count(*) FROM items WHERE repeat_of IS NOT NULL").fetchone()[0]
        == 0
    )
    assert (
        ledger.conn.execute("SELECT count(*) FROM events WHERE action = 'link'").fetchone()[0] == 0
    )


def test_the_summary_and_the_dry_run_show_them(
    ledger: Ledger, tmp_path: Path, run: Callable[..., Result]
) -> None:
    typed(ledger)
    ledger.close()
    path = csv_file(tmp_path / "台账.csv", ROWS)
    dry = run("import", "items", path, "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert "可能的重复反映 2 条（未自动关联）：" in dry.stdout.splitlines()
    assert "  确认是重复反映的，可用 ledger link 编号 --repeat-of 原编号 关联" in dry.stdout
    assert (
        "  第2行“1号楼楼顶又漏水了” → 第 1 号（2026-10-13，1号楼楼顶漏水，待分办），同一楼栋"
        in dry.stdout.splitlines()
    )
    assert (
        "  第4行“楼道灯还是不亮” → 第3行“楼道灯不亮”（本次导入），同一反映人"
        in dry.stdout.splitlines()
    )
    done = run("import", "items", path)
    assert done.exit_code == 0, done.stderr
    lines = done.stdout.splitlines()
    assert (
        "  第2行“1号楼楼顶又漏水了”（第 2 号） → 第 1 号（2026-10-13，1号楼楼顶漏水，待分办），同一楼栋"
        in lines
    )
    assert (
        "  第4行“楼道灯还是不亮”（第 4 号） → 第3行“楼道灯不亮”（本次导入，第 3 号），同一反映人"
        in lines
    )


def test_no_repeats_no_section(ledger: Ledger, tmp_path: Path) -> None:
    prepare(ledger)
    report = import_items(ledger, csv_file(tmp_path / "台账.csv", [HEADER, ROWS[3], ROWS[5]]))
    assert report.repeats == [] and count(ledger, "items") == 2
