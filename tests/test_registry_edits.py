"""Registry edits as events: unit rename/edit, area rename, meeting edit (issue 12).

Each change is one event with the old and new values, shown by the ``show`` of that unit,
place or meeting; a name that collides is refused with one line and the ledger unchanged;
old names are still found (search, the name resolver); reports of an earlier month show the
names and meetings as they were at its cut-off.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import Result

from cli_helpers import monthly_book, refused
from ledger.casework import actions
from ledger.registry import areas as place_service
from ledger.registry import edits as registry_edits
from ledger.registry import meetings, units
from ledger.store.ledger_file import Ledger, open_memory
from ledger.views import rows

Run = Callable[..., Result]


# --- units ----------------------------------------------------------------------------------


def test_unit_rename_is_an_event_shown_by_unit_show(places: Ledger, run: Run) -> None:
    result = run("unit", "rename", "住建局", "任城区住房和城乡建设局", "--at", "2026-11-02",
                 "--note", "机构改革")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "已更名：住建局 → 任城区住房和城乡建设局（2026-11-02 起）" in result.stdout
    row = places.conn.execute(
        "SELECT entity, action, at, actor, note, changes FROM registry_events"
    ).fetchall()
    assert row == [
        ("unit", "rename", "2026-11-02", "测试员", "机构改革",
         '{"name": ["住建局", "任城区住房和城乡建设局"]}'),
    ]  # fmt: skip
    shown = run("unit", "show", "任城区住房和城乡建设局").stdout
    assert "曾用名    住建局" in shown
    assert (
        "  2026-11-02 更名：住建局 → 任城区住房和城乡建设局\n"
        "    测试员 2026-11-26 09:00 录入；机构改革\n"
    ) in shown


def test_a_unit_is_still_found_by_its_old_name(places: Ledger, run: Run) -> None:
    units.rename(places, "扈师傅维修队", "扈师傅志愿维修队")
    actions.add(places, "楼道灯不亮", community="铁塔寺社区")
    result = run("assign", "1", "扈师傅维修队")  # the old name, as the clerk remembers it
    assert result.exit_code == 0, result.output
    assert run("show", "1", "--json").stdout.count("扈师傅志愿维修队") >= 1
    assert units.find(places, "扈师傅维修队")["name"] == "扈师傅志愿维修队"


def test_unit_rename_to_a_taken_name_is_refused_and_changes_nothing(
    places: Ledger, run: Run, db_path: Path, snapshot: Callable[[Path], dict]
) -> None:
    units.add(places, "维修队", "志愿队", area="古槐街道")
    before = snapshot(db_path)
    line = refused(run("unit", "rename", "扈师傅维修队", "市住建局"))
    assert line == "错误: 已有承办单位叫“市住建局”，不能重名"
    # An unscoped unit against one of a subdistrict with the same name: confusable too.
    assert refused(run("unit", "rename", "扈师傅维修队", "维修队")) == (
        "错误: 已有承办单位叫“维修队”（任城区/古槐街道），不能重名"
    )
    line = refused(run("unit", "rename", "住建局", "住建局"))
    assert line == "错误: 承办单位“住建局”已经叫这个名称"
    assert snapshot(db_path) == before


def test_units_of_two_subdistricts_may_share_a_name(places: Ledger, run: Run) -> None:
    units.add(places, "物业公司", "物业", area="古槐街道")
    units.add(places, "新兴物业", "物业", area="济阳街道")
    result = run("unit", "rename", "新兴物业", "物业公司")
    assert result.exit_code == 0, result.output
    assert units.find(places, "济阳街道/物业公司")["area"] == "任城区/济阳街道"


def test_unit_edit_records_old_and_new_values(places: Ledger, run: Run) -> None:
    result = run("unit", "edit", "住建局", "--phone", "0537-7654321", "--contact", "李明")
    assert result.exit_code == 0, result.output
    assert "联系人 （空） → 李明，电话 0537-1234567 → 0537-7654321" in result.stdout
    unit = units.find(places, "住建局")
    assert (unit["phone"], unit["contact"]) == ("0537-7654321", "李明")
    data = json.loads(run("unit", "show", "住建局", "--json").stdout)
    assert data["phone"] == "0537-7654321"
    assert [event["changes"] for event in data["history"]] == [
        {"contact": [None, "李明"], "phone": ["0537-1234567", "0537-7654321"]}
    ]
    # The same values again: nothing changes, nothing is recorded.
    again = run("unit", "edit", "住建局", "--phone", "0537-7654321")
    assert again.exit_code == 0 and "没有变化" in again.stdout
    assert places.conn.execute("SELECT count(*) FROM registry_events").fetchone()[0] == 1
    assert refused(run("unit", "edit", "住建局")).startswith("错误: 请指定要修改的内容")
    assert refused(run("unit", "edit", "住建局", "--kind", "银行")).startswith("错误: ")


def test_a_change_dated_before_the_previous_one_is_refused(places: Ledger, run: Run) -> None:
    assert run("unit", "rename", "住建局", "住建局一", "--at", "2026-11-20").exit_code == 0
    line = refused(run("unit", "rename", "住建局一", "住建局二", "--at", "2026-11-10"))
    assert "早于这一条的上次修改（2026-11-20）" in line
    line = refused(run("unit", "rename", "住建局一", "住建局二", "--at", "2026-12-01"))
    assert "晚于今天" in line


# --- places -----------------------------------------------------------------------------------


def test_area_rename_moves_the_paths_below_and_keeps_the_old_name_findable(
    places: Ledger, run: Run
) -> None:
    actions.add(places, "电梯异响", community="铁塔寺社区", compound="铁塔寺小区", building="A8楼")
    result = run("area", "rename", "铁塔寺小区", "铁塔新苑", "--at", "2026-11-20")
    assert result.exit_code == 0, result.output
    assert "已更名小区：任城区/古槐街道/铁塔寺社区/铁塔寺小区" in result.stdout
    paths = [row[0] for row in places.conn.execute("SELECT path FROM areas ORDER BY path")]
    assert "任城区/古槐街道/铁塔寺社区/铁塔新苑/A8楼" in paths
    assert not [path for path in paths if "铁塔寺小区" in path]
    # The old name: in --compound, in search, in area show.
    listed = json.loads(run("list", "--compound", "铁塔寺小区", "--json").stdout)
    assert [item["number"] for item in listed["items"]] == [1]
    found = json.loads(run("search", "铁塔寺小区", "--json").stdout)
    assert [item["number"] for item in found["items"]] == [1]
    assert [
        i["number"] for i in json.loads(run("search", "铁塔新苑", "--json").stdout)["items"]
    ] == [1]
    shown = run("area", "show", "铁塔寺小区").stdout
    assert "小区：铁塔新苑" in shown and "曾用名  铁塔寺小区" in shown
    assert "2026-11-20 更名：铁塔寺小区 → 铁塔新苑" in shown
    assert run("check").exit_code == 0  # the search index agrees with the renamed places


def test_community_renamed_is_found_by_old_name_and_pinyin(places: Ledger, run: Run) -> None:
    place_service.rename(places, "铁塔寺社区", "铁塔寺街区")
    assert place_service.find(places, "铁塔寺社区", "community")["name"] == "铁塔寺街区"
    assert place_service.find(places, "ttsjq", "community")["name"] == "铁塔寺街区"
    added = run("add", "路灯不亮", "--community", "铁塔寺社区", "--new")
    assert added.exit_code == 0, added.output
    assert rows.get(places, 1)["community"] == "铁塔寺街区"


def test_area_rename_collision_is_refused(
    places: Ledger, run: Run, db_path: Path, snapshot: Callable[[Path], dict]
) -> None:
    place_service.add_path(places, "任城区/古槐街道/铁塔寺社区/幸福小区")
    before = snapshot(db_path)
    line = refused(run("area", "rename", "幸福小区", "铁塔寺小区"))
    assert line == "错误: 同一上级下已有小区“任城区/古槐街道/铁塔寺社区/铁塔寺小区”，不能重名"
    assert refused(run("area", "rename", "幸福小区", "甲/乙")).startswith("错误: 新名称")
    assert snapshot(db_path) == before


# --- meetings -------------------------------------------------------------------------------


def test_meeting_edit_is_an_event_shown_by_meeting_show(places: Ledger, run: Run) -> None:
    meetings.add(places, kind="夜话", held_on=date(2026, 11, 4), community="铁塔寺社区",
                 host="李建忠", attendees=20)  # fmt: skip
    result = run("meeting", "edit", "1", "--attendees", "23", "--date", "2026-11-03",
                 "--compound", "铁塔寺小区", "--reason", "签到表核对")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (
        "参与人次 20 → 23，日期 2026-11-04 → 2026-11-03，小区 （空） → 铁塔寺小区" in result.stdout
    )
    meeting = meetings.get(places, 1)
    assert (meeting["held_on"], meeting["attendees"], meeting["place"]) == (
        "2026-11-03",
        23,
        "铁塔寺小区",
    )
    shown = run("meeting", "show", "1").stdout
    assert "修改记录 1 条" in shown and "签到表核对" in shown
    history = json.loads(run("meeting", "show", "1", "--json").stdout)["history"]
    assert history[0]["changes"]["attendees"] == [20, 23]
    assert refused(run("meeting", "edit", "1", "--date", "2026-12-01")).startswith(
        "错误: 会议日期 2026-12-01 晚于今天"
    )
    assert refused(run("meeting", "edit", "1", "--attendees", "-1")) == "错误: 参与人次不能为负数"


# --- reports of a past month ------------------------------------------------------------------


def test_a_past_month_shows_names_and_meetings_as_they_were(
    places: Ledger, run: Run, tmp_path: Path
) -> None:
    """October: item 1 in 铁塔寺社区 handed to 住建局, a 夜话 of 20 on 10-30. On 11-10 the
    community, the unit and the meeting (date 11-02, 23 people) are changed. October's
    report keeps October's names and meeting; November's has the new ones."""
    meetings.add(places, kind="夜话", held_on=date(2026, 10, 30), community="铁塔寺社区",
                 attendees=20)  # fmt: skip
    actions.add(places, "电梯异响", community="铁塔寺社区", raised_on=date(2026, 10, 12))
    actions.assign(places, 1, "住建局", at=date(2026, 10, 12))
    place_service.rename(places, "铁塔寺社区", "铁塔寺街区", at=datetime(2026, 11, 10, 9, 0))
    units.rename(places, "住建局", "区住建局", at=date(2026, 11, 10))
    meetings.edit(places, 1, held_on=date(2026, 11, 2), attendees=23, at=date(2026, 11, 10))

    def stats(month: str) -> dict:
        result = run("stats", "--month", month, "--subdistrict", "古槐街道", "--json")
        assert result.exit_code == 0, result.output
        (subdistrict,) = json.loads(result.stdout)["subdistricts"]
        return subdistrict

    october = stats("2026-10")
    assert [row["community"] for row in october["communities"]] == ["铁塔寺社区"]
    assert [row["unit"] for row in october["units"]] == ["住建局"]
    assert october["communities"][0]["mt_night_talk"] == 1
    assert october["communities"][0]["att_night_talk"] == 20
    november = stats("2026-11")
    assert [row["community"] for row in november["communities"]] == ["铁塔寺街区"]
    assert november["communities"][0]["mt_night_talk"] == 1  # held 11-02, as now recorded
    assert november["communities"][0]["att_night_talk"] == 23

    book = monthly_book(run, tmp_path / "out", "2026-10", "古槐街道")
    cells = {str(c.value) for sheet in book.worksheets for line in sheet.iter_rows()
             for c in line if c.value is not None}  # fmt: skip
    assert "铁塔寺社区" in cells and "住建局" in cells
    assert not [text for text in cells if "铁塔寺街区" in text or "区住建局" in text]


def test_values_at_walks_back_several_changes(places: Ledger) -> None:
    units.rename(places, "住建局", "甲", at=date(2026, 11, 1))
    units.rename(places, "甲", "乙", at=date(2026, 11, 5))
    units.edit(places, "乙", phone="13812345678", at=date(2026, 11, 6))
    unit_id = units.find(places, "乙")["id"]
    assert registry_edits.units_at(places, "2026-10-31T23:59:59")[unit_id] == "住建局"
    assert registry_edits.units_at(places, "2026-11-01T23:59:59")[unit_id] == "甲"
    assert registry_edits.units_at(places, "2026-11-05T23:59:59")[unit_id] == "乙"
    then = registry_edits.values_at(places, "unit", "2026-11-02")
    assert then[unit_id] == {"name": "甲", "phone": "0537-1234567"}


def test_migration_adds_the_registry_history_to_an_old_ledger(
    places: Ledger, db_path: Path
) -> None:
    from ledger.store.ledger_file import open_ledger

    places.close()
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("DROP TABLE registry_events")
    conn.execute("DELETE FROM migrations WHERE version = 8")
    conn.execute("PRAGMA user_version = 7")
    conn.close()
    reopened = open_ledger(db_path)
    try:
        units.rename(reopened, "住建局", "区住建局")
        assert units.find(reopened, "住建局")["name"] == "区住建局"
    finally:
        reopened.close()


# --- screens and a property -------------------------------------------------------------------


def test_the_show_screens_fit_80_columns(
    places: Ledger, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rich.cells import cell_len

    meetings.add(places, kind="夜话", held_on=date(2026, 11, 4), community="铁塔寺社区",
                 host="李建忠", attendees=20)  # fmt: skip
    units.rename(places, "扈师傅维修队", "铁塔寺社区扈师傅志愿维修服务队", note="队伍扩编，改名")
    units.edit(places, "铁塔寺社区扈师傅志愿维修服务队", phone="13812345678", contact="扈建国")
    place_service.rename(places, "铁塔寺小区", "铁塔寺小区北区新苑", note="区民政局批复同意")
    meetings.edit(places, 1, attendees=23, host="铁塔寺社区党委书记李建忠", reason="按签到表更正")
    for columns in (80, 120):
        monkeypatch.setenv("COLUMNS", str(columns))
        for args in (("unit", "show", "扈师傅维修队"), ("area", "show", "铁塔寺小区"),
                     ("meeting", "show", "1")):  # fmt: skip
            shown = run(*args)
            assert shown.exit_code == 0, shown.output
            for line in shown.stdout.splitlines():
                assert cell_len(line) <= columns, (columns, line)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(days=st.lists(st.integers(min_value=1, max_value=25), min_size=1, max_size=6))
def test_a_unit_has_at_each_cut_off_the_name_it_last_took(days: list[int]) -> None:
    """Renames on November days (several on one day allowed): as of the end of any day, the
    name is the one given by the last rename on or before it, the first name before them."""
    ledger = open_memory()
    try:
        unit_id = units.add(ledger, "维修队", "志愿队")["id"]
        name, taken = "维修队", []
        for n, day in enumerate(sorted(days)):
            units.rename(ledger, name, f"维修队{n}", at=date(2026, 11, day))
            name = f"维修队{n}"
            taken.append((day, name))
        for day in range(1, 27):
            expected = "维修队"
            for when, given_name in taken:
                if when <= day:
                    expected = given_name
            cut = f"2026-11-{day:02d}T23:59:59"
            assert registry_edits.units_at(ledger, cut)[unit_id] == expected
    finally:
        ledger.close()
