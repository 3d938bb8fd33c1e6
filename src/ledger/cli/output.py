"""The one place that writes to the terminal: Rich consoles, tables, and ``--json``."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ledger.cli import layout
from ledger.cli.layout import Column, Text
from ledger.domain.labels import (
    ACTION,
    AREA_LEVEL,
    CHANNEL,
    FIELD,
    LEVEL,
    MEETING_KIND,
    RATING,
    SCALE,
    SOURCE,
    STATUS,
    UNIT_KIND,
)
from ledger.domain.text import strip_unsafe

# No markup or emoji codes: residents' text ("[/b]", ":warning:") is shown as typed, never
# interpreted (a stray "[/x]" in a title used to crash the table with a MarkupError).
if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table


def _console(name: str) -> Console:
    """The stdout or stderr console, made on first use: a command whose output goes to a
    pipe never imports rich.console at all (it writes plain lines itself)."""
    found = globals().get(name)
    if found is None:
        from rich.console import Console

        found = Console(
            stderr=name == "stderr",
            highlight=False,
            soft_wrap=name == "stderr",
            markup=False,
            emoji=False,
        )
        globals()[name] = found
    return found


def __getattr__(name: str) -> Any:
    """``output.stdout`` / ``output.stderr`` for callers outside this module."""
    if name in ("stdout", "stderr"):
        return _console(name)
    raise AttributeError(name)


LEVEL_STYLE = {"warning": "yellow", "overdue": "red", "severe": "bold red"}
STATUS_STYLE = {
    "raised": "magenta",
    "assigned": "cyan",
    "resolved": "green",
    "declined": "yellow",
    "replied": "blue",
    "closed": "dim",
}


# --- plain messages -------------------------------------------------------------------


def error(message: str) -> None:
    """One line on stderr: 错误: … (a message may quote what was typed: cleaned, one line)."""
    one_line = " ".join(strip_unsafe(message).split("\n"))
    _console("stderr").print(Text(f"错误: {one_line}", style="red"), soft_wrap=True)


def notice(message: str) -> None:
    """A warning or hint on stderr (so scripts reading stdout are not disturbed)."""
    _console("stderr").print(Text(message, style="yellow"), soft_wrap=True)


def say(message: str, style: str | None = None) -> None:
    """A message on stdout, wrapped at the screen's width between Chinese characters, never
    inside a date, a number or a path."""
    for line in layout.wrap(message, width()):
        emit(Text(line, style=style or ""))


def width() -> int:
    """The width screens are laid out for ($COLUMNS, else the terminal's, else 80)."""
    terminal = _terminal()
    return layout.screen_width(terminal.width if terminal is not None else 80)


def _terminal() -> Console | None:
    """The stdout console when stdout is a terminal (or a console made to act as one)."""
    if globals().get("stdout") is None and not sys.stdout.isatty():
        return None
    console = _console("stdout")
    return console if console.is_terminal else None


def emit(line: Text) -> None:
    """One laid-out line: with its colors on a terminal, as plain text (and fast) otherwise."""
    terminal = _terminal()
    if terminal is not None:
        terminal.print(line, soft_wrap=True)
    else:
        sys.stdout.write(line.plain + "\n")


def emit_lines(lines: Iterable[Text]) -> None:
    for line in lines:
        emit(line)


def table(
    columns: Iterable[Column],
    rows: list[list[Any]],
    *,
    title: str | None = None,
    wide: bool = False,
    indent: str = "",
    header: bool = True,
    wrap_text: bool = False,
) -> layout.Layout:
    """A table laid out for the screen (see ``layout``); returns which columns dropped."""
    lines, fitted = layout.render(
        list(columns), rows, width(), wide=wide, indent=indent, header=header, wrap_text=wrap_text
    )
    if title:
        emit(Text(indent + title, style="bold"))
    emit_lines(lines)
    return fitted


def narrow_hint(dropped: Iterable[str], command: str) -> None:
    """Say which columns a narrow screen left out, and how to see them."""
    names = list(dict.fromkeys(dropped))
    if names:
        say(f"屏幕较窄，未显示：{'、'.join(names)}（{command} --wide 显示全部列）", "dim")


def _json_text(data: Any, indent: int | None) -> str:
    if indent is None:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    return json.dumps(data, ensure_ascii=False, indent=indent, default=str)


def _json_indent() -> int | None:
    """Indented for a person at a terminal, compact for a program reading a pipe."""
    return 2 if sys.stdout.isatty() else None


def emit_json(data: Any) -> None:
    """Machine-readable output: UTF-8 JSON, codes and ISO dates, nothing else on stdout."""
    sys.stdout.write(_json_text(data, _json_indent()) + "\n")


def emit_json_stream(head: dict[str, Any], key: str, rows: Iterable[Any]) -> None:
    """``{**head, key: [rows…]}`` written row by row as the rows are read: memory stays the
    same whatever the number of rows."""
    indent = _json_indent()
    write = sys.stdout.write
    name = json.dumps(key, ensure_ascii=False)
    n = -1
    if indent is None:
        opening = _json_text(head, None)[:-1] + ("," if head else "")
        write(f"{opening}{name}:[")
        for n, row in enumerate(rows):
            write(("," if n else "") + _json_text(row, None))
        write("]}\n")
        return
    fields = "".join(
        f"  {json.dumps(k, ensure_ascii=False)}: {_json_text(v, None)},\n" for k, v in head.items()
    )
    write("{\n" + fields + f"  {name}: [")
    for n, row in enumerate(rows):
        write(("," if n else "") + "\n    " + _json_text(row, indent).replace("\n", "\n    "))
    write(("\n  ]" if n >= 0 else "]") + "\n}\n")


def emit_jsonl(rows: Iterable[Any]) -> None:
    """One compact JSON object per line (for pipes: grep, jq -c, a spreadsheet import)."""
    write = sys.stdout.write
    for row in rows:
        write(_json_text(row, None) + "\n")


@contextmanager
def paged(enabled: bool) -> Iterator[None]:
    """Send stdout through a pager when it is a terminal, as ``git log`` does.

    ``$LEDGER_PAGER``, else ``$PAGER``, else ``less -FRX`` (which prints a short answer and
    quits, and keeps the colors). An empty ``LEDGER_PAGER`` or ``--no-pager`` turns it off.
    The pager reads lines as they are written: nothing is held back until the end.
    """
    command = os.environ.get("LEDGER_PAGER", os.environ.get("PAGER", "less -FRX"))
    if not enabled or not command.strip() or not sys.stdout.isatty():
        yield
        return
    import shlex
    import shutil
    import subprocess

    from rich.console import Console

    argv = shlex.split(command)
    if shutil.which(argv[0]) is None:
        yield
        return
    env = dict(os.environ)
    env.setdefault("LESSCHARSET", "utf-8")
    pager = subprocess.Popen(argv, stdin=subprocess.PIPE, env=env)
    assert pager.stdin is not None
    pipe = open(pager.stdin.fileno(), "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    saved_console, saved_stdout = _console("stdout"), sys.stdout
    globals()["stdout"] = Console(
        file=pipe,
        force_terminal=True,
        color_system=saved_console.color_system,  # type: ignore[arg-type]
        width=saved_console.width,
        highlight=False,
        soft_wrap=False,
        markup=False,
        emoji=False,
    )
    sys.stdout = pipe
    try:
        yield
    except (BrokenPipeError, KeyboardInterrupt):
        pass  # the reader quit the pager before the end: nothing more to show
    finally:
        globals()["stdout"], sys.stdout = saved_console, saved_stdout
        try:
            pipe.close()
            pager.stdin.close()
        except BrokenPipeError:
            pass
        pager.wait()


# Short columns that must never wrap (numbers, dates, statuses).
_NO_WRAP = {
    "编号",
    "状态",
    "办理时限",
    "日期",
    "时间",
    "动作",
    "参与人次",
    "问题数",
    "在办",
    "督办",
}


_MIN_WIDTH = {"问题描述": 12, "内容": 20}


def _table(*columns: str, title: str | None = None) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(
        title=title, header_style="bold", box=box.SIMPLE_HEAD, show_lines=False, pad_edge=False
    )
    for column in columns:
        table.add_column(
            column,
            overflow="fold",
            no_wrap=column in _NO_WRAP,
            min_width=_MIN_WIDTH.get(column),
        )
    return table


def _clip(text: str | None, width: int) -> str:
    value = (text or "").replace("\n", " ")
    return value if len(value) <= width else value[: width - 1] + "…"


# --- items ----------------------------------------------------------------------------

ITEM_JSON_FIELDS = (
    "number",
    "uid",
    "title",
    "status",
    "source",
    "category",
    "scale",
    "county",
    "subdistrict",
    "community",
    "place",
    "meeting",
    "reporter",
    "phone",
    "unit",
    "raised_on",
    "assigned_on",
    "due_on",
    "resolved_on",
    "result",
    "replied_on",
    "reply_channel",
    "reply_text",
    "rating",
    "closed_on",
    "reopen_count",
    "extend_count",
    "remind_count",
    "percent",
    "last_progress",
    "level",
    "workdays_overdue",
    "workdays_left",
    "estimated",
    "card",
    "origin_ledger",
    "origin_number",
)


def item_json(item: dict[str, Any]) -> dict[str, Any]:
    """The stable JSON shape of an item."""
    data = {key: item.get(key) for key in ITEM_JSON_FIELDS}
    if "events" in item:
        data["events"] = [
            {
                key: event.get(key)
                for key in ("uid", "seq", "action", "at", "recorded_at", "actor", "note")
            }
            | {
                "changes": event["changes"],
                "withdrawn": event.get("withdrawn", False),
                "target": event.get("target"),
            }
            for event in item["events"]
        ]
    return data


def standing(item: dict[str, Any]) -> Text:
    """督办 cell: the level in its color, with working days late or left."""
    level = item.get("level")
    mark = "（估算）" if item.get("estimated") else ""
    if level in ("overdue", "severe"):
        return Text(
            f"{LEVEL[level]}{item['workdays_overdue']}工作日{mark}", style=LEVEL_STYLE[level]
        )
    if level == "warning":
        left = "今日到期" if item["workdays_left"] == 0 else "明日到期"
        return Text(f"{LEVEL[level]} {left}{mark}", style=LEVEL_STYLE[level])
    return Text("")


def progress_bar(percent: int | None, width: int = 10) -> str:
    """▇▇▇▇░░░░░░ 40% for big matters."""
    if percent is None:
        return ""
    filled = round(width * percent / 100)
    return "▇" * filled + "░" * (width - filled) + f" {percent}%"


# ``ledger list`` (and the items of ``meeting show``). On a narrow screen 类别 drops first,
# then 社区 (a community's clerk mostly lists one community), then 承办单位.
LIST_COLUMNS = (
    Column("编号", right=True),
    Column("状态"),
    Column("社区", "name", drop=2, min_width=6),
    Column("问题描述", "text", min_width=20),
    Column("类别", "name", drop=1, min_width=4),
    Column("承办单位", "name", drop=3, min_width=8),
    Column("办理时限"),
    Column("督办"),
)


def _status(code: str) -> Text:
    return Text(STATUS.label(code), style=STATUS_STYLE.get(code, ""))


def list_row(item: dict[str, Any], category_labels: dict[str, str]) -> list[Any]:
    return [
        str(item["number"]),
        _status(item["status"]),
        item["community"],
        item["title"],
        category_labels.get(item["category"], item["category"]),
        item["unit"] or "",
        item["due_on"] or "",
        standing(item),
    ]


def items_table(
    items: Iterable[dict[str, Any]],
    total: int,
    category_labels: dict[str, str],
    *,
    wide: bool = False,
    more_hint: bool = True,
) -> None:
    """The ``ledger list`` table, streamed row by row, and how many more rows there are."""
    shown = 0

    def rows() -> Iterator[list[Any]]:
        nonlocal shown
        for item in items:
            shown += 1
            yield list_row(item, category_labels)

    lines = layout.stream(LIST_COLUMNS, rows(), width(), wide=wide)
    fitted = next(lines)
    assert isinstance(fitted, layout.Layout)
    if total == 0:
        say("没有符合条件的问题。")
        return
    for line in lines:
        emit(line)  # type: ignore[arg-type]
    more = total - shown
    if more > 0 and more_hint:
        say(
            f"共 {total} 条，另有 {more} 条未显示：--limit N 显示最紧急的 N 条，"
            "--limit 0 显示全部，--all 连同已归档的一起显示（在终端中分页翻看）",
            "dim",
        )
    elif more_hint:
        say(f"共 {total} 条", "dim")
    narrow_hint(fitted.dropped, "ledger list")


def _change_text(key: str, value: Any, category_labels: dict[str, str]) -> str:
    label = FIELD.get(key, key)
    if value is None:
        return f"{label}清空"
    formatters = {
        "status": STATUS.label,
        "source": SOURCE.label,
        "scale": SCALE.label,
        "rating": RATING.label,
        "reply_channel": CHANNEL.label,
        "category": lambda code: category_labels.get(code, code),
        "percent": lambda p: f"{p}%",
    }
    shown = formatters.get(key, str)(value)
    return f"{label}：{_clip(str(shown), 30)}"


# Implied by the action itself, or already in the note column.
HIDDEN_CHANGES = {
    "title",
    "result",
    "reply_text",
    "last_progress",
    "raised_on",
    "status",
    "assigned_on",
    "resolved_on",
    "replied_on",
    "closed_on",
}
ADD_SHOWN = {"category", "scale", "due_on"}  # the rest of a new item is shown above


# ``show``'s timeline: 记录人 drops on a narrow screen; 内容 wraps.
TIMELINE_COLUMNS = (
    Column("时间"),
    Column("动作"),
    Column("记录人", "name", drop=1, min_width=4),
    Column("内容", "text", min_width=24),
)


def event_time(at: str) -> str:
    """2026-06-24T20:30:00 → 2026-06-24 20:30; a date-only event stays a date."""
    return at.replace("T", " ")[:16]


def fields_block(rows: Iterable[tuple[str, Any]], wide: bool = False) -> None:
    """Label / value lines; long values wrap under themselves, never inside a date or a phone."""
    shown = [(label, value) for label, value in rows if value not in (None, "")]
    if not shown:
        return
    label_width = max(layout.cell_len(label) for label, _ in shown)
    room = max(width() - label_width - 2, 20)
    for label, value in shown:
        gap = " " * (label_width - layout.cell_len(label) + 2)
        pieces = [value] if isinstance(value, Text) or wide else layout.wrap(str(value), room)
        for n, piece in enumerate(pieces):
            line = Text(label, style="bold") if n == 0 else Text(" " * label_width)
            line.append(gap if n == 0 else "  ")
            line.append_text(piece if isinstance(piece, Text) else Text(str(piece)))
            emit(line)


def item_detail(item: dict[str, Any], category_labels: dict[str, str], wide: bool = False) -> None:
    """``ledger show``: the item's fields, then its whole timeline."""
    status = Text(STATUS.label(item["status"]), style=STATUS_STYLE.get(item["status"], ""))
    rows: list[tuple[str, Any]] = [
        ("编号", f"{item['number']}"),
        (
            "原编号",
            f"{item.get('origin_ledger') or ''} {item['origin_number']}".strip()
            if item.get("origin_number")
            else None,
        ),
        ("问题描述", item["title"]),
        ("状态", status),
        ("社区", "/".join(p for p in (item["subdistrict"], item["community"]) if p)),
        ("小区/楼栋", item["place"]),
        (
            "来源",
            SOURCE.label(item["source"])
            + (f"（会议 {item['meeting']}）" if item["meeting"] else ""),
        ),
        ("类别", category_labels.get(item["category"], item["category"])),
        ("规模", SCALE.label(item["scale"])),
        ("反映人", " ".join(p for p in (item["reporter"], item["phone"]) if p)),
        ("反映日期", item["raised_on"]),
        ("承办单位", item["unit"]),
        ("办理时限", Text(item["due_on"] or "") + Text(" ") + standing(item)),
        ("进度", progress_bar(item["percent"]) if item["scale"] == "big" else None),
        ("最新进展", item["last_progress"]),
        ("办理结果", item["result"]),
        (
            "答复",
            " ".join(
                p
                for p in (
                    item["replied_on"],
                    CHANNEL.label(item["reply_channel"]),
                    item["reply_text"],
                )
                if p
            ),
        ),
        ("评价", RATING.label(item["rating"])),
        (
            "重办/延期/催办",
            f"{item['reopen_count']} / {item['extend_count']} / {item['remind_count']}",
        ),
    ]
    fields_block(rows, wide)
    timeline = []
    by_uid = {event["uid"]: event for event in item["events"]}
    for event in item["events"]:
        parts = []
        target = by_uid.get(event.get("target") or "")
        if target is not None and target.get("target"):  # 恢复: name what the 撤销 withdrew
            target = by_uid.get(target["target"], target)
        if target is not None:  # 撤销 / 恢复: say which record it withdraws or restores
            parts.append(
                f"{ACTION.get(target['action'], target['action'])}（{event_time(target['at'])}）"
            )
        if event["note"]:
            parts.append(event["note"])
        parts += [
            _change_text(key, value, category_labels)
            for key, value in event["changes"].items()
            if (key not in HIDDEN_CHANGES or event["action"] == "edit")
            and (event["action"] != "add" or key in ADD_SHOWN)
            and (value is not None or event["action"] == "edit")
        ]
        text = "；".join(parts)
        if event.get("withdrawn"):  # kept in the history, no longer in force
            text = "【已撤销】" + text
        timeline.append(
            [
                event_time(event["at"]),
                ACTION.get(event["action"], event["action"]),
                event["actor"] or "",
                text,
            ]
        )
    emit(Text(""))
    fitted = table(TIMELINE_COLUMNS, timeline, title="办理过程", wide=wide, wrap_text=True)
    narrow_hint(fitted.dropped, "ledger show")


# --- places, units, meetings, settings ------------------------------------------------


def area_tree(places: list[dict[str, Any]]) -> None:
    """The 区划 tree with item counts per community."""
    if not places:
        say("还没有区划。请先添加，例如：ledger area add 任城区/古槐街道/铁塔寺社区")
        return
    from rich.tree import Tree

    root = Tree("区划", guide_style="dim")
    nodes: dict[int | None, Any] = {None: root}
    for place in places:
        label = Text(place["name"] + " ").append(AREA_LEVEL.label(place["level"]), "dim")
        if place["items"]:
            label.append(f" {place['items']} 件", style="cyan")
        parent = nodes.get(place["parent_id"], root)
        nodes[place["id"]] = parent.add(label)
    _console("stdout").print(root)


def units_table(units: list[dict[str, Any]]) -> None:
    """``ledger unit list``."""
    if not units:
        say("还没有承办单位。请先添加，例如：ledger unit add 住建局 --kind 职能部门")
        return
    table = _table("单位", "类型", "电话", "联系人", "区划", "在办")
    for unit in units:
        table.add_row(
            unit["name"],
            UNIT_KIND.label(unit["kind"]),
            unit["phone"] or "",
            unit["contact"] or "",
            unit["area"] or "",
            str(unit["open_items"]),
        )
    _console("stdout").print(table)


def meetings_table(meetings: list[dict[str, Any]]) -> None:
    """``ledger meeting list``."""
    if not meetings:
        say("没有会议记录。可用 ledger meeting add 登记一次夜话或说事会。")
        return
    table = _table("编号", "日期", "类型", "社区", "小区", "主持人", "参与人次", "问题数")
    for meeting in meetings:
        table.add_row(
            str(meeting["number"]),
            meeting["held_on"],
            MEETING_KIND.label(meeting["kind"]),
            meeting["community"],
            meeting["place"] or "",
            meeting["host"] or "",
            "" if meeting["attendees"] is None else str(meeting["attendees"]),
            str(meeting["items"]),
        )
    _console("stdout").print(table)


MEETING_JSON_FIELDS = (
    "number",
    "uid",
    "kind",
    "held_on",
    "subdistrict",
    "community",
    "place",
    "host",
    "attendees",
    "note",
    "items",
)


def meeting_json(meeting: dict[str, Any]) -> dict[str, Any]:
    """The stable JSON shape of a meeting."""
    return {key: meeting.get(key) for key in MEETING_JSON_FIELDS}


def meeting_detail(
    meeting: dict[str, Any],
    items: list[dict[str, Any]],
    category_labels: dict[str, str],
    wide: bool = False,
) -> None:
    """``ledger meeting show``: the meeting and the items raised at it."""
    kind = MEETING_KIND.label(meeting["kind"])
    place = f" {meeting['place']}" if meeting["place"] else ""
    say(
        f"会议 {meeting['number']}：{meeting['held_on']} {kind} · {meeting['community']}{place}",
        "bold",
    )
    fields_block(
        [
            ("主持人", meeting["host"]),
            ("参与人次", meeting["attendees"]),
            ("记录", meeting["note"]),
        ],
        wide,
    )
    say(f"提出问题 {len(items)} 件")
    if items:
        lines = layout.stream(
            LIST_COLUMNS, (list_row(item, category_labels) for item in items), width(), wide=wide
        )
        fitted = next(lines)
        emit_lines(lines)  # type: ignore[arg-type]
        assert isinstance(fitted, layout.Layout)
        narrow_hint(fitted.dropped, "ledger meeting show")


def key_values(rows: Iterable[tuple[str, Any]], title: str | None = None) -> None:
    """Label / value lines (settings, summaries); a list value is a series of phrases
    (待分办 4、办理中 8 …) that wraps between phrases, never inside one."""
    if title:
        say(title, "bold")
    shown = list(rows)
    label_width = max((layout.cell_len(label) for label, _ in shown), default=0)
    for label, value in shown:
        indent = " " * (label_width + 2)
        head = label + " " * (label_width - layout.cell_len(label) + 2)
        if isinstance(value, list):
            phrases = [
                (f"{part}、" if n < len(value) - 1 else str(part), "")
                for n, part in enumerate(value)
            ]
            lines = _phrases(phrases, width() - len(indent))
        else:
            lines = layout.wrap(str(value), max(width() - len(indent), 20))
        for n, line in enumerate(lines):
            emit(Text((head if n == 0 else indent) + line))


def _phrases(parts: list[tuple[str, str]], room: int) -> list[str]:
    """Phrases run together on as few lines as fit in ``room`` cells."""
    lines, line = [], ""
    for text, _ in parts:
        if line and layout.cell_len(line + text) > room:
            lines.append(line)
            line = ""
        line += text
    return [*lines, line]


# --- the clerk's day: ledger today, ledger remind ---------------------------------------

_WEEKDAYS = "一二三四五六日"
_GROUP_TITLE_STYLE = "bold"
EMPTY_LEDGER_HINT = '台账里还没有问题。登记第一件：ledger add "问题描述" --community 社区名'


def _day_heading(board: dict[str, Any]) -> str:
    from datetime import date

    day = date.fromisoformat(board["today"])
    weekday = f"星期{_WEEKDAYS[day.weekday()]}"
    if board["workday"] and day.weekday() >= 5:
        weekday += "（调休上班日）"
    elif not board["workday"]:
        weekday += "（休息日）"
    scope = board["scope"]
    where = " · ".join(part for part in (scope["subdistrict"], scope["community"]) if part)
    return f"今日督办 · {board['today']} {weekday}" + (f" · {where}" if where else "")


def _waited(item: dict[str, Any]) -> str:
    days = item.get("waited_workdays")
    if days is None:
        return ""
    return f"{days}个工作日" + ("（估算）" if item.get("estimated") else "")


def _group_heading(title: str, count: int, note: str, list_args: str | None) -> None:
    parts = [(f"■ {title} {count} 件", _GROUP_TITLE_STYLE)]
    if note:
        parts.append((note, "dim"))
    if list_args:
        parts.append((f"ledger list {list_args}", "dim"))
    emit_lines(layout.pack(parts, width()))


def _more(shown: int, count: int, list_args: str | None) -> None:
    if count > shown:
        hint = f"ledger list {list_args}" if list_args else "ledger today --limit N"
        say(f"  另有 {count - shown} 件未显示（{hint}，或 ledger today --limit N）", "dim")


# The boards' tables at 80 columns. Each states what drops first on a narrow screen; numbers,
# dates, phones and 督办 levels are never cut or wrapped.
SUPERVISION_UNIT_COLUMNS = (
    Column("承办单位", "name", min_width=8),
    Column("严重超期", right=True),
    Column("超期", right=True),
    Column("今明到期", right=True),
    Column("合计", right=True),
)
SUPERVISION_COLUMNS = (  # drops 进度, then 社区, then 承办单位
    Column("编号", right=True),
    Column("督办"),
    Column("承办单位", "name", drop=3, min_width=8),
    Column("社区", "name", drop=2, min_width=6),
    Column("问题描述", "text", min_width=16),
    Column("办理时限"),
    Column("进度", drop=1),
)
ASSIGNMENT_COLUMNS = (  # drops 小区/楼栋, then 社区
    Column("编号", right=True),
    Column("反映日期"),
    Column("已等"),
    Column("社区", "name", drop=2, min_width=6),
    Column("小区/楼栋", "name", drop=1, min_width=6),
    Column("问题描述", "text", min_width=16),
    Column("督办"),
)
REPLY_COLUMNS = (  # drops 办理结果, then 社区, then 反映人
    Column("编号", right=True),
    Column("状态"),
    Column("办结日期"),
    Column("已等"),
    Column("社区", "name", drop=2, min_width=6),
    Column("问题描述", "text", min_width=16),
    Column("反映人", "name", drop=3, min_width=6),
    Column("办理结果", "text", drop=1, min_width=10),
)
RATING_COLUMNS = (  # the call list: drops 答复方式, then 社区; the phone always stays whole
    Column("编号", right=True),
    Column("反映人", "name", min_width=6),
    Column("电话"),
    Column("社区", "name", drop=2, min_width=6),
    Column("问题描述", "text", min_width=16),
    Column("答复日期"),
    Column("答复方式", drop=1),
    Column("已等"),
)
COMPOUND_COLUMNS = (  # under each compound, no header: drops 承办单位
    Column("编号", right=True),
    Column("问题描述", "text", min_width=16),
    Column("状态"),
    Column("承办单位", "name", drop=1, min_width=8),
    Column("督办"),
)


def today_board(board: dict[str, Any], wide: bool = False) -> None:
    """``ledger today``: the groups, most urgent first, each counted like its list filter."""
    if board["ledger_items"] == 0:
        say(EMPTY_LEDGER_HINT)
        return
    say(_day_heading(board), "bold")
    if board["items_in_scope"] == 0:
        say("这里还没有登记问题。")
        return
    if board["nothing_due"]:
        say("今天没有超期、待分办、待答复或待回访的问题，事事有回音。", "green")
        return
    dropped: list[str] = []
    dropped += _supervision_section(board["supervision"], wide)
    _cards_line(board.get("cards"))
    dropped += _assignment_section(board["waiting_assignment"], wide)
    dropped += _reply_section(board["waiting_reply"], wide)
    dropped += _rating_section(board["waiting_rating"], wide)
    dropped += _compounds_section(board["compounds"], wide)
    narrow_hint(dropped, "ledger today")


def _cards_line(cards: dict[str, Any] | None) -> None:
    """黄牌 / 红牌 counts on one short line (per unit in ``today --json``)."""
    if not cards or not (cards["red"]["count"] or cards["yellow"]["count"]):
        return
    line = Text("  督办牌：")
    line.append(f"红牌 {cards['red']['count']} 件", style="bold red")
    line.append(" · ")
    line.append(f"黄牌 {cards['yellow']['count']} 件", style="yellow")
    line.append("  ledger list --card red|yellow", style="dim")
    emit(line)


def _supervision_section(supervision: dict[str, Any], wide: bool) -> list[str]:
    counts = {level: supervision[level]["count"] for level in ("severe", "overdue", "warning")}
    line = Text()  # at most ~50 cells: fits any screen
    line.append("■ 督办  ", style=_GROUP_TITLE_STYLE)
    for index, level in enumerate(("severe", "overdue", "warning")):
        if index:
            line.append(" · ")
        label = "今明到期" if level == "warning" else LEVEL[level]
        line.append(
            f"{label} {counts[level]} 件", style=LEVEL_STYLE[level] if counts[level] else ""
        )
    emit(line)
    if not any(counts.values()):
        say("  没有超期或今明到期的问题。", "green")
        return []
    units = [
        [
            row["unit"] or "（未交办）",
            Text(str(row["severe"]), style=LEVEL_STYLE["severe"] if row["severe"] else "dim"),
            Text(str(row["overdue"]), style=LEVEL_STYLE["overdue"] if row["overdue"] else "dim"),
            Text(str(row["warning"]), style=LEVEL_STYLE["warning"] if row["warning"] else "dim"),
            str(row["total"]),
        ]
        for row in supervision["by_unit"]
    ]
    dropped = table(SUPERVISION_UNIT_COLUMNS, units, wide=wide).dropped
    emit(Text(""))
    rows = [
        [
            str(item["number"]),
            standing(item),
            item["unit"] or "（未交办）",
            item["community"],
            item["title"],
            item["due_on"] or "",
            progress_bar(item["percent"]) if item["scale"] == "big" else "",
        ]
        for level in ("severe", "overdue", "warning")
        for item in supervision[level]["items"]
    ]
    dropped += table(SUPERVISION_COLUMNS, rows, wide=wide).dropped
    for level in ("severe", "overdue", "warning"):
        group = supervision[level]
        if group["count"] > len(group["items"]):
            label = "今明到期" if level == "warning" else LEVEL[level]
            say(
                f"  {label}另有 {group['count'] - len(group['items'])} 件未显示"
                f"（ledger list {group['list_args']}）",
                "dim",
            )
    lists = [
        (f"对应清单：严重超期 = ledger list {supervision['severe']['list_args']}；", "dim"),
        (f"严重超期 + 超期 = ledger list {supervision['overdue']['list_args']}；", "dim"),
        (f"今明到期 = ledger list {supervision['warning']['list_args']}", "dim"),
    ]
    emit_lines(layout.pack(lists, width(), indent="  "))
    return dropped


def _assignment_section(group: dict[str, Any], wide: bool) -> list[str]:
    _group_heading("待分办", group["count"], "反映后尚未交办，最早的在前", group["list_args"])
    if not group["items"]:
        return []
    rows = [
        [
            str(item["number"]),
            item["raised_on"],
            _waited(item),
            item["community"],
            item["place"] or "",
            item["title"],
            standing(item),
        ]
        for item in group["items"]
    ]
    dropped = table(ASSIGNMENT_COLUMNS, rows, wide=wide).dropped
    _more(len(group["items"]), group["count"], group["list_args"])
    return dropped


def _reply_section(group: dict[str, Any], wide: bool) -> list[str]:
    _group_heading(
        "待答复", group["count"], "已办结或不予办理，尚未答复居民（说事必回）", group["list_args"]
    )
    if not group["items"]:
        return []
    rows = [
        [
            str(item["number"]),
            _status(item["status"]),
            item["resolved_on"] or "",
            _waited(item),
            item["community"],
            item["title"],
            item["reporter"] or "",
            item["result"] or "",
        ]
        for item in group["items"]
    ]
    dropped = table(REPLY_COLUMNS, rows, wide=wide).dropped
    _more(len(group["items"]), group["count"], group["list_args"])
    return dropped


def _rating_section(group: dict[str, Any], wide: bool) -> list[str]:
    _group_heading("待回访", group["count"], "已答复，请电话回访并记录评价", group["list_args"])
    if not group["items"]:
        return []
    rows = [
        [
            str(item["number"]),
            item["reporter"] or "",
            Text(item["phone"] or "（无电话）", style="" if item["phone"] else "dim"),
            item["community"],
            item["title"],
            item["replied_on"] or "",
            CHANNEL.label(item["reply_channel"]),
            _waited(item),
        ]
        for item in group["items"]
    ]
    dropped = table(RATING_COLUMNS, rows, wide=wide).dropped
    _more(len(group["items"]), group["count"], group["list_args"])
    return dropped


def _compounds_section(compounds: dict[str, Any], wide: bool) -> list[str]:
    parts = [
        (f"■ 下次夜话要回音 {compounds['items']} 件", _GROUP_TITLE_STYLE),
        (f"{compounds['count']} 个小区尚未答复的问题，楼长在夜话上通报", "dim"),
    ]
    emit_lines(layout.pack(parts, width()))
    rows: list[list[Any]] = []
    for compound in compounds["compounds"]:
        for item in compound["items"]:
            if item["level"]:
                mark: Any = standing(item)
            elif item["scale"] == "big" and item["percent"] is not None:
                mark = progress_bar(item["percent"])
            else:
                mark = ""
            rows.append(
                [
                    str(item["number"]),
                    item["title"],
                    _status(item["status"]),
                    item["unit"] or "",
                    mark,
                ]
            )
    indent = "    "
    fitted = layout.fit(COMPOUND_COLUMNS, rows, width() - len(indent), wide)
    at = 0
    for compound in compounds["compounds"]:
        talk = compound["last_night_talk"]
        head = [
            (f"{compound['community']} · {compound['compound']}  {compound['count']} 件", "bold"),
            (f"上次夜话 {talk}" if talk else "尚无夜话记录", "dim"),
        ]
        emit_lines(layout.pack(head, width(), indent="  "))
        for _ in compound["items"]:
            emit(layout.row_line(fitted, rows[at], indent))
            at += 1
        if compound["count"] > len(compound["items"]):
            say(f"    …另有 {compound['count'] - len(compound['items'])} 件", "dim")
    hidden = compounds["count"] - len(compounds["compounds"])
    if hidden > 0:
        say(f"  另有 {hidden} 个小区未显示（ledger today --limit N）", "dim")
    return fitted.dropped


def reminders_summary(result: Any) -> None:
    """``ledger remind``: the notices written and the reminders recorded (or already done)."""
    if result.ledger_items == 0:
        say(EMPTY_LEDGER_HINT)
        return
    if not result.notices:
        say("今天没有需要催办的超期或今明到期问题。", "green")
    else:
        day = result.today.isoformat()
        if result.recorded == 0:
            say(f"今天（{day}）已催办过这些问题，未重复记录；催办通知已重新生成。", "yellow")
        else:
            already = f"，{result.already} 件今天已催办过、未重复记录" if result.already else ""
            say(
                f"已生成催办通知 {len(result.notices)} 份（{day}），"
                f"记录催办 {result.recorded} 件{already}。",
                "green",
            )
        table = _table("承办单位", "严重超期", "超期", "今明到期", "本次记录")
        for notice in result.notices:
            cells = [
                Text(
                    str(notice.count(level)),
                    style=LEVEL_STYLE[level] if notice.count(level) else "dim",
                )
                for level in ("severe", "overdue", "warning")
            ]
            recorded = "今天已催办过" if notice.recorded == 0 else f"{notice.recorded} 件"
            table.add_row(notice.unit, *cells, recorded)
        _console("stdout").print(table)
        say(f"催办通知（每个单位一份 .txt 和 .xlsx）保存在：{result.out_dir}")
    if result.unassigned:
        say(
            f"另有 {result.unassigned} 件超期或今明到期的问题尚未交办、没有承办单位可催，请先交办"
            "（ledger list --status raised --overdue；ledger list --status raised --due-within 1）",
            "yellow",
        )


# --- reports and stats (ledger report monthly, ledger stats) ------------------------------


class _Progress:
    """A progress bar on stderr while several workbooks are written (only on a terminal)."""

    def __init__(self, total: int, description: str) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[current]}"),
            console=_console("stderr"),
            transient=True,
            disable=not _console("stderr").is_terminal or total < 2,
        )
        self.task = self.bar.add_task(description, total=total, current="")

    def __enter__(self) -> _Progress:
        self.bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.__exit__(*exc)  # type: ignore[arg-type]

    def advance(self, current: str = "") -> None:
        self.bar.update(self.task, advance=1, current=current)


