"""``ledger merge``: community ledgers rolled up into the subdistrict's.

The subdistrict ledger (the test's $LEDGER_DB) already has one item of its own in 古槐社区.
Two community ledgers are made in their own files, each with its own uids, numbers from 1,
and its own copy of the upper areas 任城区/古槐街道 (same path, different uid).
"""

from __future__ import annotations

import gc
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from typer.testing import Result

from cli_helpers import refused
from ledger.casework import actions
from ledger.io.check import check
from ledger.registry import areas, categories, meetings, units
from ledger.store.ledger_file import Ledger, open_ledger

Run = Callable[..., Result]
TABLES = ("categories", "areas", "units", "meetings", "items", "events")
REPO = Path(__file__).resolve().parents[1]


def contents(path: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in TABLES}
    finally:
        conn.close()


def community_a(path: Path) -> Path:
    """铁塔寺社区: a 夜话 and three items (1 已办结, 2 待分办, 3 办理中)."""
    ledger = open_ledger(path, create=True)
    areas.add_path(ledger, "任城区/古槐街道/铁塔寺社区/铁塔寺小区/A8楼")
    units.add(ledger, "住建局", "职能部门")
    units.add(ledger, "扈师傅维修队", "志愿队")
    meetings.add(
        ledger, kind="夜话", held_on=date(2026, 11, 2), community="铁塔寺社区", attendees=18
    )
    actions.add(ledger, "楼道灯不亮", meeting=1, compound="铁塔寺小区", building="A8楼")
    actions.assign(ledger, 1, "住建局", at=datetime(2026, 11, 3, 10, 0))
    actions.resolve(ledger, 1, "已更换灯泡", at=datetime(2026, 11, 4, 10, 0))
    actions.add(ledger, "垃圾清运不及时", community="铁塔寺社区", raised_on=date(2026, 11, 20))
    categories.add(ledger, "排水")  # a category of its own
    actions.add(
        ledger, "下水道堵塞", community="铁塔寺社区", category="排水", raised_on=date(2026, 11, 21)
    )
    actions.assign(ledger, 3, "扈师傅维修队", at=datetime(2026, 11, 21, 15, 0))
    ledger.close()
    return path


def community_b(path: Path) -> Path:
    """财工街社区 (same 街道): its own 住建局, a property company, two items."""
    ledger = open_ledger(path, create=True)
    areas.add_path(ledger, "任城区/古槐街道/财工街社区")
    units.add(ledger, "住建局", "职能部门")
    units.add(ledger, "新兴物业", "物业", area="财工街社区")
    meetings.add(ledger, kind="说事", held_on=date(2026, 11, 10), community="财工街社区")
    actions.add(ledger, "车辆乱停", meeting=1)
    actions.assign(ledger, 1, "新兴物业", at=datetime(2026, 11, 11, 9, 0))
    actions.add(ledger, "噪音扰民", community="财工街社区", raised_on=date(2026, 11, 12))
    ledger.close()
    return path


@pytest.fixture
def subdistrict(ledger: Ledger, db_path: Path) -> Path:
    """The subdistrict's own ledger: one item in 古槐社区 (number 1)."""
    areas.add_path(ledger, "任城区/古槐街道/古槐社区")
    actions.add(ledger, "街道本级：路灯不亮", community="古槐社区", raised_on=date(2026, 11, 18))
    ledger.close()
    return db_path


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "社区报送"
    folder.mkdir()
    return community_a(folder / "铁塔寺社区.db"), community_b(folder / "财工街社区.db")


def numbers(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT number, origin_number, origin_ledger, title FROM items ORDER BY number"
        ).fetchall()
    finally:
        conn.close()


