"""80 columns is a first-class width: every screen fits, nothing that must stay whole is split.

Each screen is rendered at 80 and 120 columns on the board ledger of test_board (Chinese names,
phone numbers, every group of ``today``) plus an item handled by a unit with a long name. Widths
are Rich's cell widths (a Chinese character takes 2 cells). The columns that leave a narrow
screen are worked out below by hand from the widths each screen states in the cli/*_view.py modules.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date

import pytest
from rich.cells import cell_len
from typer.testing import Result

from ledger.casework import actions
from ledger.cli import layout, output, show_view
from ledger.registry import units
from ledger.store.ledger_file import Ledger
from test_board import at, build_board_ledger

LONG_UNIT = "铁塔寺小区红色物业服务中心"  # 13 characters, 26 cells


@pytest.fixture
def narrow_ledger(places: Ledger) -> Ledger:
    ledger = build_board_ledger(places)
    units.add(ledger, LONG_UNIT, "物业")
    n13 = actions.add(
        ledger,
        "3号楼外墙保温层大面积脱落，雨天有坠落危险，请尽快排查",
        community="铁塔寺社区",
        compound="铁塔寺小区",
        reporter="欧阳秀兰",
        phone="13905371234",
        raised_on=date(2026, 11, 20),
    )
    actions.assign(ledger, n13.item["number"], LONG_UNIT, at=at("2026-11-20T10:00"))
    return ledger


def screen(run: Callable[..., Result], columns: int, *args: str) -> list[str]:
    import os

    os.environ["COLUMNS"] = str(columns)  # restored by conftest's monkeypatch after the test
    result = run(*args)
    assert result.exit_code == 0, result.stdout + result.stderr
    return result.stdout.splitlines()


# A run of digits and dashes that is neither a whole date, a whole phone number nor a short
# figure is a date or a phone number cut in two ("2026-11-", "13812345").
WHOLE = re.compile(r"\d{4}-\d{2}-\d{2}|1\d{10}|0\d{3}-\d{7,8}|\d{1,6}")


def assert_fits(lines: list[str], columns: int) -> None:
    for line in lines:
        assert cell_len(line) <= columns, (columns, cell_len(line), line)
        for run in re.findall(r"\d[\d-]*\d|\d", line):
            assert WHOLE.fullmatch(run), (run, line)


SCREENS = [
    ("today",),
    ("list",),
    ("list", "--all"),
    ("show", "5"),
    ("show", "13"),
    ("stats", "--month", "2026-11"),
    ("stats", "--month", "2026-11", "--subdistrict", "古槐街道"),
    ("meeting", "show", "1"),
    ("meeting", "list"),
]


@pytest.mark.parametrize("columns", [80, 120])
@pytest.mark.parametrize("args", SCREENS, ids=" ".join)
def test_every_screen_fits_and_keeps_numbers_whole(
    narrow_ledger: Ledger, run: Callable[..., Result], columns: int, args: tuple[str, ...]
) -> None:
    lines = screen(run, columns, *args)
    assert lines
    assert_fits(lines, columns)


def test_the_call_list_keeps_each_phone_whole_at_80(
    narrow_ledger: Ledger, run: Callable[..., Result]
) -> None:
    out = "\n".join(screen(run, 80, "today"))
    # 待回访 at 80: 编号 4, 反映人 6, 电话 11, 社区 6, 问题描述 16, 答复日期 10, 答复方式 4
    # (its header wraps), 已等 9 (“4个工作日”) = 66 + 7 gaps × 2 = 80: nothing drops.
    call_list = out.split("■ 待回访")[1].split("■ ")[0]
    assert "13812345678" in call_list and "李凤金" in call_list
    assert "答复" in call_list and "方式" in call_list


def header(lines: list[str]) -> list[str]:
    return lines[0].split()


def test_list_drops_category_then_community_at_80(
    narrow_ledger: Ledger, run: Callable[..., Result]
) -> None:
    # Narrowest widths: 编号 4 (header), 状态 8 (不予办理), 社区 6, 问题描述 20, 类别 4,
    # 承办单位 8, 办理时限 10, 督办 16 (严重超期10工作日) = 76 + 7 gaps × 2 = 90 > 80.
    # Without 类别 (drop 1): 84 > 80; without 社区 (drop 2) as well: 76 ≤ 80.
    lines = screen(run, 80, "list")
    assert header(lines) == ["编号", "状态", "问题描述", "承办单位", "办理时限", "督办"]
    assert lines[-1] == "屏幕较窄，未显示：类别、社区（ledger list --wide 显示全部列）"
    # 120 columns hold all 90 cells of the narrowest layout: nothing drops.
    wide = screen(run, 120, "list")
    assert header(wide) == [
        "编号",
        "状态",
        "社区",
        "问题描述",
        "类别",
        "承办单位",
        "办理时限",
        "督办",
    ]
    assert "未显示：" not in "\n".join(wide)
    # --wide shows every column and every name in full, however narrow the screen.
    full = screen(run, 80, "list", "--wide")
    assert header(full) == header(wide)
    assert LONG_UNIT in "\n".join(full) and "铁塔寺社区" in "\n".join(full)


def test_names_are_abbreviated_by_the_stated_rule(
    narrow_ledger: Ledger, run: Callable[..., Result]
) -> None:
    assert layout.abbreviate("铁塔寺社区", 10) == "铁塔寺社区"  # fits: whole
    assert layout.abbreviate("铁塔寺社区", 6) == "铁塔寺"  # the level word goes
    assert layout.abbreviate("济阳街道", 4) == "济阳"
    assert layout.abbreviate("新兴小区西区", 8) == "新兴小…"  # not a suffix: cut with …
    assert layout.abbreviate(LONG_UNIT, 12) == "铁塔寺小区…"  # 5 characters + … = 11 cells
    out = "\n".join(screen(run, 80, "list"))
    assert LONG_UNIT not in out  # 26 cells do not fit beside the rest at 80
    # After 类别 and 社区 leave, 4 cells are left over; the unit column takes them (8 → 12):
    # 5 characters and … (11 cells).
    assert "铁塔寺小区…" in out


def test_today_drops_progress_first_at_80(
    narrow_ledger: Ledger, run: Callable[..., Result]
) -> None:
    # 督办 table narrowest: 编号 4, 督办 16, 承办单位 8, 社区 6, 问题描述 16, 办理时限 10,
    # 进度 14 (▇▇▇▇▇▇░░░░ 60%) = 74 + 6 gaps × 2 = 86 > 80 → 进度 (drop 1) leaves: 70.
    lines = screen(run, 80, "today")
    table_head = next(line for line in lines if line.startswith("编号  督办"))
    assert table_head.split() == ["编号", "督办", "承办单位", "社区", "问题描述", "办理时限"]
    assert "▇" not in "\n".join(lines[: lines.index(table_head) + 8])
    wide = screen(run, 120, "today")
    head = next(line for line in wide if line.startswith("编号  督办"))
    assert head.split()[-1] == "进度"
    assert "▇▇▇▇▇▇░░░░ 60%" in "\n".join(wide)


def test_stats_keeps_every_column_and_the_score_at_80(
    narrow_ledger: Ledger, run: Callable[..., Result]
) -> None:
    lines = screen(run, 80, "stats", "--month", "2026-11")
    assert any(line.rstrip().endswith("得分") for line in lines)  # 综合得分, header wrapped
    assert not any("未显示" in line for line in lines)


def test_wrap_never_splits_a_date_or_a_phone() -> None:
    # 办理时限： is 10 cells; the date (10) does not fit beside it in 14, so it moves down whole.
    assert layout.wrap("办理时限：2026-10-13；规模：大事", 14) == [
        "办理时限：",
        "2026-10-13；规",
        "模：大事",
    ]
    assert layout.wrap("反映人 李秀英 13625371234", 16) == ["反映人 李秀英", "13625371234"]


def test_a_date_only_event_time_is_shown_as_the_date() -> None:
    assert show_view.event_time("2026-06-24") == "2026-06-24"
    assert show_view.event_time("2026-06-24T20:30:00") == "2026-06-24 20:30"


# --- list: bounded by default, streamed JSON ------------------------------------------------


def test_list_shows_the_setting_number_and_says_how_to_see_more(
    narrow_ledger: Ledger, run: Callable[..., Result]
) -> None:
    assert run("config", "set", "list_limit", "3").exit_code == 0
    lines = screen(run, 120, "list")
    # 11 items are not filed (12 of 13 are open or waiting; 11 is closed): 3 shown, 9 more.
    rows = [line for line in lines[2:] if re.match(r"\s*\d+\s", line)]
    assert [int(line.split()[0]) for line in rows] == [1, 6, 5]  # most urgent first
    assert "共 12 条，另有 9 条未显示：--limit N" in "\n".join(lines)
    everything = screen(run, 120, "list", "--limit", "0")
    assert everything[-1] == "共 12 条"
    data = json.loads(run("list", "--json").stdout)
    assert data["total"] == 12 and len(data["items"]) == 3


def test_json_without_a_terminal_is_compact_and_jsonl_is_one_per_line(
    narrow_ledger: Ledger, run: Callable[..., Result]
) -> None:
    out = run("list", "--all", "--json").stdout
    assert out.count("\n") == 1  # one line: compact, for a program reading a pipe
    data = json.loads(out)
    assert data["total"] == 13 and len(data["items"]) == 13
    lines = run("list", "--all", "--jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == data["items"]


def test_indented_json_is_streamed_exactly_as_json_dumps_would_write_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(output, "_json_indent", lambda: 2)
    rows = [{"number": 1, "title": "楼道灯", "tags": [1, 2]}, {"number": 2, "title": None}]
    output.emit_json_stream({"total": 2}, "items", iter(rows))
    expected = {"total": 2, "items": rows}
    assert capsys.readouterr().out == json.dumps(expected, ensure_ascii=False, indent=2) + "\n"
    output.emit_json_stream({"total": 0}, "items", iter([]))
    assert capsys.readouterr().out == json.dumps({"total": 0, "items": []}, indent=2) + "\n"


def test_no_wrapped_line_starts_with_closing_punctuation() -> None:
    from ledger.cli.layout import wrap

    # Five characters fill a 10-cell line; the ； may not open the next one.
    assert wrap("一二三四五；六", 10) == ["一二三四", "五；六"]
    assert wrap("一二三四五六七", 10) == ["一二三四五", "六七"]
    assert wrap("说明：受理数为本期反映的问题，按来源分列。", 12) == [
        "说明：受理数",
        "为本期反映的",
        "问题，按来源",
        "分列。",
    ]
    # A closing mark that fits, then one that does not: both go down, with a character.
    assert wrap("一二三四）；五", 10) == ["一二三", "四）；五"]
    # A number is never split to keep a mark company: 12345 goes down whole.
    assert wrap("一二三12345）", 10) == ["一二三", "12345）"]


def test_meeting_list_is_one_line_per_meeting_at_80(
    narrow_ledger: Ledger, run: Callable[..., Result]
) -> None:
    """Kinds and dates never wrap; names are abbreviated (铁塔寺社区 → 铁塔寺), the 小区
    column goes first and then the host on a narrow screen, said below the table."""
    ledger = narrow_ledger
    from ledger.registry import meetings

    meetings.add(
        ledger,
        kind="shuoshi",
        held_on=date(2026, 11, 21),
        community="铁塔寺社区",
        compound="铁塔寺小区",
        host="古槐街道党工委书记 韩冬梅",
        attendees=36,
    )
    count = len(meetings.find_all(ledger))
    lines = screen(run, 80, "meeting", "list")
    assert_fits(lines, 80)
    rows = [line for line in lines if re.match(r"\s*\d+\s+2026-", line)]
    assert len(rows) == count
    assert all("每周夜话" in row or "拉呱说事" in row for row in rows)
    assert any("铁塔寺 " in row for row in rows)
    wide = screen(run, 120, "meeting", "list")
    newest = next(line for line in wide if re.match(r"\s*\d+\s+2026-", line))
    assert "拉呱说事  铁塔寺社区  铁塔寺小区" in newest  # 120 columns: names in full
