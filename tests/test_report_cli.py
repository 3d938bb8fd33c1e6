"""``ledger report monthly`` and ``ledger stats`` from the command line (tests/june_ledger.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from typer.testing import Result

from june_ledger import build_june, phase_b
from ledger.store.ledger_file import Ledger

Run = Callable[..., Result]


@pytest.fixture
def june(ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    build_june(ledger, monkeypatch)
    phase_b(ledger, monkeypatch)
    return ledger


def test_monthly_for_one_subdistrict(june: Ledger, run: Run, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    result = run(
        "report", "monthly", "--month", "2026-06", "--subdistrict", "古槐街道", "--out", out
    )
    assert result.exit_code == 0, result.stderr
    path = out / "古槐街道-2026年06月-问题台账月报.xlsx"
    assert result.stdout.splitlines() == [
        "已生成 1 个文件（2026年6月，统计截止 2026-06-30 24:00）：",
        # 9 raised, 6 finished (66.7%), 5 on time (55.6%), 4 replied (44.4%), 2/3 satisfied,
        # 2 overdue, 2 carried in of which 1 finished.
        "  古槐街道：受理 9，办结 6（66.7%），按时办结率 55.6%，回复率 44.4%，满意率 66.7%，"
        "超期未办结 2，结转 2（办结 1）",
        f"    {path}",
    ]
    assert result.stderr == ""
    assert [p.name for p in out.iterdir()] == [path.name]  # no temporary file left behind


def test_monthly_for_every_subdistrict_with_data_and_summary(
    june: Ledger, run: Run, tmp_path: Path
) -> None:
    out = tmp_path / "reports"
    result = run("report", "monthly", "--month", "2026年6月", "--summary", "--out", out)
    assert result.exit_code == 0, result.stderr
    # 鲁城街道 has nothing in June: no workbook for it, but 曲阜市's summary lists it.
    assert sorted(p.name for p in out.iterdir()) == [
        "任城区-2026年06月-问题台账月报汇总.xlsx",
        "古槐街道-2026年06月-问题台账月报.xlsx",
        "曲阜市-2026年06月-问题台账月报汇总.xlsx",
        "济阳街道-2026年06月-问题台账月报.xlsx",
    ]
    assert "  济阳街道：受理 1，办结 0（0.0%）" in result.stdout
    assert "  任城区（汇总）：通报（红黑榜、街道排名、热点问题、上期跟踪）" in result.stdout
    qufu = openpyxl.load_workbook(out / "曲阜市-2026年06月-问题台账月报汇总.xlsx")["街道排名"]
    assert qufu["B5"].value == "鲁城街道" and qufu["A5"].value == "—"


def test_stats_prints_the_workbooks_figures(june: Ledger, run: Run, tmp_path: Path) -> None:
    result = run("stats", "--month", "2026-06", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["period"] == {
        "first": "2026-06-01",
        "last": "2026-06-30",
        "cutoff": "2026-06-30T23:59:59",
        "complete": True,
        "label": "2026年6月",
    }
    gu = next(s for s in data["subdistricts"] if s["subdistrict"] == "古槐街道")
    assert (gu["rank"], round(gu["score"], 6)) == (1, 60.0)
    run("report", "monthly", "--month", "2026-06", "--subdistrict", "古槐街道", "--out", tmp_path)
    book = openpyxl.load_workbook(tmp_path / "古槐街道-2026年06月-问题台账月报.xlsx")
    total_row = [c.value for c in book["汇总"][8]]
    total_row += [c.value for c in book["结转与会议"][8]][1:]  # the second part, same rows
    assert total_row[0] == "合计"
    figures = gu["figures"]
    keys = [  # the 汇总 columns, in order
        "raised",
        "src_night_talk",
        "src_shuoshi",
        "src_visit",
        "src_other",
        "finished",
        "declined",
        "finish_rate",
        "on_time",
        "on_time_rate",
        "replied",
        "reply_rate",
        "rated",
        "satisfied",
        "unsatisfied",
        "satisfaction_rate",
        "overdue",
        "carried",
        "carried_finished",
        "carried_overdue",
        "mt_night_talk",
        "att_night_talk",
        "mt_shuoshi",
        "att_shuoshi",
        "meeting_items",
        "repeats",
        "repeat_rate",
    ]
    assert total_row[1:] == [figures[key] for key in keys]


def test_stats_tables(june: Ledger, run: Run) -> None:
    result = run("stats", "--month", "2026-06")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "2026年6月（统计截止 2026-06-30 24:00）"
    assert "任城区 各街道" in result.stdout
    line = next(line for line in result.stdout.splitlines() if "古槐街道" in line)
    # rank, name, 受理 9, 办结 6, 66.7%, 55.6%, 44.4%, 66.7%, overdue 2, carried 2, 1, score 60.0
    assert line.split() == [
        "1", "古槐街道", "9", "6", "66.7%", "55.6%", "44.4%", "66.7%", "2", "2", "1", "60.0",
    ]  # fmt: skip
    assert "济阳街道：受理不足5件，不参与排名" in result.stdout
    one = run("stats", "--month", "2026-06", "--subdistrict", "古槐街道")
    assert one.exit_code == 0, one.stderr
    assert "古槐街道 各社区" in one.stdout and "古槐街道 承办单位" in one.stdout
    assert "综合得分 60.0，在任城区 2 个街道中排第 1 名" in one.stdout
    tieta = next(line for line in one.stdout.splitlines() if line.startswith("铁塔寺社区"))
    assert tieta.split()[:4] == ["铁塔寺社区", "5", "3", "60.0%"]


def test_running_month_is_marked(june: Ledger, run: Run) -> None:
    result = run("stats", "--month", "本月")  # LEDGER_NOW is 2026-07-02 after phase B
    assert result.exit_code == 0
    assert "提示：2026年7月尚未结束，数字截至 2026-07-02 10:00" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--month", "2026-13"], "错误: 无法识别的月份“2026-13”，请写成 2026-06 或 2026年6月"),
        (["--month", "2026-06", "--subdistrict", "西湖街道"], "错误: 没有名为“西湖街道”的街道"),
        (["--month", "2030-01"], "错误: 2030年1月尚未开始，没有可统计的数据"),
    ],
)
def test_bad_input_writes_nothing(
    june: Ledger, run: Run, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "reports"
    result = run("report", "monthly", *args, "--out", out)
    assert result.exit_code == 1
    assert result.stderr.startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_unwritable_output_folder(june: Ledger, run: Run, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file.txt"
    blocker.write_text("not a folder")
    result = run("report", "monthly", "--month", "2026-06", "--out", blocker)
    assert result.exit_code == 1
    assert result.stderr.strip() == f"错误: 输出位置“{blocker}”是一个文件，不是文件夹"
    inside = blocker / "reports"
    result = run("report", "monthly", "--month", "2026-06", "--out", inside)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"错误: 无法创建输出文件夹“{inside}”")
    assert len(result.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".xlsx") == []


def test_month_without_data_anywhere(june: Ledger, run: Run, tmp_path: Path) -> None:
    result = run("report", "monthly", "--month", "2026-03", "--out", tmp_path / "r")
    assert result.exit_code == 0
    assert result.stdout.strip() == "2026年3月各街道都没有问题或会议记录，未生成文件。"


def test_year_export(june: Ledger, run: Run, tmp_path: Path) -> None:
    result = run("report", "monthly", "--month", "2026-05", "--to", "2026-06", "--out", tmp_path)
    assert result.exit_code == 0, result.stderr
    path = tmp_path / "古槐街道-2026年05月-2026年06月-问题台账报表.xlsx"
    ws = openpyxl.load_workbook(path)["问题台账（登记与交办）"]
    # May and June together: items 1–12 raised in the period, none carried in.
    assert [ws.cell(r, 1).value for r in range(5, 17)] == list(range(1, 13))
    assert ws["A1"].value == "古槐街道 2026年5月至2026年6月 问题台账（登记与交办）"


def test_demo_writes_its_reports(run: Run, tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    result = run("demo", "--db", db)
    assert result.exit_code == 0, result.stderr
    folder = tmp_path / "demo-reports"
    assert f"已生成2026年10月的演示月报 8 份（每个街道一份，另有各区县排名汇总），在 {folder}/" in (
        result.stdout
    )
    assert (folder / "古槐街道-2026年10月-问题台账月报.xlsx").exists()
    assert (folder / "任城区-2026年10月-问题台账月报汇总.xlsx").exists()


def test_help_texts(run: Run) -> None:
    assert "monthly" in run("report", "--help").stdout
    monthly_help = run("report", "monthly", "--help").stdout
    for option in ("--month", "--to", "--year", "--subdistrict", "--out", "--summary", "--unmask"):
        assert option in monthly_help
    assert "--json" in run("stats", "--help").stdout
