"""重复反映: detection on add (positives and negatives written by hand), --repeat-of / --new,
link / unlink as events that undo can withdraw, and ``show`` listing the repeats."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from typer.testing import Result

from ledger.casework import actions
from ledger.domain.errors import LedgerError
from ledger.registry import areas as place_service
from ledger.store.ledger_file import Ledger
from ledger.views import rows
from ledger.views.repeats import RepeatSuspected, similarity

Run = Callable[..., Result]
SITE = {"community": "铁塔寺社区", "compound": "铁塔寺小区", "building": "3号楼"}


@pytest.fixture
def leak(places: Ledger) -> Ledger:
    """Item 1: 3号楼楼顶漏水 (2026-10-13, 办理中, 住建局); item 2: 王秀兰's 楼道堆放杂物."""
    place_service.add_path(places, "任城区/古槐街道/铁塔寺社区/铁塔寺小区/3号楼")
    place_service.add_path(places, "任城区/古槐街道/铁塔寺社区/东门小区")
    actions.add(places, "3号楼楼顶漏水", **SITE, reporter="李秀英", raised_on=date(2026, 10, 13))
    actions.assign(places, 1, "住建局", at=date(2026, 10, 14))
    actions.add(
        places,
        "楼道堆放杂物",
        community="铁塔寺社区",
        reporter="王秀兰",
        phone="13812345678",
        raised_on=date(2026, 11, 2),
    )
    return places


def count(ledger: Ledger) -> int:
    return ledger.conn.execute("SELECT count(*) FROM items").fetchone()[0]


def test_same_building_same_matter_is_refused_with_the_candidate(leak: Ledger) -> None:
    with pytest.raises(RepeatSuspected) as refused:
        actions.add(leak, "3号楼楼顶又漏水了", **SITE, reporter="张大爷")
    assert str(refused.value) == (
        "可能是重复反映：第 1 号（2026-10-13，3号楼楼顶漏水，办理中，住建局）。"
        "登记为第 1 号的重复反映请加 --repeat-of 1；确实是新问题请加 --new"
    )
    assert refused.value.candidates[0].why == "同一楼栋"
    assert count(leak) == 2


def test_same_building_different_matter_is_new(leak: Ledger) -> None:
    outcome = actions.add(leak, "3号楼楼道灯坏了", **SITE, reporter="张大爷")
    assert outcome.item["number"] == 3 and outcome.item["repeat_of"] is None


def test_same_matter_in_another_compound_is_new(leak: Ledger) -> None:
    outcome = actions.add(leak, "楼顶漏水", community="铁塔寺社区", compound="东门小区")
    assert outcome.item["repeat_of"] is None


def test_same_matter_in_the_compound_without_a_building_is_a_candidate(leak: Ledger) -> None:
    with pytest.raises(RepeatSuspected) as refused:
        actions.add(leak, "楼顶漏水", community="铁塔寺社区", compound="铁塔寺小区")
    assert [c.number for c in refused.value.candidates] == [1]
    assert refused.value.candidates[0].why == "同一小区"


def test_a_resident_with_two_phones_is_found_by_name(leak: Ledger) -> None:
    with pytest.raises(RepeatSuspected) as refused:
        actions.add(
            leak, "楼道又堆满杂物", community="铁塔寺社区", reporter="王秀兰", phone="13905371234"
        )
    assert [(c.number, c.why) for c in refused.value.candidates] == [(2, "同一反映人")]


def test_the_same_phone_under_another_name_is_found(leak: Ledger) -> None:
    with pytest.raises(RepeatSuspected) as refused:
        actions.add(
            leak, "楼道又堆满杂物", community="铁塔寺社区", reporter="王大妈", phone="13812345678"
        )
    assert [(c.number, c.why) for c in refused.value.candidates] == [(2, "同一电话")]


def test_another_community_or_resident_is_new(leak: Ledger) -> None:
    actions.add(leak, "楼道又堆满杂物", community="财工街社区", reporter="王秀兰")
    actions.add(leak, "楼道又堆满杂物", community="铁塔寺社区", reporter="赵德明")
    assert count(leak) == 4


def test_the_window_is_a_setting(leak: Ledger) -> None:
    # Item 1 was raised 2026-10-13; 2026-11-26 is 44 days later.
    leak.set_setting("repeat_days", "44")
    with pytest.raises(RepeatSuspected):
        actions.add(leak, "3号楼楼顶又漏水了", **SITE)
    leak.set_setting("repeat_days", "43")
    assert actions.add(leak, "3号楼楼顶又漏水了", **SITE).item["repeat_of"] is None