def progress(total: int, description: str) -> _Progress:
    """``with output.progress(n, "生成月报") as bar: … bar.advance(name)``."""
    return _Progress(total, description)


def percent(value: float | None) -> str:
    """83.3% — or "—" when the denominator was 0."""
    return "—" if value is None else f"{value * 100:.1f}%"


def figures_table(
    title: str,
    columns: list[tuple[str, str, str]],
    rows: list[dict[str, Any]],
    total: dict[str, Any] | None = None,
    *,
    drop: dict[str, int] | None = None,
    wide: bool = False,
) -> list[str]:
    """Report figures: columns are (key, title, kind); rates as 83.3%, a missing value as —.

    Names (街道, 社区, 承办单位) are abbreviated by the rule in ``layout``; figures are never
    cut; ``drop`` ranks the columns that leave a narrow screen (1 first). Returns the titles
    of the columns left out.
    """
    ranks = drop or {}
    laid = [
        Column(
            label,
            "name" if kind == "text" else "fixed",
            drop=ranks.get(key, 0),
            right=kind != "text",
            min_width=6 if kind == "text" else 0,
        )
        for key, label, kind in columns
    ]

    def cells(row: dict[str, Any]) -> list[Any]:
        shown: list[Any] = []
        for key, _, kind in columns:
            value = row.get(key)
            if kind == "rate":
                shown.append(percent(value))
            elif value is None:
                shown.append("—")
            elif kind == "score":
                shown.append(f"{value:.1f}")
            else:
                shown.append(str(value))
        return shown

    body = [cells(row) for row in rows]
    if total is not None:
        body.append([Text(cell, style="bold") for cell in cells(total)])
    return table(laid, body, title=title, wide=wide).dropped


