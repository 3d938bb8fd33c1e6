"""``ledger search``: Chinese words of 1, 2, 3+ characters, several words, every field it
covers, voided items, and the index kept with every write and rebuilt after damage."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from typer.testing import Result

from ledger.casework import actions
from ledger.store.ledger_file import Ledger, open_ledger
from ledger.views.search import search

Run = Callable[..., Result]


@pytest.fixture
def filled(places: Ledger) -> Ledger:
    """Four items in 铁塔寺社区 / 财工街社区, with results, notes, replies and reporters."""
    ledger = places
    actions.add(  # 1
        ledger,
        "A8楼门前路灯不亮",
        community="铁塔寺社区",
        compound="铁塔寺小区",
        building="A8楼",
        reporter="王秀兰",
        raised_on=date(2026, 11, 2),
    )
    actions.add(  # 2
        ledger,
        "小区南门灯箱破损",
        community="财工街社区",
        compound="新兴小区西区",
        reporter="李秀英",
        raised_on=date(2026, 11, 10),
    )
    actions.add(ledger, "楼顶漏水", community="铁塔寺社区", raised_on=date(2026, 11, 20))  # 3
    actions.add(ledger, "垃圾桶不够", community="财工街社区", raised_on=date(2026, 11, 21))  # 4
    actions.assign(ledger, 3, "住建局", at=date(2026, 11, 20))
    actions.progress(ledger, 3, "防水卷材已到货", at=date(2026, 11, 21))
    actions.resolve(ledger, 3, "重做屋面防水", at=date(2026, 11, 23))
    actions.reply(ledger, 3, "电话告知已修好路灯旁的排水口", at=date(2026, 11, 24))
    return ledger


def numbers(ledger: Ledger, text: str, **options: bool) -> list[int]:
    return [item["number"] for item in search(ledger, text, **options).items]


def test_one_two_and_three_character_words(filled: Ledger) -> None:
    # 灯: in 1 (路灯) and 2 (灯箱) titles, and in 3's reply (路灯旁); title hits first.
    assert numbers(filled, "灯") == [2, 1, 3]
    assert numbers(filled, "路灯") == [1, 3]  # 3: only in its reply
    assert numbers(filled, "灯箱") == [2]
    assert numbers(filled, "不亮") == [1]
    assert numbers(filled, "灯不亮") == [1]
    assert numbers(filled, "门前路灯不亮") == [1]
    assert numbers(filled, "前灯") == []  # characters of the title, but not together
    assert numbers(filled, "漏") == [3]


def test_several_words_must_all_match(filled: Ledger) -> None:
    assert numbers(filled, "路灯 A8楼") == [1]
    assert numbers(filled, "灯 王秀兰") == [1]
    assert numbers(filled, "路灯 防水") == [3]  # reply and result
    assert numbers(filled, "路灯 垃圾") == []
    assert numbers(filled, "灯 楼") == [1, 3]  # 3: 楼顶 in the title, 灯 in the reply


def test_every_field_is_covered(filled: Ledger) -> None:
    assert numbers(filled, "卷材") == [3]  # progress note
    assert numbers(filled, "屋面") == [3]  # result
    assert numbers(filled, "排水口") == [3]  # reply
    assert numbers(filled, "李秀英") == [2]  # reporter
    assert numbers(filled, "新兴小区") == [2]  # compound
    assert numbers(filled, "a8楼") == [1]  # building, any case
    assert numbers(filled, "财工街") == [4, 2]  # community, newest first


def test_a_phrase_never_spans_two_fields(places: Ledger) -> None:
    # The title ends in 路灯 and the result starts with 灯: 路灯灯 is in neither field.
    actions.add(places, "修路灯", community="铁塔寺社区")
    actions.resolve(places, 1, "灯已换")
    assert numbers(places, "修路灯") == [1]
    assert numbers(places, "路灯灯") == []


def test_a_write_is_found_in_the_same_second(places: Ledger) -> None:
    # The clock is fixed: the add, the search, the resolve and the next search share a second.
    actions.add(places, "电梯困人", community="铁塔寺社区")
    assert numbers(places, "电梯") == [1]
    assert numbers(places, "维保") == []
    actions.resolve(places, 1, "维保单位已到场")
    assert numbers(places, "维保") == [1]


def test_a_refused_write_leaves_the_index_alone(places: Ledger) -> None:
    actions.add(places, "电梯困人", community="铁塔寺社区")
    with pytest.raises(Exception, match="不能"):  # rolled back inside the transaction
        actions.reply(places, 1, "井盖已修")
    assert numbers(places, "井盖") == []
    assert places.conn.execute("SELECT count(*) FROM search_dirty").fetchone()[0] == 0


def test_voided_items_only_with_all(filled: Ledger) -> None:
    actions.void(filled, 1, "重复登记")
    assert numbers(filled, "路灯") == [3]
    assert numbers(filled, "路灯", include_voided=True) == [1, 3]


def test_cli_highlights_and_json(filled: Ledger, run: Run) -> None:
    result = run("search", "路灯", "防水")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    row = next(line for line in lines if line.strip().startswith("3 "))
    assert "楼顶漏水" in row and "办理结果" in row
    assert "共 1 条" in result.stdout
    data = json.loads(run("search", "灯", "--json").stdout)
    assert data["total"] == 3 and data["words"] == ["灯"]
    assert [item["number"] for item in data["items"]] == [2, 1, 3]
    assert data["items"][2]["matched_in"]["field"] == "答复"
    refused = run("search", "，。")
    assert refused.exit_code == 1
    assert refused.stderr.strip() == "错误: 请给出要查找的词，如：ledger search 路灯"


def test_snippet_marks_every_word() -> None:
    from ledger.cli.search_view import HIT_STYLE, snippet

    text = snippet("电话告知已修好路灯旁的排水口", ["路灯", "水"])
    assert [part for part, style in text.runs if style == HIT_STYLE] == ["路灯", "水"]
    assert text.plain == "电话告知已修好路灯旁的排水口"


def test_check_finds_and_repair_rebuilds_a_damaged_index(
    filled: Ledger, db_path: Path, run: Run
) -> None:
    filled.close()
    conn = sqlite3.connect(db_path)
    # Damage behind the ledger's back: one entry lost, one entry's text altered.
    conn.execute("DELETE FROM search WHERE rowid = (SELECT id FROM items WHERE number = 1)")
    conn.execute(
        "UPDATE search SET body = '' WHERE rowid = (SELECT id FROM items WHERE number = 3)"
    )
    conn.commit()
    conn.close()
    assert [i["number"] for i in json.loads(run("search", "路灯", "--json").stdout)["items"]] == []
    result = run("check")
    assert result.exit_code == 1
    assert "全文检索索引有 2 件问题与内容不符（问题 1、3）" in result.stdout
    repaired = run("check", "--repair")
    assert repaired.exit_code == 0, repaired.output
    assert "已重建全文检索索引（4 件问题）" in repaired.stderr
    assert "结论：台账完好。" in repaired.stdout
    found = json.loads(run("search", "路灯", "--json").stdout)
    assert [item["number"] for item in found["items"]] == [1, 3]


def test_migration_builds_the_index_for_an_old_ledger(filled: Ledger, db_path: Path) -> None:
    filled.close()
    conn = sqlite3.connect(db_path, isolation_level=None)
    # Back to schema 006: no index, no triggers, no repeat_of column.
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("DROP TABLE search")
    conn.execute("DROP TABLE IF EXISTS search_dirty")
    conn.execute("DROP INDEX items_repeat_of")
    conn.execute("ALTER TABLE items DROP COLUMN repeat_of")
    conn.execute("DROP TABLE registry_events")  # and migration 008, which comes after
    conn.execute("DELETE FROM migrations WHERE version >= 7")
    conn.execute("PRAGMA user_version = 6")
    conn.close()
    reopened = open_ledger(db_path)
    try:
        assert numbers(reopened, "路灯") == [1, 3]
        assert numbers(reopened, "卷材") == [3]
    finally:
        reopened.close()


def test_list_text_sees_what_another_tool_wrote(filled: Ledger, db_path: Path, run: Run) -> None:
    """The triggers queue a change made outside ledger; `list --text` indexes it first, as
    `search` does."""
    with sqlite3.connect(db_path) as other:
        other.execute("UPDATE items SET title = '独角兽雕塑倾斜' WHERE number = 3")
    listed = json.loads(run("list", "--text", "独角兽", "--all", "--json").stdout)
    assert [item["number"] for item in listed["items"]] == [3]


def test_a_common_word_is_ranked_the_same_by_walking_the_dates(
    places: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above _WALK_FROM matches the newest are found by walking items_raised_on: the same
    items in the same order, and the same count, as ranking every match."""
    from ledger.views import search as search_module

    # Raised on three days, typed out of date order; the word in the title or in a result.
    for n in range(12):
        title = "下水道堵塞" if n % 3 else "楼道灯不亮"
        actions.add(
            places, title, community="铁塔寺社区", raised_on=date(2026, 11, 20 + (n * 7) % 3)
        )
    actions.resolve(places, 1, "疏通下水道")  # a body hit, on an item whose title has none
    actions.void(places, 2, "重复登记")  # a title hit, voided
    for limit in (3, 8, 50):
        for voided in (False, True):
            monkeypatch.setattr(search_module, "_WALK_FROM", 10_000)
            ranked = search(places, "下水道", limit=limit, include_voided=voided)
            monkeypatch.setattr(search_module, "_WALK_FROM", 0)
            walked = search(places, "下水道", limit=limit, include_voided=voided)
            assert [i["number"] for i in walked.items] == [i["number"] for i in ranked.items]
            assert walked.total == ranked.total
    # Worked by hand: 8 titles hold the word (items 2, 3, 5, 6, 8, 9, 11, 12), item 2 voided;
    # item 1's result holds it too: 8 in all without the voided one.
    assert search(places, "下水道").total == 8
    assert search(places, "下水道", include_voided=True).total == 9


def test_items_imported_after_a_rename_are_found_by_the_former_name(
    places: Ledger, tmp_path: Path
) -> None:
    """The import builds the index in bulk; in a ledger with renamed places the former names
    must still be in the new items' documents, as any other write puts them there."""
    from ledger.io.check import check
    from ledger.io.importer import import_items
    from ledger.registry import areas
    from ledger.store import fulltext

    areas.rename(places, "铁塔寺社区", "铁塔寺街区", at=date(2026, 6, 20))
    sheet = tmp_path / "台账.csv"
    sheet.write_text("反映日期,反映问题,反映人\n2026-06-24,路灯不亮,王秀兰\n", encoding="utf-8")
    import_items(places, sheet, community="铁塔寺街区")
    assert numbers(places, "铁塔寺社区") == [1]  # the former name, in the imported item's entry
    assert fulltext.disagreements(places.conn) == (0, [])
    outcome = check(places.conn, parallel=False)
    assert outcome.ok, [problem.message for problem in outcome.problems]
