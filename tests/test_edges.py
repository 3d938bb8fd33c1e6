"""Issue 11: nothing a file or a keyboard sends can write outside its place, fake an empty
ledger or reach the terminal raw. One regression test (or a few) per item of the issue;
item 8 (English) is in tests/test_no_english.py, the fuzz test in tests/test_fuzz_input.py.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import Result

import ledger
from cli_helpers import refused
from ledger.casework import actions
from ledger.domain import clock
from ledger.registry import areas as places_service
from ledger.registry import meetings, units
from ledger.store.ledger_file import Ledger, open_ledger
from ledger.views import item_detail

Run = Callable[..., Result]
Snapshot = Callable[[Path], dict[str, object]]


def _ok(result: Result) -> str:
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    return result.stdout


def _all_files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


# --- 1. names that become file names ----------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["../../evil", "a/b", "a\\b", "C:x", "CON", "con.txt", "LPT1", "..", ".", "", " . ", "问号?",
     "x" * 300, "长" * 300, "\x1b[2J清屏", "a\u202eb"],
)  # fmt: skip
def test_safe_name_is_one_harmless_part(name: str, tmp_path: Path) -> None:
    from ledger.domain.filenames import MAX_BYTES, inside, safe_name

    safe = safe_name(name)
    assert safe and "/" not in safe and "\\" not in safe and ".." not in safe
    assert not set(safe) & set(':*?"<>|') and not any(ord(c) < 32 for c in safe)
    assert safe.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL", "LPT1", "COM1"}
    assert len(safe.encode()) <= MAX_BYTES
    assert safe == safe.strip(" .")
    assert inside(tmp_path, safe + ".xlsx").parent == tmp_path
    (tmp_path / (safe + "-2026年06月-问题台账月报.xlsx")).write_bytes(b"")  # a real file name


def test_safe_names_never_collide() -> None:
    from ledger.domain.filenames import safe_name

    names = ["a/b", "a:b", "a_b", "a?b", "CON", "_CON", "长" * 300, "长" * 299 + "短", "古槐街道"]
    assert len({safe_name(n) for n in names}) == len(names)
    assert safe_name("古槐街道") == "古槐街道"  # an ordinary name is left as it is


def test_inside_refuses_what_leaves_the_folder(tmp_path: Path) -> None:
    from ledger.domain.filenames import inside

    for bad in ("../x.xlsx", "a/../../x.xlsx", "/etc/x", ".."):
        with pytest.raises(Exception, match="不安全"):
            inside(tmp_path, bad)


@pytest.fixture
def evil_names(places: Ledger) -> Ledger:
    """Names that ledger commands refuse, planted directly in the file (as an older version's
    merge could bring them): two subdistricts, a county, a unit."""
    ledger = places
    actions.add(ledger, "路灯不亮", community="铁塔寺社区", raised_on=date(2026, 11, 2))
    actions.add(ledger, "垃圾清运", community="财工街社区", raised_on=date(2026, 11, 3))
    actions.assign(ledger, 1, "住建局", at=datetime(2026, 11, 3, 9))
    conn = ledger.conn
    conn.execute("UPDATE areas SET name = '../../evil' WHERE name = '古槐街道'")
    conn.execute("UPDATE areas SET name = '..:evil' WHERE name = '济阳街道'")
    conn.execute("UPDATE areas SET name = 'CON' WHERE name = '任城区'")
    conn.execute("UPDATE units SET name = '../../催办' WHERE name = '住建局'")
    return ledger


def test_report_files_stay_in_the_out_folder(evil_names: Ledger, run: Run, tmp_path: Path) -> None:
    """Before: `report monthly --out a/b/c/out --summary` wrote a/evil-…xlsx."""
    out = tmp_path / "a" / "b" / "c" / "out"
    _ok(run("report", "monthly", "--month", "2026-11", "--summary", "--out", out))
    elsewhere = [
        p for p in tmp_path.rglob("*") if p.is_file() and p.parent != out and p.parent != tmp_path
    ]
    assert elsewhere == []
    assert {p.name for p in tmp_path.iterdir() if not p.name.startswith("ledger.db")} == {"a"}
    written = sorted(os.listdir(out))
    # Two subdistricts with items and two county summaries, none named by the raw names.
    assert len(written) == 4 and sum(name.endswith("汇总.xlsx") for name in written) == 2
    assert not any(name.startswith(("..", "CON-", "CON.")) for name in written), written


def test_reminder_files_stay_in_the_out_folder(
    evil_names: Ledger, run: Run, tmp_path: Path
) -> None:
    out = tmp_path / "x" / "notices"
    _ok(run("remind", "--out", out))
    assert sorted(p.parent for p in (tmp_path / "x").rglob("*") if p.is_file()) == [out, out]
    assert all(p.suffix in (".txt", ".xlsx") for p in out.iterdir())


def _source_ledger(path: Path) -> Path:
    ledger = open_ledger(path, create=True, actor="社区")
    places_service.add_path(ledger, "任城区/古槐街道/铁塔寺社区")
    units.add(ledger, "住建局", "department")
    actions.add(ledger, "楼道灯不亮", community="铁塔寺社区", raised_on=date(2026, 11, 20))
    ledger.close()
    return path


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        (
            "UPDATE areas SET name = '古槐/../../evil' WHERE level = 'subdistrict'",
            "区划“古槐/../../evil”含有“/”等不能输入的字符",
        ),
        ("UPDATE units SET name = 'a/b'", "承办单位“a/b”含有“/”等不能输入的字符"),
        (f"UPDATE areas SET name = '{'长' * 60}' WHERE level = 'community'", "区划名称过长"),
    ],
)
def test_merge_refuses_names_that_could_not_have_been_typed(
    ledger: Ledger, db_path: Path, run: Run, snapshot: Snapshot, tmp_path: Path, sql: str,
    message: str,
) -> None:  # fmt: skip
    source = _source_ledger(tmp_path / "社区.db")
    with sqlite3.connect(source) as conn:
        conn.execute(sql)
    ledger.close()
    before = snapshot(db_path)
    line = refused(run("merge", source))
    assert message in line and "台账未作任何改动" in line
    assert snapshot(db_path) == before


def test_merge_cleans_control_characters(ledger: Ledger, run: Run, tmp_path: Path) -> None:
    source = _source_ledger(tmp_path / "社区.db")
    with sqlite3.connect(source) as conn:
        conn.execute("UPDATE areas SET name = '铁塔寺\x1b[2J社区' WHERE level = 'community'")
        conn.execute("UPDATE events SET note = '备\x1b[31m注', actor = '张\u202e三'")
        changes = json.loads(conn.execute("SELECT changes FROM events").fetchone()[0])
        changes["title"], changes["reporter"] = "楼道灯\x7f不亮\x1b[0m", "\x1b]0;李四\x07"
        # The registration's inputs (params) hold the same texts: replay derives from them.
        conn.execute("UPDATE events SET changes = ?, params = ?", (json.dumps(changes),) * 2)
    _ok(run("merge", source))
    item = item_detail.describe(ledger, 1, date(2026, 11, 26))
    assert (item["title"], item["reporter"], item["community"]) == (
        "楼道灯不亮[0m",
        "]0;李四",
        "铁塔寺[2J社区",
    )
    assert (item["events"][0]["note"], item["events"][0]["actor"]) == ("备[31m注", "张三")


# --- 2. only init makes a ledger ----------------------------------------------------------

EMPTY = "是空文件，不是台账（复制或保存时可能中断了）；请从备份恢复"


@pytest.mark.parametrize(
    "args",
    [["list"], ["show", "1"], ["today"], ["stats"], ["add", "路灯", "--community", "x"],
     ["export"], ["backup"], ["check"], ["config"], ["area", "list"], ["unit", "list"],
     ["meeting", "list"], ["category", "list"], ["report", "monthly"]],
    ids=" ".join,
)  # fmt: skip
def test_a_zero_byte_file_is_refused_by_every_command(
    args: list[str], run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: `: > e.db; ledger list --db e.db` said 台账里还没有问题 and wrote 155 KB."""
    monkeypatch.chdir(tmp_path)
    empty = tmp_path / "e.db"
    empty.touch()
    line = refused(run(*args, "--db", empty))
    assert line == (
        f"错误: “{empty}”{EMPTY}（ledger backup 生成的 …-备份-….db），"
        f"或用 ledger init --db {empty} 新建台账"
    )
    assert _all_files(tmp_path) == {"e.db"} and empty.stat().st_size == 0