# --- export, backup, check, merge -----------------------------------------------------


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.1f} KB"


def _counts_text(counts: dict[str, int]) -> str:
    from ledger.domain.labels import TABLE

    shown = ("areas", "units", "meetings", "items", "events")
    return "、".join(f"{TABLE[t]} {counts[t]}" for t in shown if t in counts)


def export_done(result: Any) -> None:
    """``ledger export``: where the export went and what it holds."""
    from ledger.domain.labels import EXPORT_FORMAT

    say(f"已导出（{EXPORT_FORMAT.label(result.format)}）：{result.path}", "green")
    say(f"内容：{_counts_text(result.counts)}")
    for message in result.notices:
        notice(message)


def _check_lines(report: Any) -> Table:
    from ledger.domain.labels import CHECK

    table = _table("检查项", "结果")
    for kind, label in CHECK.items():
        if kind not in report.counts and kind not in report.skipped:
            continue  # not part of this check (a quick backup verification)
        if kind == "integrity" and report.quick:
            label = "文件完整性（quick_check）"
        if kind in report.skipped:
            table.add_row(label, Text("未检查（文件已损坏）", style="yellow"))
        elif report.counts.get(kind):
            table.add_row(label, Text(f"✗ {report.counts[kind]} 处", style="red"))
        else:
            table.add_row(label, Text("通过", style="green"))
    return table


