"""The one place that writes to the terminal: Rich consoles, tables, and ``--json``."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from ledger.labels import (
    ACTION,
    AREA_LEVEL,
    CHANNEL,
    FIELD,
    LEVEL,
    MEETING_KIND,
    RATING,
    SCALE,
    SOURCE,
    SOURCE_SHORT,
    STATUS,
    UNIT_KIND,
)

# No markup or emoji codes: residents' text ("[/b]", ":warning:") is shown as typed, never
# interpreted (a stray "[/x]" in a title used to crash the table with a MarkupError).
stdout = Console(highlight=False, soft_wrap=False, markup=False, emoji=False)
stderr = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)

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
    """One line on stderr: 错误: …"""
    stderr.print(Text(f"错误: {message}", style="red"), soft_wrap=True)


def notice(message: str) -> None:
    """A warning or hint on stderr (so scripts reading stdout are not disturbed)."""
    stderr.print(Text(message, style="yellow"), soft_wrap=True)


def say(message: str, style: str | None = None) -> None:
    """A line on stdout (never wrapped mid-sentence)."""
    stdout.print(Text(message, style=style or ""), soft_wrap=True)


def emit_json(data: Any) -> None:
    """Machine-readable output: UTF-8 JSON, codes and ISO dates, nothing else on stdout."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


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
            {key: event[key] for key in ("uid", "action", "at", "recorded_at", "actor", "note")}
            | {"changes": event["changes"]}
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


def items_table(items: list[dict[str, Any]], total: int, category_labels: dict[str, str]) -> None:
    """The ``ledger list`` table, and how many more rows there are."""
    if not items:
        say("没有符合条件的问题。" if total == 0 else "")
        return
    table = _table("编号", "状态", "社区", "问题描述", "类别", "承办单位", "办理时限", "督办")
    for item in items:
        table.add_row(
            str(item["number"]),
            Text(STATUS.label(item["status"]), style=STATUS_STYLE.get(item["status"], "")),
            item["community"],
            _clip(item["title"], 22),
            category_labels.get(item["category"], item["category"]),
            item["unit"] or "",
            item["due_on"] or "",
            standing(item),
        )
    stdout.print(table)
    more = total - len(items)
    summary = f"共 {total} 条" + (
        f"，另有 {more} 条未显示（可用 --limit 调整）" if more > 0 else ""
    )
    say(summary, "dim")


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


def item_detail(item: dict[str, Any], category_labels: dict[str, str]) -> None:
    """``ledger show``: the item's fields, then its whole timeline."""
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
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
    for label, value in rows:
        if value not in (None, ""):
            head.add_row(label, value)
    stdout.print(head)
    timeline = _table("时间", "动作", "记录人", "内容", title="办理过程")
    for event in item["events"]:
        parts = [event["note"]] if event["note"] else []
        parts += [
            _change_text(key, value, category_labels)
            for key, value in event["changes"].items()
            if (key not in HIDDEN_CHANGES or event["action"] == "edit")
            and (event["action"] != "add" or key in ADD_SHOWN)
            and (value is not None or event["action"] == "edit")
        ]
        timeline.add_row(
            event["at"].replace("T", " ")[:16],
            ACTION.get(event["action"], event["action"]),
            event["actor"],
            "；".join(parts),
        )
    stdout.print(timeline)


# --- places, units, meetings, settings ------------------------------------------------


def area_tree(places: list[dict[str, Any]]) -> None:
    """The 区划 tree with item counts per community."""
    if not places:
        say("还没有区划。请先添加，例如：ledger area add 任城区/古槐街道/铁塔寺社区")
        return
    root = Tree("区划", guide_style="dim")
    nodes: dict[int | None, Tree] = {None: root}
    for place in places:
        label = Text.assemble(place["name"], " ", (AREA_LEVEL.label(place["level"]), "dim"))
        if place["items"]:
            label.append(f" {place['items']} 件", style="cyan")
        parent = nodes.get(place["parent_id"], root)
        nodes[place["id"]] = parent.add(label)
    stdout.print(root)


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
    stdout.print(table)


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
    stdout.print(table)


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
    meeting: dict[str, Any], items: list[dict[str, Any]], category_labels: dict[str, str]
) -> None:
    """``ledger meeting show``: the meeting and the items raised at it."""
    kind = MEETING_KIND.label(meeting["kind"])
    place = f" {meeting['place']}" if meeting["place"] else ""
    say(
        f"会议 {meeting['number']}：{meeting['held_on']} {kind} · {meeting['community']}{place}",
        "bold",
    )
    details = [
        ("主持人", meeting["host"]),
        ("参与人次", meeting["attendees"]),
        ("记录", meeting["note"]),
    ]
    for label, value in details:
        if value not in (None, ""):
            say(f"{label}：{value}")
    say(f"提出问题 {len(items)} 件")
    if items:
        items_table(items, len(items), category_labels)


