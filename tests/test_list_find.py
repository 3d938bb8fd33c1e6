"""``ledger list --by / --phone / --compound / --building / --meeting / --text``."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import pytest
from typer.testing import Result

from ledger.casework import actions
from ledger.registry import meetings
from ledger.store.ledger_file import Ledger

Run = Callable[..., Result]


@pytest.fixture
def town(places: Ledger) -> Ledger:
    """Two compounds of 铁塔寺社区 that both have a 3号楼; five items, one at meeting 1."""
    from ledger.registry import areas as place_service

    ledger = places
    place_service.add_path(ledger, "任城区/古槐街道/铁塔寺社区/铁塔寺小区/3号楼")
    place_service.add_path(ledger, "任城区/古槐街道/铁塔寺社区/东门小区/3号楼")
    meetings.add(ledger, kind="night_talk", held_on=date(2026, 11, 3), community="铁塔寺社区")
    add = actions.add
    add(ledger, "楼顶漏水", community="铁塔寺社区", compound="铁塔寺小区", building="3号楼",
        reporter="王秀兰", phone="13812345678", meeting=1)  # fmt: skip
    add(ledger, "楼道堆物", community="铁塔寺社区", compound="东门小区", building="3号楼",
        reporter="王秀", phone="0537-2278901")  # fmt: skip
    add(ledger, "A8楼门禁坏了", community="铁塔寺社区", compound="铁塔寺小区", building="A8楼",
        reporter="李秀英")  # fmt: skip
    add(ledger, "下水道漏水", community="财工街社区", reporter="王秀兰", phone="13900001111")
    add(ledger, "路灯不亮", community="铁塔寺社区", compound="铁塔寺小区")
    return ledger


def listed(run: Run, *args: str) -> list[int]:
    result = run("list", "--all", "--json", *args)
    assert result.exit_code == 0, result.output
    return sorted(item["number"] for item in json.loads(result.stdout)["items"])


def test_by_resident_name_or_part(town: Ledger, run: Run) -> None:
    assert listed(run, "--by", "王秀兰") == [1, 4]
    assert listed(run, "--by", "王秀") == [1, 2, 4]
    assert listed(run, "--by", "秀") == [1, 2, 3, 4]
    assert listed(run, "--by", "王秀兰", "--community", "铁塔寺社区") == [1]
    assert listed(run, "--by", "张三") == []


def test_by_phone_digits(town: Ledger, run: Run) -> None:
    assert listed(run, "--phone", "1381234") == [1]
    assert listed(run, "--phone", "5678") == [1]
    assert listed(run, "--phone", "05372278901") == [2]  # the dash is not needed
    assert listed(run, "--phone", "2278-901") == [2]


def test_compound_building_meeting_text(town: Ledger, run: Run) -> None:
    assert listed(run, "--compound", "铁塔寺小区") == [1, 3, 5]  # and its buildings
    assert listed(run, "--compound", "东门小区") == [2]
    assert listed(run, "--building", "3号楼", "--compound", "铁塔寺小区") == [1]
    assert listed(run, "--building", "东门小区/3号楼") == [2]
    assert listed(run, "--building", "A8楼") == [3]
    assert listed(run, "--meeting", "1") == [1]
    assert listed(run, "--text", "漏水") == [1, 4]
    assert listed(run, "--text", "漏水", "--compound", "铁塔寺小区") == [1]
    assert listed(run, "--text", "灯") == [5]


def test_an_ambiguous_building_is_refused_with_the_places(town: Ledger, run: Run) -> None:
    result = run("list", "--building", "3号楼")
    assert result.exit_code == 1
    message = result.stderr.strip()
    assert message.startswith("错误: 有 2 个楼栋都叫“3号楼”")
    assert "东门小区/3号楼" in message and "铁塔寺小区/3号楼" in message
    assert len(result.stderr.strip().splitlines()) == 1


def test_bad_phone_and_missing_meeting(town: Ledger, run: Run) -> None:
    assert run("list", "--phone", "abc").stderr.strip() == (
        "错误: --phone 应为电话号码的数字（全部或一部分），收到“abc”"
    )
    assert run("list", "--meeting", "9").stderr.strip() == "错误: 会议 9 不存在"