def test_two_communities_rolled_up(subdistrict: Path, files: tuple[Path, Path], run: Run) -> None:
    a, b = files
    result = run("merge", a, b)
    assert result.exit_code == 0, result.stderr
    # The subdistrict had item 1; 铁塔寺社区's 1–3 become 2–4, 财工街社区's 1–2 become 5–6.
    assert numbers(subdistrict) == [
        (1, None, None, "街道本级：路灯不亮"),
        (2, 1, "铁塔寺社区", "楼道灯不亮"),
        (3, 2, "铁塔寺社区", "垃圾清运不及时"),
        (4, 3, "铁塔寺社区", "下水道堵塞"),
        (5, 1, "财工街社区", "车辆乱停"),
        (6, 2, "财工街社区", "噪音扰民"),
    ]
    assert "铁塔寺社区 的新问题已按本台账重新编号：原编号 1–3 → 2–4" in result.stdout
    assert "财工街社区 的新问题已按本台账重新编号：原编号 1–2 → 5–6" in result.stdout
    assert "合并完成：新增问题 5 件，更新 0 件。" in result.stdout
    conn = sqlite3.connect(subdistrict)
    # Areas matched by path: 任城区 and 古槐街道 once; here 3 (任城区, 古槐街道, 古槐社区)
    # + 铁塔寺社区, 铁塔寺小区, A8楼 + 财工街社区 = 7.
    assert conn.execute("SELECT count(*) FROM areas").fetchone()[0] == 7
    # Units: 住建局 from both files is one unit (same name, no area); + 扈师傅维修队, 新兴物业.
    assert sorted(r[0] for r in conn.execute("SELECT name FROM units")) == [
        "住建局",
        "扈师傅维修队",
        "新兴物业",
    ]
    # Meetings renumbered too, their first number kept.
    assert conn.execute(
        "SELECT number, origin_number, origin_ledger FROM meetings ORDER BY number"
    ).fetchall() == [(1, 1, "铁塔寺社区"), (2, 1, "财工街社区")]
    # Events: 铁塔寺社区 3 + 1 + 2, 财工街社区 2 + 1, the subdistrict's own 1 = 10.
    assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 10
    # 铁塔寺社区's own category came along, and item 4 (its 3) is filed under it.
    assert conn.execute("SELECT category FROM items WHERE number = 4").fetchone()[0] == "排水"
    assert conn.execute("SELECT builtin FROM categories WHERE code = '排水'").fetchone()[0] == 0
    assert check(conn).ok
    conn.close()
    # Ids inside the history point at this ledger's rows: names come out right.
    shown = run("show", "2", "--json")
    item = json.loads(shown.stdout)
    assert (item["community"], item["place"], item["unit"], item["meeting"]) == (
        "铁塔寺社区",
        "铁塔寺小区/A8楼",
        "住建局",
        1,
    )
    assert item["status"] == "resolved"
    item = json.loads(run("show", "5", "--json").stdout)
    assert (item["community"], item["unit"], item["meeting"]) == ("财工街社区", "新兴物业", 2)
    assert run("check").exit_code == 0


def test_merging_again_adds_nothing(subdistrict: Path, files: tuple[Path, Path], run: Run) -> None:
    assert run("merge", *files).exit_code == 0
    before = contents(subdistrict)
    result = run("merge", *files)
    assert result.exit_code == 0, result.stderr
    assert contents(subdistrict) == before
    assert "没有新内容" in result.stdout
    data = json.loads(run("merge", *files, "--json").stdout)
    for file in data["files"]:
        assert set(file["added"].values()) == {0}
        assert file["conflicts"] == []
    # 铁塔寺社区 has 3 items, 财工街社区 2: all known, none changed.
    assert [f["items_unchanged"] for f in data["files"]] == [3, 2]