def test_an_empty_sqlite_file_is_refused_too(run: Run, tmp_path: Path) -> None:
    """A SQLite file with no tables (what a copy of a ledger without its -wal can be)."""
    blank = tmp_path / "blank.db"
    conn = sqlite3.connect(blank)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    assert blank.stat().st_size > 0
    assert refused(run("list", "--db", blank)).startswith(f"错误: “{blank}”是空文件，不是台账")
    target = tmp_path / "t.db"
    _ok(run("init", "--db", target))
    assert refused(run("merge", blank, "--db", target)).startswith(
        f"错误: “{blank}”是空文件，不是台账"
    )


def test_init_makes_a_ledger_of_a_zero_byte_file(run: Run, tmp_path: Path) -> None:
    empty = tmp_path / "e.db"
    empty.touch()
    assert _ok(run("init", "--db", empty)).startswith(f"已创建台账：{empty}")
    assert "台账里还没有问题" in _ok(run("list", "--db", empty))


# --- 3. and 4. free text is cleaned and bounded ------------------------------------------


def test_terminal_escapes_never_reach_the_screen(places: Ledger, run: Run) -> None:
    """Before: `ledger add x --by $'\\e[2J张三'` then `ledger show` cleared the screen."""
    esc = "\x1b[2J"
    _ok(run("area", "add", "任城区/古槐街道/铁塔寺社区/\x1b幸福\x7f小区"))
    _ok(run("unit", "add", "\x1b维修\u202e队", "--contact", f"\x9b李{esc}四"))
    _ok(run("meeting", "add", "--kind", "夜话", "--community", "铁塔寺社区",
            "--host", f"王{esc}书记", "--note", "记录\x1b]0;标题\x07"))  # fmt: skip
    _ok(run("add", f"楼道灯{esc}不亮", "--community", "铁塔寺社区", "--compound", "幸福小区",
            "--by", f"{esc}张三", "--note", "备注\u202e倒", "--meeting", "1"))  # fmt: skip
    _ok(run("assign", "1", "维修队", "--note", "\x1b[31m红"))
    _ok(run("edit", "1", "--by", "张\x00三\x7f", "--note", "\u2066隔\u2069离"))
    shown = "".join(
        _ok(run(*args))
        for args in (("show", "1"), ("list",), ("today",), ("unit", "list"), ("area", "list"),
                     ("meeting", "show", "1"), ("show", "1", "--json"))
    )  # fmt: skip
    assert [c for c in shown if (ord(c) < 32 and c != "\n") or c in "\x7f\u202e\u2066"] == []
    item = item_detail.describe(places, 1, date(2026, 11, 26))
    assert (item["title"], item["reporter"], item["place"], item["unit"]) == (
        "楼道灯[2J不亮", "张三", "幸福小区", "维修队"
    )  # fmt: skip
    assert [e["note"] for e in item["events"]] == ["备注倒", "[31m红", "隔离"]
    meeting = meetings.get(places, 1)
    assert (meeting["host"], meeting["note"]) == ("王[2J书记", "记录]0;标题")
    assert units.find(places, "维修队")["contact"] == "李[2J四"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "路灯", "--community", "铁塔寺社区", "--by", "张" * 101], "反映人过长（101 字，最多 100 字）"),
        (["add", "路灯", "--community", "铁塔寺社区", "--note", "记" * 4001], "备注过长（4001 字，最多 4000 字）"),
        (["unit", "add", "单" * 51], "单位名称过长（51 字，最多 50 字）"),
        (["unit", "add", "单位", "--contact", "联" * 101], "联系人过长（101 字，最多 100 字）"),
        (["area", "add", "任城区/古槐街道/" + "社" * 51], "区划名称过长（51 字，最多 50 字）"),
        (["meeting", "add", "--kind", "夜话", "--community", "铁塔寺社区", "--host", "主" * 101],
         "主持人过长（101 字，最多 100 字）"),
        (["meeting", "add", "--kind", "夜话", "--community", "铁塔寺社区", "--note", "会" * 4001],
         "会议记录过长（4001 字，最多 4000 字）"),
        (["category", "add", "类" * 21], "类别名称应为 1–20 个字"),
    ],
)  # fmt: skip
def test_names_and_notes_have_length_limits(
    places: Ledger, db_path: Path, run: Run, snapshot: Snapshot, args: list[str], message: str
) -> None:
    places.close()
    before = snapshot(db_path)
    assert refused(run(*args)) == f"错误: {message}"
    assert snapshot(db_path) == before


