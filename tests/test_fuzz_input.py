"""Fuzz the free-text and date arguments of add, edit, unit add, area add and meeting add.

Whatever is typed or pasted, each run either succeeds (exit 0) with the text stored cleaned —
the same visible characters in the same order, and no control, format or surrogate
character — or is refused (exit 1) with one Chinese line and the ledger unchanged. Never a
traceback; never a raw control character in ``show``, ``list`` or ``today``.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from ledger.casework import actions
from ledger.cli.app import app
from ledger.registry import meetings
from ledger.store.ledger_file import Ledger

Snapshot = Callable[[Path], dict[str, object]]

# Text as keyboards, pastes and old files send it: any character (controls, escapes, bidi
# overrides, zero-width, surrogates), often mixed with Chinese, sometimes very long.
_NASTY = "\x00\x07\x08\x1b\x7f\x85\x9b\u00ad\u200b\u200d\u200e\u202e\u2066\u2028\ufeff\r\n\t "
any_text = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(_NASTY),
        st.sampled_from("路灯楼道不亮张三社区/／>_%"),
    ),
    max_size=40,
)
free_text = st.one_of(
    any_text,
    st.builds(lambda s, n: s * n, st.sampled_from(["长", "\u200b", "a\x1b"]), st.integers(1, 4100)),
)
dates = st.one_of(
    st.sampled_from(
        [
            "2026-11-20",
            "11月20日",
            "昨天",
            "今天",
            "",
            " ",
            "\u200b",
            "2026-02-30",
            "1999-01-01",
            "9999-12-31",
            "2026-11-27",
            "2026/11/20",
            "2026-11-20 21:30",
            "2026-11-20T21:30:00+08:00",
            "2026-11-20T13:30:00Z",
            "2026-11-20 25:00",
            "-1",
            "--help",
        ]
    ),
    any_text,
)
maybe = st.one_of(st.none(), free_text)

FUZZ = settings(
    max_examples=20,  # ×5 commands; the shared CI machine has two cores
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
runner = CliRunner()


def _invoke(*args: str) -> Result:
    return runner.invoke(app, list(args))


def _options(**values: str | None) -> list[str]:
    """--name=value, so that a value starting with '-' is still a value."""
    return [
        f"--{name.replace('_', '-')}={value}" for name, value in values.items() if value is not None
    ]


_UNSAFE = {"Cc", "Cf", "Cs"}


def _unsafe(text: str) -> list[str]:
    return [c for c in text if c not in "\n\t" and unicodedata.category(c) in _UNSAFE]


def _visible(text: str) -> str:
    """The characters a reader sees, in order (no spaces, controls or invisible ones)."""
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) not in _UNSAFE)


def _stored_clean(value: Any, typed: str | None) -> None:
    """A stored text holds the typed text's visible characters, cleaned."""
    if typed is None:
        return
    if value is None:
        assert _visible(typed) == "", typed
        return
    assert _unsafe(value) == [], value
    assert _visible(value) == _visible(typed)


def _refused_cleanly(result: Result) -> None:
    assert result.exit_code == 1, (result.exit_code, result.stdout, result.stderr, result.exception)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误: "), result.stderr
    assert any("\u4e00" <= c <= "\u9fff" for c in lines[0]), lines[0]
    assert "Traceback" not in result.stdout + result.stderr
    assert _unsafe(lines[0]) == []  # a message quoting what was typed quotes it cleaned


def _check(result: Result, before: dict[str, object], after: dict[str, object]) -> bool:
    """True when the command succeeded (and the screens show no raw control character);
    otherwise asserts a clean refusal."""
    assert result.exit_code in (0, 1), (result.exit_code, result.stderr, result.exception)
    if result.exit_code == 1:
        _refused_cleanly(result)
        assert after == before
        return False
    assert result.exception is None
    _screens_are_clean()
    return True


def _screens_are_clean() -> None:
    for args in (["list", "--all"], ["today"], ["show", "1"]):
        result = _invoke(*args)
        assert result.exit_code == 0, result.stderr
        assert [c for c in result.stdout if c != "\n" and unicodedata.category(c) in _UNSAFE] == []