def test_voided_items_are_no_candidates(leak: Ledger) -> None:
    actions.void(leak, 1, "登错了")
    assert actions.add(leak, "3号楼楼顶又漏水了", **SITE).item["repeat_of"] is None


def test_repeat_of_and_new(leak: Ledger) -> None:
    with pytest.raises(LedgerError, match="只能指定一个"):
        actions.add(leak, "3号楼楼顶又漏水了", **SITE, repeat_of=1, new=True)
    third = actions.add(leak, "3号楼楼顶又漏水了", **SITE, repeat_of=1).item
    assert third["repeat_of_number"] == 1
    # A repeat of the repeat is linked to the first raising.
    fourth = actions.add(leak, "3号楼楼顶漏水第三次", **SITE, repeat_of=3).item
    assert fourth["repeat_of_number"] == 1
    assert actions.add(leak, "3号楼楼顶又漏水了", **SITE, new=True).item["repeat_of"] is None
    with pytest.raises(LedgerError, match="问题 9 不存在"):
        actions.add(leak, "x", community="铁塔寺社区", repeat_of=9)


def test_the_terminal_decides(leak: Ledger) -> None:
    seen: list[list[int]] = []

    def choose_first(found: list) -> int:
        seen.append([c.number for c in found])
        return found[0].number

    item = actions.add(leak, "3号楼楼顶又漏水了", **SITE, decide=choose_first).item
    assert seen == [[1]] and item["repeat_of_number"] == 1
    item = actions.add(leak, "3号楼楼顶漏水了", **SITE, decide=lambda found: None).item
    assert item["repeat_of"] is None


def test_link_unlink_and_undo(leak: Ledger) -> None:
    actions.add(leak, "3号楼楼顶又漏水了", **SITE, new=True)  # 3
    with pytest.raises(LedgerError, match="晚于本问题"):
        actions.link(leak, 1, 3)
    assert actions.link(leak, 3, 1).item["repeat_of_number"] == 1
    with pytest.raises(LedgerError, match="已登记为第 1 号的重复反映"):
        actions.link(leak, 3, 1)
    with pytest.raises(LedgerError, match="不能是自己的重复反映"):
        actions.link(leak, 1, 1)
    assert actions.unlink(leak, 3).item["repeat_of"] is None
    assert actions.undo(leak, 3).item["repeat_of_number"] == 1  # the unlink withdrawn
    assert actions.undo(leak, 3).item["repeat_of"] is None  # the link withdrawn
    kinds = [e["action"] for e in rows.timeline(leak, rows.get(leak, 3)["id"])]
    assert kinds == ["add", "link", "unlink", "undo", "undo"]


def test_similarity_takes_place_names_out() -> None:
    names = ["铁塔寺小区", "3号楼"]
    assert similarity("3号楼楼道灯坏了", "3号楼楼顶漏水", names) < 60
    assert similarity("3号楼楼顶又漏水了", "3号楼楼顶漏水", names) >= 60
    assert similarity("3号楼", "3号楼", names) == 0  # nothing but the place: no matter at all


def test_cli_refuses_in_a_script_and_show_lists_repeats(
    leak: Ledger, run: Run, db_path: Path
) -> None:
    args = ["add", "3号楼楼顶又漏水了", "--community", "铁塔寺社区", "--compound", "铁塔寺小区",
            "--building", "3号楼", "--by", "张大爷"]  # fmt: skip
    refused = run(*args)
    assert refused.exit_code == 1
    assert refused.stderr.strip().splitlines() == [
        "错误: 可能是重复反映：第 1 号（2026-10-13，3号楼楼顶漏水，办理中，住建局）。"
        "登记为第 1 号的重复反映请加 --repeat-of 1；确实是新问题请加 --new"
    ]
    assert count(leak) == 2
    added = run(*args, "--repeat-of", "1")
    assert added.exit_code == 0, added.output
    assert "已登记为第 1 号问题的重复反映" in added.stdout
    shown = run("show", "1").stdout
    assert "重复反映 1 次：" in shown
    assert "第 3 号：2026-11-26，张大爷再次反映（待分办）" in shown
    data = json.loads(run("show", "3", "--json").stdout)
    assert data["repeat_of"] == 1
    assert json.loads(run("show", "1", "--json").stdout)["repeats"][0]["number"] == 3
    assert run("unlink", "3").exit_code == 0
    assert json.loads(run("show", "1", "--json").stdout)["repeats"] == []