def key_values(rows: Iterable[tuple[str, Any]], title: str | None = None) -> None:
    """A two-column table (settings, summaries)."""
    table = _table("项目", "值", title=title)
    for label, value in rows:
        table.add_row(label, str(value))
    stdout.print(table)


def source_short(code: str) -> str:
    return SOURCE_SHORT.get(code, code)


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
    line = Text()
    line.append(f"■ {title} {count} 件", style=_GROUP_TITLE_STYLE)
    if note:
        line.append(f"  {note}", style="dim")
    if list_args:
        line.append(f"  ledger list {list_args}", style="dim")
    stdout.print(line, soft_wrap=True)


def _more(shown: int, count: int, list_args: str | None) -> None:
    if count > shown:
        hint = f"ledger list {list_args}" if list_args else "ledger today --limit N"
        say(f"  另有 {count - shown} 件未显示（{hint}，或 ledger today --limit N）", "dim")


def today_board(board: dict[str, Any]) -> None:
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
    _supervision_section(board["supervision"])
    _cards_line(board.get("cards"))
    _assignment_section(board["waiting_assignment"])
    _reply_section(board["waiting_reply"])
    _rating_section(board["waiting_rating"])
    _compounds_section(board["compounds"])


def _cards_line(cards: dict[str, Any] | None) -> None:
    """黄牌 / 红牌 counts on one short line (per unit in ``today --json``)."""
    if not cards or not (cards["red"]["count"] or cards["yellow"]["count"]):
        return
    line = Text("  督办牌：")
    line.append(f"红牌 {cards['red']['count']} 件", style="bold red")
    line.append(" · ")
    line.append(f"黄牌 {cards['yellow']['count']} 件", style="yellow")
    line.append("  ledger list --card red|yellow", style="dim")
    stdout.print(line)


def _supervision_section(supervision: dict[str, Any]) -> None:
    counts = {level: supervision[level]["count"] for level in ("severe", "overdue", "warning")}
    line = Text()
    line.append("■ 督办  ", style=_GROUP_TITLE_STYLE)
    for index, level in enumerate(("severe", "overdue", "warning")):
        if index:
            line.append(" · ")
        label = "今明到期" if level == "warning" else LEVEL[level]
        line.append(
            f"{label} {counts[level]} 件", style=LEVEL_STYLE[level] if counts[level] else ""
        )
    stdout.print(line, soft_wrap=True)
    if not any(counts.values()):
        say("  没有超期或今明到期的问题。", "green")
        return
    units = _table("承办单位", "严重超期", "超期", "今明到期", "合计")
    for row in supervision["by_unit"]:
        units.add_row(
            row["unit"] or "（未交办）",
            Text(str(row["severe"]), style=LEVEL_STYLE["severe"] if row["severe"] else "dim"),
            Text(str(row["overdue"]), style=LEVEL_STYLE["overdue"] if row["overdue"] else "dim"),
            Text(str(row["warning"]), style=LEVEL_STYLE["warning"] if row["warning"] else "dim"),
            str(row["total"]),
        )
    stdout.print(units)
    table = _table("编号", "督办", "承办单位", "社区", "问题描述", "办理时限", "进度")
    for level in ("severe", "overdue", "warning"):
        for item in supervision[level]["items"]:
            table.add_row(
                str(item["number"]),
                standing(item),
                item["unit"] or "（未交办）",
                item["community"],
                _clip(item["title"], 24),
                item["due_on"] or "",
                progress_bar(item["percent"]) if item["scale"] == "big" else "",
            )
    stdout.print(table)
    for level in ("severe", "overdue", "warning"):
        group = supervision[level]
        if group["count"] > len(group["items"]):
            label = "今明到期" if level == "warning" else LEVEL[level]
            say(
                f"  {label}另有 {group['count'] - len(group['items'])} 件未显示"
                f"（ledger list {group['list_args']}）",
                "dim",
            )
    say(
        f"  对应清单：严重超期 = ledger list {supervision['severe']['list_args']}；"
        f"严重超期 + 超期 = ledger list {supervision['overdue']['list_args']}；"
        f"今明到期 = ledger list {supervision['warning']['list_args']}",
        "dim",
    )


def _assignment_section(group: dict[str, Any]) -> None:
    _group_heading("待分办", group["count"], "反映后尚未交办，最早的在前", group["list_args"])
    if not group["items"]:
        return
    table = _table("编号", "反映日期", "已等", "社区", "小区/楼栋", "问题描述", "督办")
    for item in group["items"]:
        table.add_row(
            str(item["number"]),
            item["raised_on"],
            _waited(item),
            item["community"],
            item["place"] or "",
            _clip(item["title"], 24),
            standing(item),
        )
    stdout.print(table)
    _more(len(group["items"]), group["count"], group["list_args"])