def check_report(report: Any, path: str) -> None:
    """``ledger check``: one line per check, then the problems found, then the verdict."""
    say(f"检查台账：{path}", "bold")
    _console("stdout").print(_check_lines(report))
    if not report.skipped:
        say(f"共核对 {report.items} 件问题、{report.events} 条办理记录。", "dim")
    if report.ok:
        say("结论：台账完好。", "green")
        return
    say(f"发现 {report.total} 处问题：", "red")
    for problem in report.problems:
        say(f"  · {problem.message}")
    hidden = report.total - len(report.problems)
    if hidden > 0:
        say(f"  ……另有 {hidden} 处未列出", "dim")
    say(
        "结论：台账有问题。请先用 ledger backup 保存一份副本，再联系技术人员处理；"
        "不要手工修改台账文件。",
        "red",
    )


def backup_done(result: Any) -> None:
    """``ledger backup``: where the verified copy is; the ledger's own problems if any."""
    report = result.report
    checked = {
        "copy": "",
        "quick": "，SQLite 快速检查（quick_check）通过",
        "full": "，SQLite 完整性检查和逐件核对通过",
    }[result.level]
    say(f"已备份：{result.path}（{_size(result.size)}）", "green")
    say(f"内容：{_counts_text(result.counts)}")
    say(f"已校验：副本可独立打开，页数、表结构与台账相同，各表逐页读遍、记录数一致{checked}。")
    if not report.ok:
        notice(f"注意：台账本身有 {report.total} 处问题（副本与台账相同）：")
        for problem in report.problems[:5]:
            notice(f"  · {problem.message}")
        notice("请运行 ledger check 查看全部问题。")


