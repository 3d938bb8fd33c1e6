"""Places (区划), units (承办单位), meetings and phone numbers, as clerks type them."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import pytest
from typer.testing import Result

from ledger.casework import actions
from ledger.domain.errors import Ambiguous, LedgerError, NotFound
from ledger.domain.phones import mask_phone, normalise_phone
from ledger.registry import areas as service
from ledger.registry import meetings, units
from ledger.store.ledger_file import Ledger
from ledger.views import rows


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.stderr
    return result.stdout


def error_line(result: Result) -> str:
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误: ")
    return lines[0]


# --- areas ----------------------------------------------------------------------------


def test_area_add_creates_missing_parents(ledger: Ledger, run: Callable[..., Result]) -> None:
    out = ok(run("area", "add", "任城区/古槐街道/铁塔寺社区/铁塔寺小区/A8楼"))
    assert out.splitlines() == [
        "已添加区县：任城区",
        "已添加街道：任城区/古槐街道",
        "已添加社区：任城区/古槐街道/铁塔寺社区",
        "已添加小区：任城区/古槐街道/铁塔寺社区/铁塔寺小区",
        "已添加楼栋：任城区/古槐街道/铁塔寺社区/铁塔寺小区/A8楼",
    ]
    # Full-width slashes and spaces are read as separators; only what is new is added.
    out = ok(run("area", "add", "任城区 ／ 古槐街道 / 铁塔寺社区/铁塔寺小区/A9楼"))
    assert out.splitlines() == ["已添加楼栋：任城区/古槐街道/铁塔寺社区/铁塔寺小区/A9楼"]
    assert ok(run("area", "add", "任城区/古槐街道/铁塔寺社区")).strip() == (
        "区划已存在：任城区/古槐街道/铁塔寺社区"
    )
    tree = ok(run("area", "list"))
    for name in ("任城区", "古槐街道", "铁塔寺社区", "铁塔寺小区", "A8楼", "A9楼"):
        assert name in tree


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("任城区/古槐街道", "至少要写到社区"),
        ("任城区/古槐街道/铁塔寺社区/铁塔寺小区/A8楼/301室", "层级过多"),
        (" / ", "至少要写到社区"),
    ],
)
def test_area_add_refuses_bad_paths(
    ledger: Ledger, run: Callable[..., Result], path: str, message: str
) -> None:
    assert message in error_line(run("area", "add", path))
    assert ledger.conn.execute("SELECT count(*) FROM areas").fetchone()[0] == 0


def test_find_a_building(places: Ledger) -> None:
    community = service.find(places, "铁塔寺社区", "community")
    assert community["path"] == "任城区/古槐街道/铁塔寺社区"
    building = service.find_place(places, community, "铁塔寺小区", "A8楼")
    assert building["path"] == "任城区/古槐街道/铁塔寺社区/铁塔寺小区/A8楼"


def test_find_place_rules(places: Ledger) -> None:
    tieta = service.find(places, "铁塔寺社区", "community")
    caigong = service.find(places, "财工街社区", "community")
    assert service.find_place(places, tieta, None, None) is None
    with pytest.raises(LedgerError, match="同时指定小区"):
        service.find_place(places, tieta, None, "A8楼")
    # 新兴小区西区 exists, but in another community.
    with pytest.raises(NotFound, match="“铁塔寺社区”下没有名为“新兴小区西区”的小区"):
        service.find_place(places, tieta, "新兴小区西区", None)
    assert service.find_place(places, caigong, "新兴小区西区", None)["name"] == "新兴小区西区"
    with pytest.raises(NotFound, match="已有：古槐街道、济阳街道、鲁城街道"):
        service.find(places, "观音阁街道", "subdistrict")


def test_same_community_name_in_two_subdistricts(places: Ledger) -> None:
    service.add_path(places, "任城区/古槐街道/新村社区")
    service.add_path(places, "嘉祥县/嘉祥街道/新村社区")
    with pytest.raises(Ambiguous) as ambiguous:
        service.find(places, "新村社区", "community")
    assert "任城区/古槐街道/新村社区；嘉祥县/嘉祥街道/新村社区" in str(ambiguous.value)
    assert service.find(places, "嘉祥街道/新村社区", "community")["path"] == (
        "嘉祥县/嘉祥街道/新村社区"
    )
    # A name that only ends like another one is not it: 村社区 is not 新村社区.
    with pytest.raises(NotFound):
        service.find(places, "村社区", "community")


# --- units ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("department", "department"),
        ("职能部门", "department"),
        ("部门", "department"),
        ("物业", "property"),
        ("志愿队", "volunteer"),
        ("楼长", "person"),
        ("社区", "community"),
    ],
)
def test_unit_kind_by_label_code_or_alias(ledger: Ledger, kind: str, code: str) -> None:
    assert units.add(ledger, "某单位", kind)["kind"] == code


def test_unit_add_and_list(ledger: Ledger, run: Callable[..., Result]) -> None:
    out = ok(run("unit", "add", "住建局", "--kind", "department", "--phone", "0537 1234567"))
    assert out.strip() == "已添加承办单位：住建局 · 职能部门"
    ok(run("unit", "add", "王楼长", "--kind", "楼长", "--phone", "+86 138 1234 5678"))
    data = json.loads(ok(run("unit", "list", "--json")))
    phones = {unit["name"]: unit["phone"] for unit in data}
    assert phones == {"住建局": "0537-1234567", "王楼长": "13812345678"}
    table = ok(run("unit", "list"))
    assert "住建局" in table and "职能部门" in table and "0537-1234567" in table


def test_same_unit_name_in_two_areas(places: Ledger, run: Callable[..., Result]) -> None:
    ok(run("unit", "add", "物业公司", "--kind", "物业", "--area", "古槐街道"))
    ok(run("unit", "add", "物业公司", "--kind", "物业", "--area", "财工街社区"))
    assert "已存在" in error_line(run("unit", "add", "物业公司", "--area", "古槐街道"))
    actions.add(places, "楼道灯不亮", community="铁塔寺社区")
    line = error_line(run("assign", "1", "物业公司"))
    assert line == (
        "错误: 有 2 个承办单位叫“物业公司”：任城区/古槐街道/物业公司；"
        "任城区/济阳街道/财工街社区/物业公司。请写明区划"
    )
    ok(run("assign", "1", "古槐街道/物业公司"))
    assert rows.get(places, 1)["unit"] == "物业公司"
    unit_area = places.conn.execute(
        "SELECT a.path FROM items i JOIN units u ON u.id = i.unit_id JOIN areas a ON a.id = u.area_id"
    ).fetchone()[0]
    assert unit_area == "任城区/古槐街道"


def test_unit_find_names_what_exists(places: Ledger) -> None:
    with pytest.raises(NotFound) as missing:
        units.find(places, "城管局")
    message = str(missing.value)
    assert message.startswith("没有名为“城管局”的承办单位（可用 ledger unit add 添加）；已有：")
    for name in ("住建局", "市住建局", "扈师傅维修队"):
        assert name in message


# --- meetings -------------------------------------------------------------------------


def test_meeting_add_list_show(places: Ledger, run: Callable[..., Result]) -> None:
    out = ok(
        run(
            "meeting", "add", "--kind", "拉呱说事", "--date", "11月20日",
            "--community", "礼乐社区", "--host", "王书记", "--attendees", "41",
        )
    )  # fmt: skip
    assert out.strip() == "已登记会议 1：2026-11-20 拉呱说事 · 礼乐社区"
    ok(run("meeting", "add", "--kind", "night_talk", "--community", "铁塔寺社区"))  # today
    listed = json.loads(ok(run("meeting", "list", "--json")))
    # Newest first.
    assert [(m["number"], m["held_on"], m["kind"]) for m in listed] == [
        (2, "2026-11-26", "night_talk"),
        (1, "2026-11-20", "shuoshi"),
    ]
    assert [
        m["number"] for m in json.loads(ok(run("meeting", "list", "--kind", "说事", "--json")))
    ] == [1]
    by_subdistrict = json.loads(ok(run("meeting", "list", "--subdistrict", "鲁城街道", "--json")))
    assert [m["number"] for m in by_subdistrict] == [1]
    # An item raised at the meeting takes its community, source and date.
    ok(run("add", "东关大街路面破损", "--meeting", "1"))
    item = rows.get(places, 1)
    assert (item["community"], item["source"], item["raised_on"]) == (
        "礼乐社区",
        "shuoshi",
        "2026-11-20",
    )
    shown = ok(run("meeting", "show", "1"))
    assert "王书记" in shown and "41" in shown and "东关大街路面破损" in shown


def test_meeting_refusals(places: Ledger) -> None:
    with pytest.raises(LedgerError, match="晚于今天"):
        meetings.add(places, kind="夜话", held_on=date(2026, 11, 27), community="礼乐社区")
    with pytest.raises(LedgerError, match="参与人次不能为负数"):
        meetings.add(
            places, kind="夜话", held_on=date(2026, 11, 20), community="礼乐社区", attendees=-1
        )
    meetings.add(places, kind="夜话", held_on=date(2026, 11, 20), community="礼乐社区")
    with pytest.raises(LedgerError, match="早于会议日期 2026-11-20"):
        actions.add(places, "路灯", meeting=1, raised_on=date(2026, 11, 19))
    with pytest.raises(LedgerError, match="会议 1 是每周夜话，来源不符"):
        actions.add(places, "路灯", meeting=1, source="走访")
    assert places.conn.execute("SELECT count(*) FROM items").fetchone()[0] == 0


# --- phones ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 13812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),  # full-width digits
        ("0537-1234567", "0537-1234567"),
        ("05371234567", "0537-1234567"),
        ("(0537)1234567", "0537-1234567"),
        ("010-12345678", "010-12345678"),
        ("12345", "12345"),  # the citizens' hotline
        ("8613812345678", "13812345678"),  # digits only: the country code still taken off
        ("86053712345678", "0537-12345678"),
        ("2256789", "2256789"),  # a local number
    ],
)
def test_phone_numbers(typed: str, stored: str) -> None:
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize(
    "typed", ["1381234567", "138123456789", "电话不详", "23812345678", "12", "5372256789", "86"]
)
def test_not_phone_numbers(typed: str) -> None:
    with pytest.raises(LedgerError, match="不是有效的电话号码"):
        normalise_phone(typed)


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("0537-1234567", "0537****4567"),
        (None, ""),
    ],  # 12 chars: 4 kept, 4 hidden, last 4
)
def test_mask_phone(phone: str | None, masked: str) -> None:
    assert mask_phone(phone) == masked


def test_typed_text_is_shown_as_typed(ledger: Ledger, run: Callable[..., Result]) -> None:
    """Brackets and colons in names and titles are text, not Rich markup or emoji codes."""
    ok(run("area", "add", "任城区/古槐街道/铁塔寺社区[b]"))
    ok(run("unit", "add", "住建局[a]"))
    assert "不能含有“/”" in error_line(run("unit", "add", "住建局[/a]"))  # unreachable by name
    ok(run("add", "[/b]路灯:warning:", "--community", "铁塔寺社区[b]", "--by", "张[red]三"))
    ok(run("assign", "1", "住建局[a]", "--note", "[/i]转办"))
    assert "铁塔寺社区[b]" in ok(run("area", "list"))
    assert "住建局[a]" in ok(run("unit", "list"))
    listed = ok(run("list"))
    assert "[/b]路灯:warning:" in listed and "住建局[a]" in listed
    shown = ok(run("show", "1"))
    for text in ("[/b]路灯:warning:", "张[red]三", "[/i]转办"):
        assert text in shown
