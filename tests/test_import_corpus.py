"""Eight legacy layouts (tests/legacy_layouts.py) imported, each row checked against what a
clerk reads in the sheet: written by hand below, never taken from the importer's output.

The clock is Thursday 2026-11-26. Due dates are three working days after the day raised
(small matters) unless the sheet gives one; none of the weeks involved has a public holiday
(端午 2026 is Fri 6-19, 中秋 Fri 9-25, 国庆 10-01…10-07 are outside every count below).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import legacy_layouts
from import_fixtures import assert_rows_replay, count, history, items, prepare
from ledger.io.importer import ImportRefused, import_items
from ledger.registry import meetings
from ledger.store.ledger_file import Ledger

# title: (status, raised, due, phone, rating, meeting date, source)
Row = tuple[str, str, str, str | None, str | None, str | None, str]

EXPECTED: dict[str, dict[str, Row]] = {
    "monthly_sheets": {
        # 6.3 is the number Excel keeps for “6.3”: 6月3日; the year is in the sheet's title.
        # Wed 6-03 + 3 working days: Thu 4, Fri 5, Mon 8.
        "楼道灯不亮": ("resolved", "2026-06-03", "2026-06-08", "15612345678", None, None, "other"),
        # 协调中 in the result column, nothing in 状态: handled, not finished.
        "垃圾桶满溢": ("assigned", "2026-06-12", "2026-06-17", "13905371234", None, None, "other"),
        "路面塌陷": ("resolved", "2026-07-01", "2026-07-06", "13812345670", None, None, "other"),
        "车位被占": ("raised", "2026-07-08", "2026-07-13", None, None, None, "other"),
    },
    "two_row_header": {
        "小区路灯不亮": ("closed", "2026-08-03", "2026-08-06", "13563712345", "satisfied", None, "other"),
        # 不满意 and nothing says it was filed: 重办 from the rating's day, Wed 8-12, due
        # Thu 13, Fri 14, Mon 17.
        "下水道堵塞返味": ("assigned", "2026-08-10", "2026-08-17", "0537-2231234", "unsatisfied", None, "other"),
    },
    "meeting_minutes": {
        # Rows without a date take their meeting's; the book is a 每周夜话 book.
        "1号楼单元门禁损坏": ("assigned", "2026-06-03", "2026-06-08", "13812345678", None, "2026-06-03", "night_talk"),
        "2号楼下水道返味": ("resolved", "2026-06-03", "2026-06-08", "15612345678", None, "2026-06-03", "night_talk"),
        # Wed 6-10: Thu 11, Fri 12, Mon 15. Settled on the spot (no unit).
        "楼道堆放杂物": ("resolved", "2026-06-10", "2026-06-15", None, None, "2026-06-10", "night_talk"),
    },
    "status_in_result": {
        "绿化带缺损": ("assigned", "2026-09-01", "2026-09-04", None, None, None, "other"),
        "健身器材损坏": ("raised", "2026-09-02", "2026-09-07", None, None, None, "other"),
        "广场舞噪音": ("declined", "2026-09-03", "2026-09-08", None, None, None, "other"),
        # 暂缓办理: postponed, still open with its unit.
        "违章搭建": ("assigned", "2026-09-04", "2026-09-09", None, None, None, "other"),
        "路灯不亮": ("resolved", "2026-09-07", "2026-09-10", None, None, None, "other"),
        "楼顶漏水": ("replied", "2026-09-08", "2026-09-11", None, None, None, "other"),
        # 已更换井盖: a result, but no 办结 date, reply or rating shows it was finished.
        "井盖松动": ("assigned", "2026-09-09", "2026-09-14", None, None, None, "other"),
    },
    "gb18030_csv": {
        # 已答复，待回访: told, not yet rated. Due 10月12日前 in the raised year.
        "单元门锁坏了": ("replied", "2026-10-08", "2026-10-12", "13905371235", None, None, "other"),
        # 10.9 has no year; the file's other row is of 2026.
        "楼道扶手松动": ("assigned", "2026-10-09", "2026-10-16", "0537-2256789", None, None, "other"),
    },
    "column_c_hidden": {
        "小区门口占道经营": ("closed", "2026-10-13", "2026-10-16", "13563712345", "satisfied", None, "other"),
        # 46315 = 2026-10-20 (Tue): Wed 21, Thu 22, Fri 23. 5372256789 lost its 0. The hidden
        # 联系电话 (D) and 办理状态 (O, 已办结) are not read: the phone is 来电号码's, and the
        # matter, handed to 住建局 and not finished, is 办理中.
        "夜间施工噪音": ("assigned", "2026-10-20", "2026-10-23", "0537-2256789", None, None, "other"),
    },
    "totals_and_signatures": {
        "小区消防通道被占": ("closed", "2026-05-12", "2026-05-15", "13705379876", "satisfied", None, "other"),
        # Wed 5-20: Thu 21, Fri 22, Mon 25.
        "路灯杆倾斜": ("closed", "2026-05-20", "2026-05-25", None, "basically", None, "other"),
        "楼道小广告": ("resolved", "2026-05-26", "2026-05-29", "13812340000", None, None, "other"),
    },
    "wps_export": {
        # The sheet is a 拉呱说事 register: its items are 说事 items.
        "电梯异响": ("raised", "2026-11-02", "2026-11-05", "15612345678", None, None, "shuoshi"),
        "小区大门道闸故障": ("resolved", "2026-11-03", "2026-11-06", "13612345678", None, None, "shuoshi"),
    },
}  # fmt: skip


@pytest.fixture
def lg(ledger: Ledger) -> Ledger:
    return prepare(ledger)


def as_read(ledger: Ledger) -> dict[str, Row]:
    held = dict(ledger.conn.execute("SELECT id, held_on FROM meetings").fetchall())
    return {
        i["title"]: (
            i["status"], i["raised_on"], i["due_on"], i["phone"], i["rating"],
            held.get(i["meeting_id"]), i["source"],
        )
        for i in items(ledger)
    }  # fmt: skip


def test_the_corpus_has_eight_layouts() -> None:
    assert set(legacy_layouts.LAYOUTS) == set(EXPECTED) and len(EXPECTED) >= 8


@pytest.mark.parametrize("layout", list(EXPECTED))
def test_each_layout_reads_as_the_clerk_reads_it(lg: Ledger, tmp_path: Path, layout: str) -> None:
    path = legacy_layouts.LAYOUTS[layout](tmp_path)
    report = import_items(lg, path)
    assert report.problems == []
    assert as_read(lg) == EXPECTED[layout]
    assert report.new == len(EXPECTED[layout])
    assert assert_rows_replay(lg) == len(EXPECTED[layout])
    # Again: nothing new, no second meeting.
    meetings_before = count(lg, "meetings")
    again = import_items(lg, path)
    assert (again.new, again.existing) == (0, len(EXPECTED[layout]))
    assert count(lg, "meetings") == meetings_before


def test_minutes_make_their_meetings(lg: Ledger, tmp_path: Path) -> None:
    report = import_items(lg, legacy_layouts.meeting_minutes(tmp_path))
    rows = lg.conn.execute(
        "SELECT number, kind, held_on, host, attendees FROM meetings ORDER BY number"
    ).fetchall()
    assert rows == [
        (1, "night_talk", "2026-06-03", "李建忠", 23),
        (2, "night_talk", "2026-06-10", "李建忠", 18),
    ]
    assert [(m["held_on"], m["items"], m["existing"]) for m in report.meetings] == [
        ("2026-06-03", 2, False),
        ("2026-06-10", 1, False),
    ]
    # 正在办理，已联系厂家: 办理中, and the text is kept as its progress.
    assert [(a, c.get("last_progress")) for a, _, c in history(lg, 1)][-1] == (
        "progress",
        "正在办理，已联系厂家",
    )


def test_minutes_find_a_meeting_already_in_the_ledger(lg: Ledger, tmp_path: Path) -> None:
    typed = meetings.add(
        lg, kind="night_talk", held_on=date(2026, 6, 3), community="铁塔寺社区", host="李建忠"
    )
    import_items(lg, legacy_layouts.meeting_minutes(tmp_path))
    assert count(lg, "meetings") == 2  # 6-03 matched, 6-10 made
    on_third = [i["number"] for i in items(lg) if i["meeting_id"] == typed["id"]]
    assert on_third == [1, 2]


def test_dry_run_says_how_each_status_was_decided(lg: Ledger, tmp_path: Path) -> None:
    report = import_items(lg, legacy_layouts.status_in_result(tmp_path), dry_run=True)
    # 6 rows name their status in 办理结果; 已更换井盖 names none and nothing shows 办结.
    assert dict(report.by_rule) == {"result_word": 6, "result_open": 1}
    assert count(lg, "items") == 0


def test_unsatisfied_is_sent_back_with_its_rating_and_note(lg: Ledger, tmp_path: Path) -> None:
    import_items(lg, legacy_layouts.two_row_header(tmp_path))
    steps = history(lg, 2)
    assert [s[0] for s in steps] == ["add", "assign", "resolve", "reply", "reopen"]
    assert steps[-1][2] == {
        "due_on": "2026-08-17",
        "rating": "unsatisfied",
        "reopen_count": 1,
        "replied_on": None,
        "reply_text": None,
        "resolved_on": None,
        "result": None,
        "status": "assigned",
    }
    note = lg.conn.execute("SELECT note FROM events WHERE action = 'reopen'").fetchone()[0]
    assert note == "仍在返味"
    [item] = [i for i in items(lg) if i["number"] == 2]
    assert (item["unit"], item["reopen_count"]) == ("住建局", 1)


def test_the_rest_of_the_sheet_is_skipped_not_refused(lg: Ledger, tmp_path: Path) -> None:
    report = import_items(lg, legacy_layouts.totals_and_signatures(tmp_path))
    # 合计：3件; 填表人/审核人; 社区书记（签字）：…（盖章）.
    assert (report.skipped["total"], report.skipped["footer"]) == (1, 2)


def test_an_extra_column_is_named_not_imported(lg: Ledger, tmp_path: Path) -> None:
    report = import_items(lg, legacy_layouts.wps_export(tmp_path))
    assert report.unused == {"拉呱说事问题登记": ["操作"]}


def test_open_items_keep_their_text_as_progress(lg: Ledger, tmp_path: Path) -> None:
    import_items(lg, legacy_layouts.status_in_result(tmp_path))
    by_title = {i["title"]: i for i in items(lg)}
    assert by_title["井盖松动"]["last_progress"] == "已更换井盖"
    assert by_title["井盖松动"]["result"] is None
    assert by_title["广场舞噪音"]["result"] == "不予办理（不属于社区职责）"
    # 未交办 with nobody named: the text stays on the registration.
    note = lg.conn.execute(
        "SELECT e.note FROM events e JOIN items i ON i.id = e.item_id "
        "WHERE i.title = '健身器材损坏' AND e.action = 'add'"
    ).fetchone()[0]
    assert note == "导入自 古槐街道诉求汇总.xlsx 第3行；办理情况：未交办"


def test_a_bad_row_of_a_meeting_goes_to_the_fix_file_under_its_meeting(
    lg: Ledger, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    path = legacy_layouts.meeting_minutes(tmp_path)
    book = load_workbook(path)
    book.active["C7"] = "138****1234"  # 孙立华's phone, masked: that row cannot be imported
    book.save(path)
    report = import_items(lg, path, skip_bad=True, bad_file=tmp_path / "待修正.xlsx")
    assert (report.new, report.bad_rows) == (2, 1)
    fix = load_workbook(tmp_path / "待修正.xlsx").active
    cells = [[c.value for c in row] for row in fix.iter_rows()]
    # The sheet's title (community and year), the header, the meeting's line alone in its
    # row, then the bad row as it was.
    assert [row[0] for row in cells[:3]] == [
        "铁塔寺社区2026年每周夜话问题记录",
        "序号",
        "6月10日 每周夜话 主持人：李建忠 参会18人",
    ]
    assert set(cells[2][1:]) == {None}
    assert cells[3][:7] == [3, "孙立华", "138****1234", "楼道堆放杂物", None, "当场清理", "6.10"]
    # The clerk writes the number in full; the row joins the meeting of 6-10 made before.
    fix["C4"] = "13812345679"
    fix.parent.save(tmp_path / "待修正.xlsx")
    again = import_items(lg, tmp_path / "待修正.xlsx")
    assert again.new == 1 and again.problems == []
    assert count(lg, "meetings") == 2
    assert as_read(lg)["楼道堆放杂物"] == (
        "resolved", "2026-06-10", "2026-06-15", "13812345679", None, "2026-06-10", "night_talk",
    )  # fmt: skip


def test_a_lone_text_naming_a_talk_but_no_meeting_is_a_row(lg: Ledger, tmp_path: Path) -> None:
    from import_fixtures import xlsx

    rows = [
        ["反映时间", "社区", "问题描述"],
        ["2026-03-02", "铁塔寺社区", "楼道灯不亮"],
        # Only a title, in a row of its own: 夜话 named, but no date, host or attendance.
        [None, None, "夜话上提的路灯问题"],
    ]
    with pytest.raises(ImportRefused) as refused:
        import_items(lg, xlsx(tmp_path / "t.xlsx", rows))
    # Read as a row, so its empty cells are reported (it does not vanish, nor start a meeting).
    assert [(p.row, p.message) for p in refused.value.report.problems] == [
        (3, "反映日期为空"),
        (3, "社区为空（可用 --community 指定默认社区）"),
    ]


def test_a_dry_run_of_minutes_makes_no_meeting(lg: Ledger, tmp_path: Path) -> None:
    report = import_items(lg, legacy_layouts.meeting_minutes(tmp_path), dry_run=True)
    assert [m["held_on"] for m in report.meetings] == ["2026-06-03", "2026-06-10"]
    assert (count(lg, "meetings"), count(lg, "items")) == (0, 0)


def test_a_meeting_line_without_a_date_is_reported(lg: Ledger, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = legacy_layouts.meeting_minutes(tmp_path)
    book = load_workbook(path)
    book.active["A6"] = "每周夜话 主持人：李建忠 参会18人"  # the clerk forgot the date
    book.save(path)
    with pytest.raises(ImportRefused) as refused:
        import_items(lg, path)
    problems = [(p.row, p.column, p.message) for p in refused.value.report.problems]
    # The line itself, and its one row, which now has no date to take.
    assert problems == [
        (6, "会议行", "会议行“每周夜话 主持人：李建忠 参会18人”没有写日期"
         "（如“6月3日 每周夜话 主持人：李建忠 参会23人”）"),
        (7, "反映日期", "反映日期为空"),
    ]  # fmt: skip
    assert count(lg, "meetings") == 0