def _reply_section(group: dict[str, Any]) -> None:
    _group_heading(
        "待答复", group["count"], "已办结或不予办理，尚未答复居民（说事必回）", group["list_args"]
    )
    if not group["items"]:
        return
    table = _table("编号", "状态", "办结日期", "已等", "社区", "问题描述", "反映人", "办理结果")
    for item in group["items"]:
        table.add_row(
            str(item["number"]),
            Text(STATUS.label(item["status"]), style=STATUS_STYLE.get(item["status"], "")),
            item["resolved_on"] or "",
            _waited(item),
            item["community"],
            _clip(item["title"], 20),
            item["reporter"] or "",
            _clip(item["result"], 20),
        )
    stdout.print(table)
    _more(len(group["items"]), group["count"], group["list_args"])


def _rating_section(group: dict[str, Any]) -> None:
    _group_heading("待回访", group["count"], "已答复，请电话回访并记录评价", group["list_args"])
    if not group["items"]:
        return
    table = _table("编号", "反映人", "电话", "社区", "问题描述", "答复日期", "答复方式", "已等")
    for item in group["items"]:
        table.add_row(
            str(item["number"]),
            item["reporter"] or "",
            Text(item["phone"] or "（无电话）", style="" if item["phone"] else "dim"),
            item["community"],
            _clip(item["title"], 20),
            item["replied_on"] or "",
            CHANNEL.label(item["reply_channel"]),
            _waited(item),
        )
    stdout.print(table)
    _more(len(group["items"]), group["count"], group["list_args"])


def _compounds_section(compounds: dict[str, Any]) -> None:
    line = Text()
    line.append(f"■ 下次夜话要回音 {compounds['items']} 件", style=_GROUP_TITLE_STYLE)
    line.append(f"  {compounds['count']} 个小区尚未答复的问题，楼长在夜话上通报", style="dim")
    stdout.print(line, soft_wrap=True)
    for compound in compounds["compounds"]:
        talk = compound["last_night_talk"]
        head = Text("  ")
        head.append(f"{compound['community']} · {compound['compound']}", style="bold")
        head.append(f"  {compound['count']} 件")
        head.append(f"  上次夜话 {talk}" if talk else "  尚无夜话记录", style="dim")
        stdout.print(head, soft_wrap=True)
        for item in compound["items"]:
            row = Text("    ")
            row.append(f"{item['number']:>5}  ")
            row.append(_clip(item["title"], 26))
            row.append("  ")
            row.append(STATUS.label(item["status"]), style=STATUS_STYLE.get(item["status"], ""))
            if item["unit"]:
                row.append(f" · {item['unit']}")
            if item["level"]:
                row.append("  ")
                row.append_text(standing(item))
            elif item["scale"] == "big" and item["percent"] is not None:
                row.append(f"  {progress_bar(item['percent'])}")
            stdout.print(row, soft_wrap=True)
        if compound["count"] > len(compound["items"]):
            say(f"    …另有 {compound['count'] - len(compound['items'])} 件", "dim")
    hidden = compounds["count"] - len(compounds["compounds"])
    if hidden > 0:
        say(f"  另有 {hidden} 个小区未显示（ledger today --limit N）", "dim")


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
        stdout.print(table)
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
            console=stderr,
            transient=True,
            disable=not stderr.is_terminal or total < 2,
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
) -> None:
    """Report figures: columns are (key, title, kind); rates as 83.3%, a missing value as —."""
    table = Table(title=title, header_style="bold", pad_edge=False, box=box.SIMPLE_HEAD)
    for _, label, kind in columns:
        # Titles may wrap on a narrow terminal; numbers keep room for "100.0%" and stay whole.
        table.add_column(
            label,
            justify="left" if kind == "text" else "right",
            overflow="fold",
            min_width={"rate": 6, "score": 5, "int": 3}.get(kind, 4),
        )

    def cells(row: dict[str, Any]) -> list[str]:
        shown = []
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

    for row in rows:
        table.add_row(*cells(row))
    if total is not None:
        table.add_row(*cells(total), style="bold")
    stdout.print(table)


# --- export, backup, check, merge -----------------------------------------------------


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.1f} KB"


def _counts_text(counts: dict[str, int]) -> str:
    from ledger.labels import TABLE

    shown = ("areas", "units", "meetings", "items", "events")
    return "、".join(f"{TABLE[t]} {counts[t]}" for t in shown if t in counts)


def export_done(result: Any) -> None:
    """``ledger export``: where the export went and what it holds."""
    from ledger.labels import EXPORT_FORMAT

    say(f"已导出（{EXPORT_FORMAT.label(result.format)}）：{result.path}", "green")
    say(f"内容：{_counts_text(result.counts)}")
    for message in result.notices:
        notice(message)


def _check_lines(report: Any) -> Table:
    from ledger.labels import CHECK

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
    stdout.print(_check_lines(report))
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
    how = "SQLite 快速检查（quick_check）" if report.quick else "SQLite 完整性检查和逐件核对"
    say(f"已备份：{result.path}（{_size(result.size)}）", "green")
    say(f"内容：{_counts_text(result.counts)}")
    say(f"已校验：副本可独立打开，记录数与台账一致，{how}通过。")
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
    stdout.print(table)
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
