"""Status words become the lifecycle, and the history is recreated as events dated from the
sheet's columns — so imported items count in past months' reports exactly as items kept in
the ledger from the start would.

Dates are in March 2026 (no public holidays). A backdated item starts at 00:00:00 of the day
it was raised; every later step is at 23:59:59 of its day, as ``--at DATE`` records it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from import_fixtures import assert_rows_replay, history, items, prepare, xlsx
from ledger.casework import actions as item_service
from ledger.domain.dates import END_OF_DAY
from ledger.io.importer import import_items
from ledger.store.ledger_file import Ledger, open_ledger

HEADER = [
    "反映时间",
    "社区",
    "问题描述",
    "责任单位",
    "办理情况",
    "办结日期",
    "答复日期",
    "满意度",
    "状态",
]
D = datetime  # a date cell


def start(day: str) -> str:
    """A sheet gives days: the event is stored as that day, with no invented clock time."""
    return f"2026-03-{day}"


end = start


# (状态, 责任单位, 办理情况, 办结日期, 答复日期, 满意度) → status, rating, [(action, at)]
CASES: list[tuple[tuple[Any, ...], str, str | None, list[tuple[str, str]]]] = [
    (("待分办", None, None, None, None, None), "raised", None, [("add", start("05"))]),
    (
        ("办理中", "住建局", "正在协调施工队", None, None, None),
        "assigned",
        None,
        # 交办 without a date: the day raised; the 办理情况 of an open item is its progress.
        [("add", start("05")), ("assign", end("05")), ("progress", end("05"))],
    ),
    (
        ("已办结", "住建局", "已修复", D(2026, 3, 9), None, None),
        "resolved",
        None,
        [("add", start("05")), ("assign", end("05")), ("resolve", end("09"))],
    ),
    (
        ("不予办理", "住建局", "不属于受理范围", D(2026, 3, 6), D(2026, 3, 9), None),
        "replied",
        None,
        [("add", start("05")), ("assign", end("05")), ("decline", end("06")), ("reply", end("09"))],
    ),
    (
        ("已回复", None, "当场解决", D(2026, 3, 5), D(2026, 3, 6), None),
        "replied",
        None,
        # No unit: settled on the spot (小事马上办), straight from 待分办.
        [("add", start("05")), ("resolve", end("05")), ("reply", end("06"))],
    ),
    (
        ("满意", "住建局", "已修复", D(2026, 3, 6), D(2026, 3, 7), None),
        "closed",
        "satisfied",
        # 满意 as a status: evaluated; no 评价日期, so the rating takes the reply's date.
        [
            ("add", start("05")),
            ("assign", end("05")),
            ("resolve", end("06")),
            ("reply", end("07")),
            ("rate", end("07")),
        ],
    ),
    (
        ("已办结", "住建局", "已修复", D(2026, 3, 6), D(2026, 3, 9), "基本满意"),
        "closed",
        "basically",
        # The status column stayed 已办结 after the resident rated it: the rating wins.
        [
            ("add", start("05")),
            ("assign", end("05")),
            ("resolve", end("06")),
            ("reply", end("09")),
            ("rate", end("09")),
        ],
    ),
    (
        ("已办结", "住建局", "已修复", D(2026, 3, 6), D(2026, 3, 9), "不满意"),
        "assigned",
        "unsatisfied",
        # 不满意, and the row does not say it was then filed: the ledger's rule, 重办.
        [
            ("add", start("05")),
            ("assign", end("05")),
            ("resolve", end("06")),
            ("reply", end("09")),
            ("reopen", end("09")),
        ],
    ),
    (
        ("已归档", "住建局", "已修复", D(2026, 3, 6), D(2026, 3, 9), "不满意"),
        "closed",
        "unsatisfied",
        # 已归档: filed with the verdict (rate --close).
        [
            ("add", start("05")),
            ("assign", end("05")),
            ("resolve", end("06")),
            ("reply", end("09")),
            ("rate", end("09")),
        ],
    ),
    (
        (None, "住建局", "正在办理，已进场勘查", None, None, None),
        "assigned",
        None,
        # A status word in the 办理情况: open, the text kept as progress.
        [("add", start("05")), ("assign", end("05")), ("progress", end("05"))],
    ),
    (
        (None, "住建局", "已更换灯头", None, None, None),
        "assigned",
        None,
        # A result without a status word and nothing showing 办结: still open.
        [("add", start("05")), ("assign", end("05")), ("progress", end("05"))],
    ),
    (
        (None, None, "协调中", None, None, None),
        "raised",
        None,
        # 协调中 with nobody named to handle it: still 待分办 (the text is kept as a note).
        [("add", start("05"))],
    ),
    (
        (None, "住建局", "不予办理（不属于物业管理范围）", None, None, None),
        "declined",
        None,
        [("add", start("05")), ("assign", end("05")), ("decline", end("05"))],
    ),
    (
        (None, "住建局", "已更换灯头", None, D(2026, 3, 9), None),
        "replied",
        None,
        # The same text with a 答复日期: the reply shows it was done first.
        [("add", start("05")), ("assign", end("05")), ("resolve", end("09")), ("reply", end("09"))],
    ),
    (
        (None, "住建局", "已解决", None, None, "已答复，待回访"),
        "replied",
        None,
        # 已答复，待回访 in the rating column: told, not yet rated.
        [("add", start("05")), ("assign", end("05")), ("resolve", end("05")), ("reply", end("05"))],
    ),
    (
        ("已归档", "住建局", "已修复", D(2026, 3, 6), D(2026, 3, 6), None),
        "closed",
        None,
        [
            ("add", start("05")),
            ("assign", end("05")),
            ("resolve", end("06")),
            ("reply", end("06")),
            ("close", end("06")),
        ],
    ),
    (
        ("已办结", "住建局", None, None, D(2026, 3, 10), None),
        "replied",
        None,
        # A 答复日期 means it was replied to; the 办结 without a date takes the next later
        # date of the row, the reply's.
        [("add", start("05")), ("assign", end("05")), ("resolve", end("10")), ("reply", end("10"))],
    ),
    (
        (None, "住建局", "已修复", D(2026, 3, 9), None, None),
        "resolved",
        None,
        # No status column value: a 办结日期 says it was resolved.
        [("add", start("05")), ("assign", end("05")), ("resolve", end("09"))],
    ),
]


@pytest.mark.parametrize(("row", "status", "rating", "actions"), CASES, ids=[str(c[0][0]) + str(i) for i, c in enumerate(CASES)])  # fmt: skip
def test_status_words_become_the_lifecycle(
    ledger: Ledger,
    tmp_path: Path,
    row: tuple[Any, ...],
    status: str,
    rating: str | None,
    actions: list[tuple[str, str]],
) -> None:
    prepare(ledger)
    word, unit, result, resolved, replied, rated = row
    data = [D(2026, 3, 5), "铁塔寺社区", "路灯不亮", unit, result, resolved, replied, rated, word]
    report = import_items(ledger, xlsx(tmp_path / "t.xlsx", [HEADER, data]))
    assert report.problems == [] and report.new == 1
    [item] = items(ledger)
    assert (item["status"], item["rating"]) == (status, rating)
    assert [(action, at) for action, at, _ in history(ledger, 1)] == actions
    assert assert_rows_replay(ledger) == 1


def test_placeholders_when_the_sheet_says_no_more(ledger: Ledger, tmp_path: Path) -> None:
    prepare(ledger)
    data = [D(2026, 3, 5), "铁塔寺社区", "路灯不亮", None, None, None, None, "满意", "已归档"]
    import_items(ledger, xlsx(tmp_path / "t.xlsx", [HEADER, data]))
    [item] = items(ledger)
    assert (item["result"], item["reply_text"]) == (
        "（原台账未填写办理结果）",
        "（原台账未填写答复内容）",
    )
    steps = history(ledger, 1)
    assert steps[0][2] == {
        "category": "other",
        "community_id": item["community_id"],
        "due_on": "2026-03-10",  # Thu 5 + 3 working days: Fri 6, Mon 9, Tue 10
        "meeting_id": None,
        "phone": None,
        "place_id": None,
        "raised_on": "2026-03-05",
        "reporter": None,
        "scale": "small",
        "source": "other",
        "status": "raised",
        "title": "路灯不亮",
    }
    note = ledger.conn.execute("SELECT note FROM events WHERE action = 'add'").fetchone()[0]
    assert note == "导入自 t.xlsx 第2行"


def test_due_dates_as_dates_and_as_working_days(ledger: Ledger, tmp_path: Path) -> None:
    prepare(ledger)
    rows = [
        ["反映时间", "社区", "问题描述", "办理时限", "规模"],
        [D(2026, 3, 5), "铁塔寺社区", "日期", D(2026, 3, 20), None],
        [D(2026, 3, 5), "铁塔寺社区", "五个工作日", "5个工作日", None],  # Fri 6 … Thu 12
        [D(2026, 3, 5), "铁塔寺社区", "三天", "三天", None],  # Fri 6, Mon 9, Tue 10
        [D(2026, 3, 5), "铁塔寺社区", "即时", "即时", None],
        [D(2026, 3, 5), "铁塔寺社区", "数字", 2, None],  # Fri 6, Mon 9
        [D(2026, 3, 5), "铁塔寺社区", "大事默认", None, "大事"],
    ]
    import_items(ledger, xlsx(tmp_path / "t.xlsx", rows))
    due = {i["title"]: i["due_on"] for i in items(ledger)}
    # 大事: 15 working days from Thu 3-05: 6, 9–13 (6), 16–20 (11), 23–26 (15) → 2026-03-26.
    assert due == {
        "日期": "2026-03-20",
        "五个工作日": "2026-03-12",
        "三天": "2026-03-10",
        "即时": "2026-03-05",
        "数字": "2026-03-09",
        "大事默认": "2026-03-26",
    }


def test_source_category_channel_and_meeting(ledger: Ledger, tmp_path: Path) -> None:
    from ledger.registry import meetings

    prepare(ledger)
    meeting = meetings.add(
        ledger, kind="night_talk", held_on=date(2026, 3, 4), community="铁塔寺社区"
    )
    rows = [
        ["反映时间", "社区", "问题描述", "来源", "类别", "答复日期", "答复方式", "状态"],
        [D(2026, 3, 4), "铁塔寺社区", "夜话上提的", "楼长夜话", "停车", None, None, "待分办"],
        [D(2026, 3, 5), "铁塔寺社区", "热线转来的", "12345热线", "环境卫生", D(2026, 3, 6), "微信", "已回复"],
        [D(2026, 3, 5), "铁塔寺社区", "走访发现的", "入户走访", "infrastructure", None, None, "待分办"],
    ]  # fmt: skip
    import_items(ledger, xlsx(tmp_path / "t.xlsx", rows))
    got = [(i["source"], i["category"], i["reply_channel"], i["meeting_id"]) for i in items(ledger)]
    assert got == [
        ("night_talk", "parking", None, meeting["id"]),  # same community, day and kind
        ("other", "sanitation", "wechat", None),
        ("visit", "infrastructure", None, None),
    ]


# --- past months' reports -----------------------------------------------------------------

MARCH = [
    ["反映时间", "社区", "问题描述", "责任单位", "办理情况", "办结日期", "答复日期", "满意度", "状态"],
    # A: raised Mon 3-02, due Thu 3-05 (Tue 3, Wed 4, Thu 5); resolved 3-04: on time.
    [D(2026, 3, 2), "铁塔寺社区", "甲", "住建局", "已修", D(2026, 3, 4), D(2026, 3, 5), "满意", "已办结"],
    # B: raised Thu 3-05, due Tue 3-10; resolved 3-12: late. Rated 不满意 and filed.
    [D(2026, 3, 5), "铁塔寺社区", "乙", "住建局", "已修", D(2026, 3, 12), D(2026, 3, 13), "不满意", "已归档"],
    # C: raised Mon 3-16, due Thu 3-19; still 办理中: overdue at the end of March.
    [D(2026, 3, 16), "铁塔寺社区", "丙", "住建局", "协调中", None, None, None, "办理中"],
    # D: raised Mon 3-30, due Thu 4-02 (Tue 31, Wed 4-01, Thu 4-02); resolved 4-01.
    [D(2026, 3, 30), "铁塔寺社区", "丁", "住建局", "已修", D(2026, 4, 1), D(2026, 4, 2), "满意", "已办结"],
]  # fmt: skip


def _figures(run: Callable[..., Result], db: Path, month: str) -> dict[str, Any]:
    result = run("stats", "--month", month, "--json", "--db", db)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    [古槐] = [s for s in data["subdistricts"] if s["subdistrict"] == "古槐街道"]
    return dict(古槐["figures"])


def test_imported_items_count_in_past_months(
    ledger: Ledger, tmp_path: Path, run: Callable[..., Result]
) -> None:
    prepare(ledger)
    import_items(ledger, xlsx(tmp_path / "march.xlsx", MARCH))
    path = ledger.path
    assert path is not None
    ledger.close()
    march = _figures(run, path, "2026-03")
    # Raised in March: A, B, C, D = 4. By 3-31: finished A, B (2); on time A (1);
    # replied A, B (2); rated A, B (2) of which 满意 A (1), 不满意 B (1); overdue C (1).
    assert {k: march[k] for k in ("raised", "finished", "on_time", "replied", "rated")} == {
        "raised": 4, "finished": 2, "on_time": 1, "replied": 2, "rated": 2,
    }  # fmt: skip
    assert (march["satisfied"], march["unsatisfied"], march["overdue"]) == (1, 1, 1)
    april = _figures(run, path, "2026-04")
    # Carried into April: C and D (raised in March, open on 4-01 00:00); D finished in April.
    assert (april["raised"], april["carried"], april["carried_finished"]) == (0, 2, 1)


def test_same_figures_as_items_kept_in_the_ledger_from_the_start(
    tmp_path: Path, run: Callable[..., Result]
) -> None:
    """The March sheet imported, and the same matters typed in through the core as they
    happened (each step backdated): every figure of March and April is the same."""
    imported = prepare(open_ledger(tmp_path / "imported.db", create=True))
    import_items(imported, xlsx(tmp_path / "march.xlsx", MARCH))
    imported.close()
    typed = prepare(open_ledger(tmp_path / "typed.db", create=True))

    def at(day: datetime) -> datetime:
        return datetime.combine(day.date(), END_OF_DAY)

    for raised, _, title, unit, result, resolved, replied, rating, _status in MARCH[1:]:
        number = item_service.add(
            typed, title, community="铁塔寺社区", raised_on=raised.date(), source="other"
        ).item["number"]
        item_service.assign(typed, number, unit, at=at(raised))
        if resolved is None:
            item_service.progress(typed, number, result, at=at(raised))
            continue
        item_service.resolve(typed, number, result, at=at(resolved))
        item_service.reply(typed, number, "（原台账未填写答复内容）", at=at(replied))
        item_service.rate(typed, number, rating, close=True, at=at(replied))
    typed.close()
    for month in ("2026-03", "2026-04"):
        assert _figures(run, tmp_path / "imported.db", month) == _figures(
            run, tmp_path / "typed.db", month
        )
