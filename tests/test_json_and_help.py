"""``--json`` is machine-readable and faithful; every command and sub-command has Chinese help."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
import typer
from typer.testing import Result

from ledger.casework import actions
from ledger.cli.app import app
from ledger.registry import meetings
from ledger.store.ledger_file import Ledger
from ledger.views import rows

CJK = re.compile(r"[\u4e00-\u9fff]")


def data_of(result: Result) -> Any:
    """The whole of stdout is one JSON document (no table, no notice mixed in)."""
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def evening(places: Ledger) -> Ledger:
    """A 夜话 on Fri 2026-11-20 with two items; one of them assigned, one filed."""
    meetings.add(
        places,
        kind="night_talk",
        held_on=date(2026, 11, 20),
        community="铁塔寺社区",
        compound="铁塔寺小区",
        host="李建忠",
        attendees=23,
        note="A8楼楼长夜话",
    )
    actions.add(
        places,
        "东关大街路面破损",
        meeting=1,
        building="A8楼",
        compound="铁塔寺小区",
        reporter="李凤金",
        phone="138 1234 5678",
        category="基础设施",
        scale="大事",
    )
    actions.assign(places, 1, "住建局")
    actions.add(places, "楼道小广告", meeting=1, category="sanitation")
    actions.resolve(places, 2, "已清理")
    actions.reply(places, 2, "已当面告知", channel="当面")
    actions.rate(places, 2, "基本满意")
    return places


def test_list_json_round_trips(evening: Ledger, run: Callable[..., Result]) -> None:
    data = data_of(run("list", "--all", "--json"))
    assert data["total"] == 2
    first, second = data["items"]
    # Raised Fri 11-20, big: 15 working days → Nov 23–27 (5), Nov 30–Dec 4 (10), Dec 7–11 (15).
    assert {k: first[k] for k in ("number", "status", "source", "category", "scale")} == {
        "number": 1,
        "status": "assigned",
        "source": "night_talk",
        "category": "infrastructure",
        "scale": "big",
    }
    assert (first["raised_on"], first["assigned_on"], first["due_on"]) == (
        "2026-11-20",
        "2026-11-26",
        "2026-12-11",
    )
    assert (first["community"], first["place"], first["meeting"]) == (
        "铁塔寺社区",
        "铁塔寺小区/A8楼",
        1,
    )
    assert (first["reporter"], first["phone"], first["unit"]) == ("李凤金", "13812345678", "住建局")
    assert isinstance(first["reopen_count"], int) and isinstance(first["estimated"], bool)
    assert (second["status"], second["rating"], second["reply_channel"]) == (
        "closed",
        "basically",
        "in_person",
    )
    # Every item in the JSON is the item in the file, field by field.
    for shown in data["items"]:
        stored = rows.get(evening, shown["number"])
        for key, value in shown.items():
            if key in stored:
                assert value == stored[key], key


def test_show_json_has_the_timeline(evening: Ledger, run: Callable[..., Result]) -> None:
    data = data_of(run("show", "2", "--json"))
    assert [e["action"] for e in data["events"]] == ["add", "resolve", "reply", "rate"]
    assert data["events"][0]["at"] == "2026-11-20"  # raised at the meeting: a day, no time
    assert data["events"][1]["changes"] == {
        "resolved_on": "2026-11-26",
        "result": "已清理",
        "status": "resolved",
    }
    assert data["events"][3]["changes"] == {
        "rating": "basically",
        "closed_on": "2026-11-26",
        "status": "closed",
    }
    stored = rows.get(evening, 2)
    assert data["uid"] == stored["uid"] and len(data["uid"]) == 32
    # The text is real UTF-8 Chinese, not \\u escapes.
    assert "楼道小广告" in run("show", "2", "--json").stdout


def test_area_list_json(evening: Ledger, run: Callable[..., Result]) -> None:
    data = data_of(run("area", "list", "--json"))
    by_path = {area["path"]: area for area in data}
    assert by_path["任城区/古槐街道/铁塔寺社区"]["level"] == "community"
    assert by_path["任城区/古槐街道/铁塔寺社区"]["items"] == 2
    assert by_path["任城区/古槐街道/铁塔寺社区/铁塔寺小区/A8楼"]["level"] == "building"
    assert by_path["曲阜市/鲁城街道/礼乐社区"]["items"] == 0
    assert by_path["任城区"]["level"] == "county"
    assert by_path["任城区/济阳街道"]["name"] == "济阳街道"
    # 3 seed paths: 任城区 古槐街道 铁塔寺社区 铁塔寺小区 A8楼 (5) + 济阳街道 财工街社区
    # 新兴小区西区 (3) + 曲阜市 鲁城街道 礼乐社区 (3) = 11 places.
    assert len(data) == 11


def test_unit_list_json(evening: Ledger, run: Callable[..., Result]) -> None:
    data = data_of(run("unit", "list", "--json"))
    by_name = {unit["name"]: unit for unit in data}
    assert set(by_name) == {"住建局", "市住建局", "扈师傅维修队"}
    assert (by_name["住建局"]["kind"], by_name["住建局"]["phone"]) == ("department", "0537-1234567")
    assert by_name["扈师傅维修队"]["kind"] == "volunteer"
    assert (by_name["住建局"]["open_items"], by_name["市住建局"]["open_items"]) == (1, 0)


def test_meeting_json(evening: Ledger, run: Callable[..., Result]) -> None:
    listed = data_of(run("meeting", "list", "--json"))
    assert len(listed) == 1
    expected = {
        "number": 1,
        "kind": "night_talk",
        "held_on": "2026-11-20",
        "subdistrict": "古槐街道",
        "community": "铁塔寺社区",
        "place": "铁塔寺小区",
        "host": "李建忠",
        "attendees": 23,
        "note": "A8楼楼长夜话",
        "items": 2,
    }
    assert {k: listed[0][k] for k in expected} == expected
    shown = data_of(run("meeting", "show", "1", "--json"))
    assert {k: shown[k] for k in expected} == expected
    assert [item["number"] for item in shown["items_raised"]] == [1, 2]
    assert data_of(run("meeting", "list", "--kind", "说事", "--json")) == []


def test_config_and_category_json(ledger: Ledger, run: Callable[..., Result]) -> None:
    config = data_of(run("config", "--json"))
    assert (config["small_days"], config["big_days"]) == (3, 15)
    assert run("config", "set", "big_days", "10").exit_code == 0
    assert data_of(run("config", "--json"))["big_days"] == 10
    categories = data_of(run("category", "list", "--json"))
    assert categories[0] == {"code": "infrastructure", "label": "基础设施", "builtin": True}
    assert run("category", "add", "文明养犬").exit_code == 0
    assert data_of(run("category", "list", "--json"))[-1] == {
        "code": "文明养犬",
        "label": "文明养犬",
        "builtin": False,
    }


# --- help -----------------------------------------------------------------------------


def command_paths(
    typer_app: typer.Typer, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[str, ...]]:
    """Every command and sub-command registered on the app, recursively."""
    for command in typer_app.registered_commands:
        name = command.name or command.callback.__name__.replace("_", "-")  # type: ignore[union-attr]
        yield (*prefix, name)
    for group in typer_app.registered_groups:
        name = group.name or group.typer_instance.info.name  # type: ignore[union-attr]
        yield (*prefix, name)
        yield from command_paths(group.typer_instance, (*prefix, name))  # type: ignore[arg-type]


PATHS = sorted(command_paths(app))


def _click_command(path: tuple[str, ...]) -> Any:
    command: Any = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]
    return command


def test_walk_finds_the_issue_commands() -> None:
    names = {" ".join(path) for path in PATHS}
    expected = {
        "init", "add", "list", "show", "assign", "progress", "extend", "escalate", "resolve",
        "decline", "reply", "rate", "close", "edit", "demo", "config", "config set",
        "area", "area add", "area list", "unit", "unit add", "unit list",
        "meeting", "meeting add", "meeting list", "meeting show", "category", "category add",
        "category list",
    }  # fmt: skip
    assert expected <= names


@pytest.mark.parametrize("path", PATHS, ids=[" ".join(p) for p in PATHS])
def test_every_command_has_chinese_help(run: Callable[..., Result], path: tuple[str, ...]) -> None:
    command = _click_command(path)
    text = (command.help or "").strip()
    assert CJK.search(text), f"{' '.join(path)} has no Chinese help"
    for param in command.params:
        if param.name != "help":
            assert CJK.search(getattr(param, "help", None) or ""), f"{path} {param.name}"
    result = run(*path, "--help")
    assert result.exit_code == 0, result.stderr
    shown = re.sub(r"\s+", "", result.stdout)
    first_line = re.sub(r"\s+", "", text.splitlines()[0])
    assert first_line[:12] in shown


def test_root_help_and_version(run: Callable[..., Result]) -> None:
    result = run("--help")
    assert result.exit_code == 0
    assert "问题台账" in result.stdout
    for path in PATHS:
        if len(path) == 1:
            assert path[0] in result.stdout
    assert run("-h").exit_code == 0
    version = run("--version")
    assert version.exit_code == 0 and version.stdout.startswith("ledger ")


def test_action_help_comes_from_the_transition_table(run: Callable[..., Result]) -> None:
    """The help of an action names the statuses it is allowed from (lifecycle.rule_help)."""
    shown = re.sub(r"\s+", "", run("reply", "--help").stdout)
    assert "适用状态：已办结、不予办理→已回复" in shown
    shown = re.sub(r"\s+", "", run("progress", "--help").stdout)
    assert "适用状态：办理中→状态不变" in shown
