"""Names as clerks type them: full, without suffix, a part, pinyin initials or full pinyin;
several matches listed; none → 您是不是要找."""

from __future__ import annotations

import pytest

from ledger.casework import actions
from ledger.domain.errors import Ambiguous, NotFound
from ledger.registry import areas as place_service
from ledger.registry import categories, units
from ledger.registry.names import stem
from ledger.store.ledger_file import Ledger


@pytest.fixture
def towns(places: Ledger) -> Ledger:
    ledger = places
    place_service.add_path(ledger, "任城区/古槐街道/唐庄社区")
    place_service.add_path(ledger, "任城区/古槐街道/田庄社区")
    units.add(ledger, "任城区城管局", "职能部门")
    return ledger


def community(ledger: Ledger, typed: str) -> str:
    return place_service.find(ledger, typed, "community")["name"]


def test_community_as_typed(towns: Ledger) -> None:
    assert community(towns, "铁塔寺社区") == "铁塔寺社区"
    assert community(towns, "铁塔寺") == "铁塔寺社区"  # without 社区
    assert community(towns, "铁塔") == "铁塔寺社区"  # a unique part
    assert community(towns, "tts") == "铁塔寺社区"  # initials of 铁塔寺
    assert community(towns, "ttssq") == "铁塔寺社区"  # initials of the full name
    assert community(towns, "tietasi") == "铁塔寺社区"
    assert community(towns, "TieTaSiSheQu") == "铁塔寺社区"
    assert community(towns, "礼乐") == "礼乐社区"


def test_ambiguous_initials_are_listed(towns: Ledger) -> None:
    # 唐庄 and 田庄 are both tz.
    with pytest.raises(Ambiguous) as refused:
        community(towns, "tz")
    assert str(refused.value) == (
        "“tz”可以指 任城区/古槐街道/唐庄社区、任城区/古槐街道/田庄社区，请写出完整的社区名称"
    )
    with pytest.raises(NotFound):
        community(towns, "庄社区")  # 庄 and a suffix: one character is no part
    assert community(towns, "tangzhuang") == "唐庄社区"
    assert community(towns, "田庄") == "田庄社区"


def test_none_matches_suggests_the_closest(towns: Ledger) -> None:
    with pytest.raises(NotFound) as missing:
        community(towns, "铁搭寺社区")
    assert str(missing.value) == "没有名为“铁搭寺社区”的社区；您是不是要找：铁塔寺社区？"
    with pytest.raises(NotFound, match="；已有："):
        community(towns, "东风社区")  # nothing close: what exists


def test_units_and_categories_as_typed(towns: Ledger) -> None:
    assert units.find(towns, "城管局")["name"] == "任城区城管局"  # a unique part
    assert units.find(towns, "hsf")["name"] == "扈师傅维修队"  # a part of its initials hsfwxd
    assert units.find(towns, "zjj")["name"] == "住建局"  # exact initials before a part
    with pytest.raises(Ambiguous, match="住建局、市住建局"):
        units.find(towns, "zj")  # a part of zjj and of szjj
    assert categories.parse(towns, "基础") == categories.parse(towns, "基础设施")
    assert categories.parse(towns, "jcss") == categories.parse(towns, "基础设施")


def test_add_takes_names_as_typed(towns: Ledger) -> None:
    item = actions.add(towns, "路灯不亮", community="tts", compound="铁塔寺", building="A8")
    assert item.item["community"] == "铁塔寺社区"
    assert item.item["place"] == "铁塔寺小区/A8楼"


def test_stem() -> None:
    assert stem("铁塔寺社区") == "铁塔寺"
    assert stem("古槐街道") == "古槐"
    assert stem("社区") == "社区"  # nothing left: the name itself


def test_community_after_its_subdistrict_without_a_slash(towns: Ledger) -> None:
    # 古槐街道铁塔寺社区: a clerk reads 古槐街道 / 铁塔寺社区 without doubt.
    assert community(towns, "古槐街道铁塔寺社区") == "铁塔寺社区"
    assert community(towns, "古槐街道唐庄社区") == "唐庄社区"
    item = actions.add(towns, "路灯不亮", community="古槐街道铁塔寺社区")
    assert item.item["community"] == "铁塔寺社区"
    with pytest.raises(NotFound):
        community(towns, "济阳街道铁塔寺社区")  # 铁塔寺社区 is not in 济阳街道
    with pytest.raises(NotFound):
        community(towns, "古槐铁塔寺社区")  # not a subdistrict's name exactly


def test_subdistrict_and_community_in_two_counties_is_ambiguous(towns: Ledger) -> None:
    place_service.add_path(towns, "兖州区/古槐街道/铁塔寺社区")
    with pytest.raises(Ambiguous) as refused:
        community(towns, "古槐街道铁塔寺社区")
    assert str(refused.value) == (
        "“古槐街道铁塔寺社区”可以指 任城区/古槐街道/铁塔寺社区、兖州区/古槐街道/铁塔寺社区，"
        "请写出完整的社区名称"
    )