def test_a_newer_copy_adds_only_what_is_new(
    subdistrict: Path, files: tuple[Path, Path], run: Run, tmp_path: Path
) -> None:
    a, _ = files
    assert run("merge", a).exit_code == 0
    before = contents(subdistrict)
    # A week later 铁塔寺社区 sends its file again, with more done.
    later = tmp_path / "下周报送"
    later.mkdir()
    shutil.copy(a, later / a.name)
    newer = open_ledger(later / a.name)
    actions.resolve(newer, 2, "已协调环卫", at=datetime(2026, 11, 24, 9, 0))
    actions.progress(newer, 3, "已疏通一半", at=datetime(2026, 11, 24, 10, 0))
    actions.add(newer, "健身器材损坏", community="铁塔寺社区", raised_on=date(2026, 11, 25))
    newer.close()

    result = run("merge", later / a.name, "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)["files"][0]
    # New: the resolve of 2, the progress of 3, and item 4 with its one event.
    assert report["added"]["items"] == 1
    assert report["added"]["events"] == 3
    assert report["items_updated"] == 2
    assert report["items_unchanged"] == 1  # item 1: nothing new
    assert report["numbers"] == [{"origin_number": 4, "number": 5}]
    after = contents(subdistrict)
    assert after["areas"] == before["areas"] and after["units"] == before["units"]
    assert len(after["events"]) == len(before["events"]) + 3
    old_events = set(before["events"])
    assert old_events <= set(after["events"])  # nothing rewritten, only added
    item = json.loads(run("show", "3", "--json").stdout)  # 铁塔寺社区 2
    assert (item["status"], item["result"]) == ("resolved", "已协调环卫")
    item = json.loads(run("show", "4", "--json").stdout)  # 铁塔寺社区 3
    assert (item["status"], item["last_progress"]) == ("assigned", "已疏通一半")
    assert run("check").exit_code == 0


def test_conflict_is_reported_and_nothing_overwritten(
    subdistrict: Path, files: tuple[Path, Path], run: Run
) -> None:
    a, _ = files
    assert run("merge", a).exit_code == 0
    # The subdistrict chases 铁塔寺社区's item 3 (here number 4) …
    assert run("progress", "4", "街道督办：请本周内疏通", "--at", "2026-11-24 09:00").exit_code == 0
    # … while the community records something else on the same item, and settles item 2.
    community = open_ledger(a)
    actions.progress(community, 3, "社区跟进：已联系维修队", at=datetime(2026, 11, 24, 11, 0))
    actions.resolve(community, 2, "已协调环卫", at=datetime(2026, 11, 24, 12, 0))
    community.close()
    conn = sqlite3.connect(subdistrict)
    row_before = conn.execute("SELECT * FROM items WHERE number = 4").fetchone()
    events_before = conn.execute(
        "SELECT * FROM events WHERE item_id = (SELECT id FROM items WHERE number = 4)"
    ).fetchall()
    conn.close()

    result = run("merge", a)
    assert result.exit_code == 0, result.stderr
    assert "有 1 件问题两边各有对方没有的办理记录，未合并，本台账保持不变" in result.stderr
    assert "问题 4（铁塔寺社区 原编号 3）：本台账有 1 条、铁塔寺社区.db 有 1 条对方没有的记录" in (
        result.stderr
    )
    conn = sqlite3.connect(subdistrict)
    assert conn.execute("SELECT * FROM items WHERE number = 4").fetchone() == row_before
    assert (
        conn.execute(
            "SELECT * FROM events WHERE item_id = (SELECT id FROM items WHERE number = 4)"
        ).fetchall()
        == events_before
    )
    # The item without a conflict was brought up to date in the same merge.
    assert conn.execute("SELECT status FROM items WHERE number = 3").fetchone()[0] == "resolved"
    conn.close()
    assert run("check").exit_code == 0


def test_dry_run_writes_nothing(subdistrict: Path, files: tuple[Path, Path], run: Run) -> None:
    before = contents(subdistrict)
    result = run("merge", *files, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "试运行" in result.stdout
    assert "原编号 1–3 → 2–4" in result.stdout  # what a real merge would do
    assert contents(subdistrict) == before


def test_rolled_up_twice_keeps_the_first_number(
    subdistrict: Path, files: tuple[Path, Path], run: Run, tmp_path: Path
) -> None:
    """community → subdistrict → county: the county still sees 铁塔寺社区's own numbers."""
    assert run("merge", *files).exit_code == 0
    county = tmp_path / "任城区.db"
    assert run("init", "--db", county).exit_code == 0
    result = run("merge", subdistrict, "--db", county)
    assert result.exit_code == 0, result.stderr
    assert numbers(county) == [
        (1, 1, "ledger", "街道本级：路灯不亮"),
        (2, 1, "铁塔寺社区", "楼道灯不亮"),
        (3, 2, "铁塔寺社区", "垃圾清运不及时"),
        (4, 3, "铁塔寺社区", "下水道堵塞"),
        (5, 1, "财工街社区", "车辆乱停"),
        (6, 2, "财工街社区", "噪音扰民"),
    ]
    # Merging a community file directly into the county afterwards adds nothing new.
    result = run("merge", files[0], "--db", county, "--json")
    assert json.loads(result.stdout)["files"][0]["added"]["items"] == 0


def test_refusals_leave_the_ledger_unchanged(
    subdistrict: Path, files: tuple[Path, Path], run: Run, tmp_path: Path
) -> None:
    before = contents(subdistrict)
    text = tmp_path / "名单.db"
    text.write_text("不是数据库" * 300, encoding="utf-8")
    assert "不是台账文件" in refused(run("merge", files[0], text))

    newer = tmp_path / "newer.db"
    shutil.copy(files[0], newer)
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    assert "更新版本" in refused(run("merge", newer))

    stranger = tmp_path / "stranger.db"
    conn = sqlite3.connect(stranger)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    assert "别的程序" in refused(run("merge", stranger))

    assert "不能合并到它自己" in refused(run("merge", subdistrict))
    assert "找不到文件" in refused(run("merge", tmp_path / "没有.db"))
    assert "文件夹" in refused(run("merge", tmp_path))
    assert contents(subdistrict) == before


def test_a_broken_source_is_refused_as_a_whole(
    subdistrict: Path, files: tuple[Path, Path], run: Run
) -> None:
    """财工街社区's history names a unit that is not in its file: nothing at all is merged."""
    before = contents(subdistrict)
    conn = sqlite3.connect(files[1])
    conn.execute(
        "UPDATE events SET changes = json_set(changes, '$.unit_id', 99) WHERE action = 'assign'"
    )
    conn.commit()
    conn.close()
    message = refused(run("merge", files[0], files[1]))
    assert "财工街社区.db" in message and "引用的承办单位（99）不存在" in message
    assert "台账未作任何改动" in message
    assert contents(subdistrict) == before


def test_import_keys_follow_their_items(
    subdistrict: Path, files: tuple[Path, Path], run: Run
) -> None:
    """A row imported from a spreadsheet in the community stays known after the roll-up, so
    importing the same sheet into the subdistrict's ledger adds nothing twice."""
    conn = sqlite3.connect(files[0])
    conn.execute(
        "INSERT INTO import_keys (key, item_id, source, imported_at) "
        "SELECT 'row-hash-1', id, '台账.xlsx 6月 第3行', '2026-11-20T10:00:00' FROM items "
        "WHERE number = 2"
    )
    conn.commit()
    conn.close()
    assert run("merge", *files).exit_code == 0
    conn = sqlite3.connect(subdistrict)
    found = conn.execute(
        "SELECT k.key, i.number FROM import_keys k JOIN items i ON i.id = k.item_id"
    ).fetchall()
    conn.close()
    assert found == [("row-hash-1", 3)]  # 铁塔寺社区's item 2 is number 3 here


# --- kill -9 in the middle of a large merge --------------------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 20,000-item community-style ledger from bench/generate.py."""
    path = tmp_path_factory.mktemp("bench") / "20k.db"
    subprocess.run(
        [sys.executable, str(REPO / "bench" / "generate.py"), "20000", str(path)],
        check=True,
        capture_output=True,
    )
    return path


def _merge_process(source: Path, target: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "LEDGER_NOW": "2026-11-26T09:00:00"}
    return subprocess.Popen(
        [sys.executable, "-m", "ledger", "merge", str(source), "--db", str(target)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _state(target: Path) -> tuple[int, int, bool]:
    conn = sqlite3.connect(target)
    try:
        found = conn.execute("SELECT count(*) FROM items").fetchone()[0]
        events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
        return found, events, check(conn).ok
    finally:
        conn.close()


@pytest.mark.slow  # kill -9 of a 20,000-item merge
def test_kill_during_a_large_merge_leaves_nothing_or_everything(
    generated: Path, tmp_path: Path, run: Run
) -> None:
    empty = tmp_path / "empty.db"
    assert run("init", "--db", empty).exit_code == 0
    gc.collect()  # close init's connection: its tables must be in the file, not in a -wal
    source_events = sqlite3.connect(generated).execute("SELECT count(*) FROM events").fetchone()[0]

    # One full merge, to spread the kills over how long a merge takes on this machine.
    complete = tmp_path / "complete.db"
    shutil.copy(empty, complete)
    started = time.monotonic()
    process = _merge_process(generated, complete)
    assert process.wait(timeout=600) == 0, process.stderr.read() if process.stderr else ""
    duration = time.monotonic() - started
    assert _state(complete) == (20000, source_events, True)

    rng = random.Random(20261126)
    outcomes, unfinished = [], []
    for attempt, fraction in enumerate(sorted(rng.uniform(0.15, 0.95) for _ in range(3))):
        target = tmp_path / f"killed{attempt}.db"
        shutil.copy(empty, target)
        process = _merge_process(generated, target)
        time.sleep(duration * fraction)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        wal = target.with_name(target.name + "-wal")
        unfinished.append(wal.stat().st_size if wal.exists() else 0)
        items_found, events_found, ok = _state(target)
        assert (items_found, events_found) in ((0, 0), (20000, source_events))
        assert ok
        outcomes.append(items_found)
    assert 0 in outcomes  # at least one kill landed before the commit …
    assert max(unfinished) > 0  # … while the merge had pages written but not committed
    # The ledger works on after a kill: the same merge run again completes it.
    assert run("merge", generated, "--db", tmp_path / "killed0.db").exit_code == 0
    assert _state(tmp_path / "killed0.db") == (20000, source_events, True)


def test_repeat_links_follow_their_items(subdistrict: Path, tmp_path: Path, run: Run) -> None:
    # 铁塔寺社区: 2 repeats 1 (from add), 3 was linked to 1 later; in the subdistrict's
    # ledger, which has its own item 1, they become 2, 3, 4 and the links must follow.
    source = tmp_path / "铁塔寺社区.db"
    ledger = open_ledger(source, create=True)
    areas.add_path(ledger, "任城区/古槐街道/铁塔寺社区/铁塔寺小区/3号楼")
    site = {"community": "铁塔寺社区", "compound": "铁塔寺小区", "building": "3号楼"}
    actions.add(ledger, "3号楼楼顶漏水", **site, raised_on=date(2026, 11, 2))
    actions.add(ledger, "3号楼楼顶又漏水了", **site, raised_on=date(2026, 11, 9), repeat_of=1)
    actions.add(ledger, "楼顶漏水没修好", **site, raised_on=date(2026, 11, 16), new=True)
    actions.link(ledger, 3, 1)
    ledger.close()
    assert run("merge", source).exit_code == 0
    merged = open_ledger(subdistrict)
    try:
        links = merged.conn.execute(
            "SELECT i.number, r.number FROM items i LEFT JOIN items r ON r.id = i.repeat_of "
            "ORDER BY i.number"
        ).fetchall()
    finally:
        merged.close()
    assert links == [(1, None), (2, None), (3, 2), (4, 2)]