@pytest.fixture
def seeded(places: Ledger, db_path: Path) -> Path:
    """The seed's places and units, a meeting and an item to edit."""
    meetings.add(places, kind="夜话", held_on=places.now().date(), community="铁塔寺社区")
    actions.add(places, "楼道灯不亮", community="铁塔寺社区", compound="铁塔寺小区")
    places.close()
    return db_path


def _row(db: Path, sql: str) -> tuple[Any, ...]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchone()
    finally:
        conn.close()


@FUZZ
@given(title=free_text, by=maybe, note=maybe, date=st.one_of(st.none(), dates))
def test_add(seeded: Path, snapshot: Snapshot, title: str, by: str | None, note: str | None,
             date: str | None) -> None:  # fmt: skip
    before = snapshot(seeded)
    options = _options(community="铁塔寺社区", by=by, note=note, date=date)
    result = _invoke("add", *options, "--", title)
    if _check(result, before, snapshot(seeded)):
        stored = _row(
            seeded,
            "SELECT i.title, i.reporter, e.note FROM items i JOIN events e ON e.item_id = i.id "
            "WHERE i.number = (SELECT max(number) FROM items) AND e.action = 'add'",
        )
        for value, typed in zip(stored, (title, by, note), strict=True):
            _stored_clean(value, typed)


@FUZZ
@given(title=maybe, by=maybe, note=maybe, at=st.one_of(st.none(), dates))
def test_edit(seeded: Path, snapshot: Snapshot, title: str | None, by: str | None,
              note: str | None, at: str | None) -> None:  # fmt: skip
    before = snapshot(seeded)
    result = _invoke("edit", "1", *_options(title=title, by=by, note=note, at=at))
    if _check(result, before, snapshot(seeded)):
        stored = _row(
            seeded,
            "SELECT i.title, i.reporter, e.note FROM items i JOIN events e ON e.item_id = i.id "
            "WHERE i.number = 1 ORDER BY e.id DESC LIMIT 1",
        )
        for value, typed in zip(stored, (title, by, note), strict=True):
            if typed is not None:
                _stored_clean(value, typed)


@FUZZ
@given(name=free_text, contact=maybe)
def test_unit_add(seeded: Path, snapshot: Snapshot, name: str, contact: str | None) -> None:
    before = snapshot(seeded)
    result = _invoke("unit", "add", *_options(contact=contact), "--", name)
    if _check(result, before, snapshot(seeded)):
        stored = _row(seeded, "SELECT name, contact FROM units ORDER BY id DESC LIMIT 1")
        _stored_clean(stored[0], name)
        _stored_clean(stored[1], contact)
        assert _invoke("unit", "list").exit_code == 0


@FUZZ
@given(compound=free_text, building=st.one_of(st.none(), free_text))
def test_area_add(seeded: Path, snapshot: Snapshot, compound: str, building: str | None) -> None:
    before = snapshot(seeded)
    path = (
        "任城区/古槐街道/铁塔寺社区/" + compound + (f"/{building}" if building is not None else "")
    )
    result = _invoke("area", "add", "--", path)
    if _check(result, before, snapshot(seeded)):
        names = [row[0] for row in places_rows(seeded)]
        for name in names:
            assert _unsafe(name) == [] and name == name.strip() and name, names


def places_rows(db: Path) -> list[tuple[str]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT name FROM areas").fetchall()
    finally:
        conn.close()


@FUZZ
@given(host=maybe, note=maybe, date=st.one_of(st.none(), dates))
def test_meeting_add(seeded: Path, snapshot: Snapshot, host: str | None, note: str | None,
                     date: str | None) -> None:  # fmt: skip
    before = snapshot(seeded)
    options = _options(kind="夜话", community="铁塔寺社区", host=host, note=note, date=date)
    result = _invoke("meeting", "add", *options)
    if _check(result, before, snapshot(seeded)):
        stored = _row(seeded, "SELECT host, note, number FROM meetings ORDER BY id DESC LIMIT 1")
        _stored_clean(stored[0], host)
        _stored_clean(stored[1], note)
        shown = _invoke("meeting", "show", str(stored[2]))
        assert shown.exit_code == 0 and _unsafe(shown.stdout.replace("\n", "")) == []