def _ranges(pairs: list[tuple[int, int]]) -> list[str]:
    """[(1, 101), (2, 102), (5, 103)] → ['原编号 1–2 → 101–102', '原编号 5 → 103']."""
    runs: list[list[tuple[int, int]]] = []
    for origin, local in pairs:
        if runs and origin == runs[-1][-1][0] + 1 and local == runs[-1][-1][1] + 1:
            runs[-1].append((origin, local))
        else:
            runs.append([(origin, local)])
    shown = []
    for run in runs:
        (o1, l1), (o2, l2) = run[0], run[-1]
        shown.append(f"原编号 {o1} → {l1}" if o1 == o2 else f"原编号 {o1}–{o2} → {l1}–{l2}")
    return shown


MERGE_COLUMNS = ("台账文件", "新增区划", "新增单位", "新增会议", "新增问题", "新增记录")


def merge_report(report: Any) -> None:
    """``ledger merge``: per file what was added, renumbering, and conflicts."""
    if report.dry_run:
        say("试运行：以下是合并将做的改动，台账未作任何改动。", "yellow")
    table = _table(*MERGE_COLUMNS, "更新问题", "无变化", "冲突")
    for source in report.sources:
        added = source.added
        table.add_row(
            source.path.name,
            *(str(added[key]) for key in ("areas", "units", "meetings", "items", "events")),
            str(source.updated),
            str(source.unchanged),
            Text(str(len(source.conflicts)), style="red" if source.conflicts else ""),
        )
    _console("stdout").print(table)
    for source in report.sources:
        if source.numbers:
            ranges = _ranges(source.numbers)
            more = f" 等 {len(ranges)} 段" if len(ranges) > 6 else ""
            shown = "；".join(ranges[:6])
            say(f"{source.name} 的新问题已按本台账重新编号：{shown}{more}（原编号保留可查）")
        if source.added["categories"]:
            say(f"{source.name}：新增问题类别 {source.added['categories']} 个")
    conflicts = [(s, c) for s in report.sources for c in s.conflicts]
    if conflicts:
        notice(f"有 {len(conflicts)} 件问题两边各有对方没有的办理记录，未合并，本台账保持不变：")
        for source, conflict in conflicts[:20]:
            notice(
                f"  · 问题 {conflict.number}（{conflict.origin}）：本台账有 {conflict.ours} 条、"
                f"{source.path.name} 有 {conflict.theirs} 条对方没有的记录"
            )
        if len(conflicts) > 20:
            notice(f"  ……另有 {len(conflicts) - 20} 件")
        notice("请与社区核对后，在本台账中补录。")
    for source in report.sources:
        for message in source.meeting_conflicts:
            notice(f"  · {message}")
    if report.dry_run:
        return
    added = sum(s.added["items"] for s in report.sources)
    updated = sum(s.updated for s in report.sources)
    held = f"，{len(conflicts)} 件有冲突未合并" if conflicts else ""
    if added or updated or any(s.added["meetings"] for s in report.sources):
        say(f"合并完成：新增问题 {added} 件，更新 {updated} 件{held}。", "green")
    elif conflicts:
        say(f"没有合并任何内容：{len(conflicts)} 件有冲突（见上），其余记录本台账都已经有了。")
    else:
        say("没有新内容：这些台账中的记录本台账都已经有了。", "green")