def test_export_xlsx_failure_prints_one_line(places: Ledger, db_path: Path, tmp_path: Path) -> None:
    """Before: the error line was followed by five "Exception ignored … I/O operation on
    closed file" tracebacks (a 40,000-字 note, as an older version accepted)."""
    actions.add(places, "路灯", community="铁塔寺社区")
    places.conn.execute("UPDATE events SET note = ?", ("注" * 40_000,))
    places.close()
    done = subprocess.run(
        [sys.executable, "-m", "ledger", "export", "--format", "xlsx", "--out",
         str(tmp_path / "out.xlsx"), "--db", str(db_path)],
        capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": ""},
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr == (
        "错误: 有一项内容长达 40000 字，超过 Excel 单元格的上限 32767 字；"
        "请改用 --format json 或 csv 导出\n"
    )
    assert not (tmp_path / "out.xlsx").exists()


# --- 5. an explicitly empty value is an error --------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "路灯", "--community", "铁塔寺社区", "--date", ""], "--date 的值为空；不指定时请省略 --date"),
        (["assign", "1", "住建局", "--at", ""], "--at 的值为空；不指定时请省略 --at"),
        (["assign", "1", "住建局", "--at", "\u200b"], "--at 的值为空；不指定时请省略 --at"),
        (["stats", "--month", ""], "--month 的值为空；不指定时请省略 --month"),
        (["report", "monthly", "--month", " "], "--month 的值为空；不指定时请省略 --month"),
        (["list", "--since", ""], "--since 的值为空；不指定时请省略 --since"),
        (["meeting", "add", "--kind", "夜话", "--community", "铁塔寺社区", "--date", ""],
         "--date 的值为空；不指定时请省略 --date"),
        (["add", "\u200b\u200c\ufeff", "--community", "铁塔寺社区"], "问题描述不能为空"),
        (["add", "\u202e \u2066", "--community", "铁塔寺社区"], "问题描述不能为空"),
        (["resolve", "1", "\u200b"], "办理结果不能为空"),
        (["unit", "add", "\u200d"], "单位名称不能为空"),
    ],
)  # fmt: skip
def test_explicitly_empty_values_are_named_errors(
    places: Ledger, db_path: Path, run: Run, snapshot: Snapshot, args: list[str], message: str
) -> None:
    """Before: `--date ''` recorded today, `--at ''` now, `--month ''` the default month."""
    actions.add(places, "路灯", community="铁塔寺社区")
    places.close()
    before = snapshot(db_path)
    assert refused(run(*args)) == f"错误: {message}"
    assert snapshot(db_path) == before


