"""Bad input: exit code 1, one line ``错误: …`` on stderr, no traceback, the ledger unchanged.

"Unchanged" is checked byte for byte (the file and its -wal) and row for row (every table),
with the ``snapshot`` fixture, before and after the refused command.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from typer.testing import Result

from cli_helpers import refused
from ledger.casework import actions
from ledger.registry import areas as places_service
from ledger.registry import meetings
from ledger.store.ledger_file import Ledger
from ledger.store.migrations import SCHEMA_VERSION

Snapshot = Callable[[Path], dict[str, object]]


@pytest.fixture
def filled(places: Ledger, db_path: Path) -> Path:
    """Two items (1 待分办 from Fri 11-20, 2 办理中) and a community name used twice."""
    ledger = places
    places_service.add_path(ledger, "任城区/古槐街道/新村社区")
    places_service.add_path(ledger, "任城区/济阳街道/新村社区")
    meetings.add(ledger, kind="夜话", held_on=date(2026, 11, 20), community="铁塔寺社区")
    actions.add(ledger, "楼道灯不亮", meeting=1, phone="13812345678")
    actions.add(ledger, "垃圾清运不及时", community="礼乐社区")
    actions.assign(ledger, 2, "住建局")
    ledger.close()
    return db_path


CASES = [
    # bad dates
    (
        ("add", "路灯", "--community", "铁塔寺社区", "--date", "2026-13-01"),
        "日期“2026-13-01”不存在",
    ),
    (("add", "路灯", "--community", "铁塔寺社区", "--date", "下周"), "无法识别的日期“下周”"),
    (("add", "路灯", "--community", "铁塔寺社区", "--date", "2026-11-27"), "晚于今天"),
    # Working days are counted for 2000–2099; a typo like 9999 must not poison the ledger.
    (
        ("add", "路灯", "--community", "铁塔寺社区", "--date", "1999-06-24"),
        "错误: 日期“1999-06-24”超出范围（2000–2099 年）",
    ),
    (("extend", "2", "--to", "9999-12-31", "--reason", "材料"), "超出范围（2000–2099 年）"),
    (("assign", "2", "扈师傅维修队", "--days", "100000"), "超出台账支持的范围"),
    (("extend", "2", "--to", "2026-02-30", "--reason", "材料"), "日期“2026-02-30”不存在"),
    (("list", "--since", "去年"), "无法识别的日期“去年”"),
    # unknown community / compound / unit
    (("add", "路灯", "--community", "东风社区"), "没有名为“东风社区”的社区"),
    (("add", "路灯", "--community", "铁塔寺社区", "--compound", "幸福小区"), "幸福小区"),
    (("list", "--community", "东风社区"), "没有名为“东风社区”的社区"),
    (("assign", "1", "城管局"), "没有名为“城管局”的承办单位"),
    (("escalate", "2", "市城管局", "--reason", "需协调"), "市城管局"),
    # items that do not exist
    (("show", "99"), "问题 99 不存在"),
    (("assign", "99", "住建局"), "问题 99 不存在"),
    (("resolve", "99", "已修复"), "问题 99 不存在"),
    (("rate", "99", "满意"), "问题 99 不存在"),
    (("meeting", "show", "9"), "会议 9 不存在"),
    (("add", "路灯", "--meeting", "9"), "会议 9 不存在"),
    # phones that are not phones
    (("add", "路灯", "--community", "铁塔寺社区", "--phone", "1381234567"), "不是有效的电话号码"),
    (("add", "路灯", "--community", "铁塔寺社区", "--phone", "电话不详"), "不是有效的电话号码"),
    (("edit", "1", "--phone", "138123456789"), "不是有效的电话号码"),
    (("unit", "add", "城管局", "--phone", "12"), "不是有效的电话号码"),
    # actions not allowed from the status: the status and what is allowed are named
    (
        ("reply", "1", "已告知"),
        "错误: 问题 1 当前状态为“待分办”，不能答复；此状态下可以：交办、升级、办结、不予办理、更正、催办",
    ),
    (("progress", "1", "已勘查"), "当前状态为“待分办”，不能进展"),
    (("rate", "2", "满意"), "当前状态为“办理中”，不能评价；此状态下可以：交办、进展、延期"),
    (("close", "2", "--reason", "搬离"), "当前状态为“办理中”，不能归档"),
    # --at in the future, or before the item's last event
    (("assign", "1", "住建局", "--at", "2026-11-27"), "晚于今天"),
    (("assign", "1", "住建局", "--at", "今天 10:00"), "晚于现在"),
    (("assign", "1", "住建局", "--at", "2026-11-19 20:00"), "早于该问题的登记日期"),
    (("resolve", "2", "已修复", "--at", "昨天"), "早于该问题的登记日期"),
    # unknown category: the valid ones are listed
    (
        ("add", "路灯", "--community", "铁塔寺社区", "--category", "交通"),
        "未知的问题类别“交通”，可选：基础设施、环境卫生、物业管理、绿化、停车、邻里纠纷、安全隐患、"
        "治安、政策咨询、为民代办、其他",
    ),
    (("list", "--category", "交通"), "未知的问题类别“交通”"),
    # unknown choice values: the valid ones are listed
    (
        ("add", "路灯", "--community", "铁塔寺社区", "--scale", "巨大"),
        "错误: 未知的规模“巨大”，可选：小事(small)、大事(big)",
    ),
    (("add", "路灯", "--community", "铁塔寺社区", "--source", "广播"), "未知的来源“广播”"),
    (("reply", "2", "已告知", "--channel", "飞鸽"), "未知的答复方式“飞鸽”"),
    (("rate", "2", "还行"), "未知的评价“还行”，可选：满意(satisfied)、基本满意(basically)"),
    (("list", "--status", "完成"), "未知的状态“完成”"),
    (("list", "--source", "广播"), "未知的来源“广播”"),
    (("unit", "add", "城管局", "--kind", "公司"), "未知的单位类型“公司”"),
    (("meeting", "add", "--kind", "座谈", "--community", "铁塔寺社区"), "未知的会议类型“座谈”"),
    # other refusals of the everyday commands
    (("add", "   ", "--community", "铁塔寺社区"), "问题描述不能为空"),
    (("add", "路灯"), "请用 --community 指定社区"),
    (("add", "路灯", "--meeting", "1", "--community", "礼乐社区"), "与社区“礼乐社区”不符"),
    (("assign", "2", "住建局"), "已由“住建局”承办"),
    (("assign", "2", "扈师傅维修队", "--days", "0"), "--days 应为正整数"),
    (("extend", "2", "--to", "2026-11-26", "--reason", "材料"), "应晚于现有时限"),
    (("progress", "2", "过半", "--percent", "140"), "进度应在 0–100 之间"),
    (("edit", "1", "--title", "楼道灯不亮"), "无需更正"),
    (("edit", "1"), "没有要更正的内容"),
    (("area", "add", "任城区/古槐街道"), "至少要写到社区"),
    (("unit", "add", "住建局"), "承办单位“住建局”已存在"),
    (("config", "set", "small_days", "三天"), "应为整数"),
    (("config", "set", "colour", "red"), "没有设置项“colour”"),
    (("category", "add", "绿化"), "类别“绿化”已存在"),
]


@pytest.mark.parametrize(("args", "expected"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_refused_and_unchanged(
    filled: Path,
    run: Callable[..., Result],
    snapshot: Snapshot,
    args: tuple[str, ...],
    expected: str,
) -> None:
    before = snapshot(filled)
    line = refused(run(*args))
    assert expected in line
    assert snapshot(filled) == before


def test_ambiguous_community_lists_candidates(
    filled: Path, run: Callable[..., Result], snapshot: Snapshot
) -> None:
    before = snapshot(filled)
    line = refused(run("add", "路灯", "--community", "新村社区"))
    # Both candidates, by their full paths, and how to pick one.
    assert line == (
        "错误: 有 2 个社区都叫“新村社区”：任城区/古槐街道/新村社区；任城区/济阳街道/新村社区。"
        "请写明上级，例如“古槐街道/新村社区”"
    )
    refused(run("list", "--community", "新村社区"))
    assert snapshot(filled) == before
    # A path 街道/社区 picks one.
    result = run("add", "路灯", "--community", "济阳街道/新村社区")
    assert result.exit_code == 0, result.stderr
    shown = json.loads(run("show", "3", "--json").stdout)
    assert (shown["subdistrict"], shown["community"]) == ("济阳街道", "新村社区")
    listed = json.loads(run("list", "--community", "济阳街道/新村社区", "--json").stdout)
    assert [item["number"] for item in listed["items"]] == [3]


def test_not_a_ledger_random_bytes(
    tmp_path: Path, run: Callable[..., Result], snapshot: Snapshot
) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(bytes(range(256)) * 16)  # 4 KiB that are not SQLite
    before = snapshot(path)
    for args in (("list",), ("add", "路灯", "--community", "铁塔寺社区"), ("init",)):
        line = refused(run(*args, "--db", str(path)))
        assert line == f"错误: “{path}”不是台账文件（无法作为 SQLite 数据库读取）"
    assert snapshot(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["photo.jpg"]  # no -wal, no -shm


def test_not_a_ledger_another_programs_database(
    tmp_path: Path, run: Callable[..., Result], snapshot: Snapshot
) -> None:
    path = tmp_path / "contacts.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE people (name TEXT, phone TEXT)")
    conn.execute("INSERT INTO people VALUES ('张三', '13812345678')")
    conn.commit()
    conn.close()
    before = snapshot(path)
    for args in (("list",), ("init",), ("area", "add", "任城区/古槐街道/铁塔寺社区")):
        line = refused(run(*args, "--db", str(path)))
        assert line == f"错误: “{path}”不是台账文件（是别的程序的数据库）"
    assert snapshot(path) == before
    assert before["rows"] == {"people": [("张三", "13812345678")]}


def test_ledger_from_a_newer_version(
    filled: Path, run: Callable[..., Result], snapshot: Snapshot
) -> None:
    newer = SCHEMA_VERSION + 1
    conn = sqlite3.connect(filled)
    conn.execute(f"PRAGMA user_version = {newer}")
    conn.close()
    before = snapshot(filled)
    assert before["user_version"] == newer
    for args in (("list",), ("show", "1"), ("add", "路灯", "--community", "铁塔寺社区"), ("init",)):
        line = refused(run(*args))
        assert (
            f"由更新版本的 ledger 创建（结构版本 {newer}，本程序支持到 {SCHEMA_VERSION}）" in line
        )
        assert "文件未作任何改动" in line
    assert snapshot(filled) == before


def test_missing_ledger_says_init(tmp_path: Path, run: Callable[..., Result]) -> None:
    path = tmp_path / "nowhere.db"
    line = refused(run("list", "--db", str(path)))
    assert "不存在，请先运行 ledger init" in line
    assert not path.exists()


def test_folder_is_not_a_ledger(tmp_path: Path) -> None:
    result = _ledger("list", "--db", str(tmp_path), env=dict(os.environ))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"错误: --db：“{tmp_path}”是文件夹（用 --help 查看用法）"]


def test_failed_action_writes_nothing_even_halfway(filled: Path, snapshot: Snapshot) -> None:
    """A refusal inside the transaction (after the row was read) leaves no event behind."""
    from ledger.store.ledger_file import open_ledger

    before = snapshot(filled)
    ledger = open_ledger(filled)
    try:
        with pytest.raises(Exception, match="应晚于现有时限"):
            actions.extend(ledger, 2, date(2026, 11, 1), "材料")
        assert not ledger.conn.in_transaction
    finally:
        ledger.close()
    assert snapshot(filled)["rows"] == before["rows"]


# --- the real entry point: usage errors also become one Chinese line, exit code 1 --------


def _ledger(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ledger", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("show", "abc"), "问题编号"),
        (("list", "--limit", "-1"), "--limit 应不小于 0"),  # 0: no limit
        (("list", "--colour"), "没有选项 --colour（可用：--compound, --source）"),
        (("assign", "1", "住建局", "x"), "多余的参数：x"),
        (("rate", "1", "满意", "--close=3"), "选项 --close 不需要值"),
        (("frobnicate",), "没有命令“frobnicate”"),
        (("assign", "1"), "缺少参数"),
        (("add", "路灯", "--community", "东风社区"), "没有名为“东风社区”的社区"),
    ],
)
def test_entry_point_one_line(
    filled: Path, snapshot: Snapshot, args: tuple[str, ...], expected: str
) -> None:
    env = {**os.environ, "LEDGER_DB": str(filled)}
    before = snapshot(filled)
    result = _ledger(*args, env=env)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("错误: ") and expected in lines[0]
    assert "Traceback" not in result.stderr
    assert snapshot(filled) == before


@pytest.mark.parametrize("args", [(), ("area",), ("meeting",)])
def test_no_arguments_shows_help_not_an_error(filled: Path, args: tuple[str, ...]) -> None:
    result = _ledger(*args, env={**os.environ, "LEDGER_DB": str(filled)})
    assert result.returncode == 0
    assert "Usage" in result.stdout or "用法" in result.stdout
    assert "错误" not in result.stderr


def test_python_module_and_places_core_agree(filled: Path) -> None:
    """The core refuses the same ambiguous name the CLI does (no CLI in between)."""
    from ledger.domain.errors import Ambiguous
    from ledger.store.ledger_file import open_ledger

    ledger = open_ledger(filled)
    try:
        with pytest.raises(Ambiguous):
            places_service.find(ledger, "新村社区", "community")
        assert places_service.find(ledger, "济阳街道/新村社区", "community")["path"] == (
            "任城区/济阳街道/新村社区"
        )
        assert (
            places_service.find(ledger, "任城区/古槐街道/新村社区", "community")["name"]
            == "新村社区"
        )
    finally:
        ledger.close()