# --- 6. community names with _ or % -------------------------------------------------------


def test_underscore_in_a_community_name_matches_only_itself(
    ledger: Ledger, db_path: Path, run: Run, snapshot: Snapshot
) -> None:
    """Before: the item went into A_社区 with AB社区's compound, and check said 台账完好."""
    places_service.add_path(ledger, "任城区/古槐街道/AB社区/幸福小区")
    places_service.add_path(ledger, "任城区/古槐街道/A_社区")
    places_service.add_path(ledger, "任城区/古槐街道/A%社区")
    ledger.close()
    before = snapshot(db_path)
    for community in ("A_社区", "A%社区"):
        line = refused(run("add", "路灯", "--community", community, "--compound", "幸福小区"))
        assert line == f"错误: “{community}”下没有名为“幸福小区”的小区；请先用 ledger area add 添加"
    assert snapshot(db_path) == before
    _ok(run("area", "add", "任城区/古槐街道/A_社区/幸福小区"))
    _ok(run("add", "路灯", "--community", "A_社区", "--compound", "幸福小区"))
    assert json.loads(_ok(run("show", "1", "--json")))["place"] == "幸福小区"
    assert "A_社区" in _ok(run("show", "1"))


# --- 7. one stored time format, in China time ---------------------------------------------

TZ_SCRIPT = [
    ["init"],
    ["area", "add", "任城区/古槐街道/铁塔寺社区"],
    ["unit", "add", "住建局"],
    ["add", "路灯不亮", "--community", "铁塔寺社区", "--date", "2026-06-24"],
    # 20:00 in New York on 24 June is 08:00 on 25 June in China.
    ["assign", "1", "住建局", "--at", "2026-06-24T20:00:00-04:00"],
    ["progress", "1", "已派人", "--at", "2026-06-25 08:30"],  # naive: China time
    ["resolve", "1", "已修好", "--at", "2026-06-25T01:00:00Z"],  # 09:00 in China
    ["show", "1", "--json"],
    ["list", "--all", "--json"],
    ["stats", "--month", "2026-06", "--json"],
]


def _run_script(folder: Path, zone: str) -> list[str]:
    env = {
        **os.environ,
        "TZ": zone,
        "LEDGER_DB": str(folder / "ledger.db"),
        # Documented form with an offset: 02:30 UTC is 10:30 in China.
        "LEDGER_NOW": "2026-06-25T02:30:00+00:00",
        "LEDGER_ACTOR": "测试员",
    }
    shown = []
    for args in TZ_SCRIPT:
        done = subprocess.run(
            [sys.executable, "-m", "ledger", *args], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, (args, done.stderr)
        # Every run makes new unique ids; all else must be the same.
        shown.append(re.sub(r'"uid": ?"[0-9a-f]{32}"', '"uid": ""', done.stdout + done.stderr))
    return shown


def test_times_are_china_time_whatever_the_machine_zone(tmp_path: Path) -> None:
    """Before: LEDGER_NOW with +08:00 stored the offset in events.at and the next --at action
    crashed comparing naive and aware datetimes."""
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    in_utc = _run_script(tmp_path / "one", "UTC")
    in_new_york = _run_script(tmp_path / "two", "America/New_York")
    in_utc[0] = in_utc[0].replace("one", "two")  # init names the file
    assert in_utc == in_new_york
    item = json.loads(in_utc[-3])
    assert [(e["action"], e["at"], e["recorded_at"]) for e in item["events"]] == [
        ("add", "2026-06-24", "2026-06-25T10:30:00"),  # a date stays a date
        ("assign", "2026-06-25T08:00:00", "2026-06-25T10:30:00"),
        ("progress", "2026-06-25T08:30:00", "2026-06-25T10:30:00"),
        ("resolve", "2026-06-25T09:00:00", "2026-06-25T10:30:00"),
    ]
    assert (item["assigned_on"], item["resolved_on"]) == ("2026-06-25", "2026-06-25")


@pytest.fixture
def zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    def use(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("name", ["UTC", "America/New_York", "Asia/Shanghai"])
def test_the_clock_reads_china_time(
    name: str, zone: Callable[[str], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    zone(name)
    monkeypatch.delenv("LEDGER_NOW")
    china = datetime.now(UTC).replace(tzinfo=None) + timedelta(hours=8)
    assert abs(clock.now() - china) < timedelta(minutes=1)
    monkeypatch.setenv("LEDGER_NOW", "2026-06-25T09:00:00+08:00")
    assert clock.now() == datetime(2026, 6, 25, 9, 0, 0)
    monkeypatch.setenv("LEDGER_NOW", "2026-06-24T21:00:00-04:00")
    assert clock.now() == datetime(2026, 6, 25, 9, 0, 0)


@pytest.mark.slow  # a nested pytest run per zone
@pytest.mark.parametrize("name", ["UTC", "America/New_York"])
def test_core_cases_pass_in_any_machine_zone(name: str) -> None:
    """The suite's core cases (dates, working days and deadlines, the lifecycle) give the
    same results whatever the machine's time zone."""
    repo = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0",
         "tests/test_dates.py", "tests/test_lifecycle.py", "tests/test_workdays.py"],
        cwd=repo, env={**os.environ, "TZ": name}, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:]


# --- 9. a ledger nobody can write ---------------------------------------------------------


def _as_other_user() -> list[str]:
    """Run as 'nobody' when root (permissions do not bind root), else as ourselves."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: a read-only folder binds nobody")
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]


@pytest.fixture
def read_only_ledger(places: Ledger, db_path: Path) -> Iterator[Path]:
    actions.add(places, "路灯不亮", community="铁塔寺社区", raised_on=date(2026, 11, 20))
    actions.assign(places, 1, "住建局", at=datetime(2026, 11, 20, 21))
    places.close()
    folder = Path(tempfile.mkdtemp(prefix="ledger-ro-"))
    os.chmod(folder, 0o755)
    stick = folder / "U盘"
    stick.mkdir()
    shutil.copy(db_path, stick / "台账.db")
    out = folder / "out"
    out.mkdir()
    os.chmod(out, 0o777)
    os.chmod(stick / "台账.db", 0o444)
    os.chmod(stick, 0o555)
    yield stick / "台账.db"
    os.chmod(stick, 0o755)
    shutil.rmtree(folder)


def _ledger_as_other(args: list[str], path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*_as_other_user(), sys.executable, "-m", "ledger", *args, "--db", str(path)],
        capture_output=True, text=True, cwd=path.parent.parent,
        # The package itself, whichever way it was installed for us.
        env={**os.environ, "COLUMNS": "200", "PYTHONPATH": str(Path(ledger.__file__).parents[1])},
    )  # fmt: skip


@pytest.mark.slow  # every read command, each a process run as another user
def test_a_read_only_ledger_opens_for_every_read_command(read_only_ledger: Path) -> None:
    """Before: every command said 文件或其所在文件夹是只读的."""
    path = read_only_ledger
    out = path.parent.parent / "out"
    for args in (["list"], ["show", "1"], ["today"], ["stats", "--month", "2026-11"],
                 ["check"], ["config"], ["unit", "list"], ["area", "list"], ["meeting", "list"],
                 ["category", "list"], ["export", "--out", str(out / "e.json")],
                 ["backup", f"{out}/"], ["report", "monthly", "--month", "2026-11", "--out",
                 str(out / "r")]):  # fmt: skip
        done = _ledger_as_other(args, path)
        assert done.returncode == 0, (args, done.stderr)
    assert "路灯不亮" in _ledger_as_other(["show", "1"], path).stdout
    assert "台账完好" in _ledger_as_other(["check"], path).stdout
    refused_add = _ledger_as_other(["add", "x", "--community", "铁塔寺社区"], path)
    assert (refused_add.returncode, refused_add.stderr) == (
        1,
        f"错误: 台账文件“{path}”或其所在文件夹是只读的：可以查看，不能录入或修改；"
        "请把台账复制到可写入的文件夹\n",
    )
    assert sorted(os.listdir(path.parent)) == ["台账.db"]


def test_a_read_only_ledger_with_unmerged_records_is_not_shown_without_them(
    read_only_ledger: Path,
) -> None:
    """Opening read-only without the -wal's records would show an old state: refused."""
    stick = read_only_ledger.parent
    os.chmod(stick, 0o755)
    writer = sqlite3.connect(read_only_ledger)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("UPDATE settings SET value = value WHERE 0")
    writer.execute("INSERT INTO settings(key, value) VALUES ('reporting_unit', '古槐街道')")
    writer.commit()
    shutil.copy(read_only_ledger.with_name("台账.db-wal"), stick / "wal")
    writer.close()  # checkpoints and removes the -wal: put the unmerged one back
    (stick / "wal").rename(stick / "台账.db-wal")
    assert (stick / "台账.db-wal").stat().st_size > 0
    os.chmod(stick, 0o555)
    done = _ledger_as_other(["list"], read_only_ledger)
    assert done.returncode == 1
    assert "还有未并入主文件的记录（台账.db-wal）" in done.stderr


# --- 10. backup into a folder that does not exist -----------------------------------------


def test_backup_into_a_missing_folder_says_so(
    ledger: Ledger, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: `ledger backup newdir/` wrote a file named newdir."""
    monkeypatch.chdir(tmp_path)
    before = _all_files(tmp_path)
    assert refused(run("backup", "newdir/")) == "错误: 备份目录“newdir”不存在"
    assert _all_files(tmp_path) == before
    (tmp_path / "newdir").mkdir()
    _ok(run("backup", "newdir/"))
    assert [p.name for p in (tmp_path / "newdir").iterdir()] == ["ledger-备份-20261126-090000.db"]


def test_one_rule_for_what_a_spreadsheet_runs_as_a_formula() -> None:
    from ledger.domain.text import looks_like_formula

    for text in ("=1+1", "+86", "-3", "@SUM(A1)", "\t=1", "\r=1", "＝1", "﹢1"):
        assert looks_like_formula(text), text
    for text in ("", "路灯不亮", "'=1", "1=1", " =1"):
        assert not looks_like_formula(text), text
