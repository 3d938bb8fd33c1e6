"""The clerk's day: the ``ledger today`` board, group by group, and ``ledger remind``'s
summary of the notices written."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ledger.cli import layout, output
from ledger.cli.items_view import EMPTY_LEDGER_HINT, progress_bar, standing
from ledger.cli.layout import Column, Text
from ledger.cli.output import (
    LEVEL_STYLE,
    emit,
    emit_lines,
    narrow_hint,
    rich_table,
    say,
    status_text,
    table,
    width,
)
from ledger.domain.labels import CHANNEL, LEVEL

if TYPE_CHECKING:  # the board itself is imported only by ``ledger today``
    from ledger.reports.reminders import RemindOutcome
    from ledger.views.rows import Item
    from ledger.views.today_board import Board, Cards, Compounds, Group, Supervision

LEVELS = ("severe", "overdue", "warning")  # most urgent first, as on the board

_WEEKDAYS = "一二三四五六日"
_GROUP_TITLE_STYLE = "bold"


def _day_heading(board: Board) -> str:
    from datetime import date

    day = date.fromisoformat(board.today)
    weekday = f"星期{_WEEKDAYS[day.weekday()]}"
    if board.workday and day.weekday() >= 5:
        weekday += "（调休上班日）"
    elif not board.workday:
        weekday += "（休息日）"
    scope = board.scope
    where = " · ".join(part for part in (scope.subdistrict, scope.community) if part)
    return f"今日督办 · {board.today} {weekday}" + (f" · {where}" if where else "")


def _waited(item: Item) -> str:
    days = item.waited_workdays
    if days is None:
        return ""
    return f"{days}个工作日" + ("（估算）" if item.estimated else "")


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


def today_board(board: Board, wide: bool = False) -> None:
    """``ledger today``: the groups, most urgent first, each counted like its list filter."""
    if board.ledger_items == 0:
        say(EMPTY_LEDGER_HINT)
        return
    say(_day_heading(board), "bold")
    if board.items_in_scope == 0:
        say("这里还没有登记问题。")
        return
    if board.nothing_due:
        say("今天没有超期、待分办、待答复或待回访的问题，事事有回音。", "green")
        return
    dropped: list[str] = []
    dropped += _supervision_section(board.supervision, wide)
    _cards_line(board.cards)
    dropped += _group_section(
        board.waiting_assignment,
        ("待分办", "反映后尚未交办，最早的在前"),
        ASSIGNMENT_COLUMNS,
        _assignment_cells,
        wide,
    )
    dropped += _group_section(
        board.waiting_reply,
        ("待答复", "已办结或不予办理，尚未答复居民（说事必回）"),
        REPLY_COLUMNS,
        _reply_cells,
        wide,
    )
    dropped += _group_section(
        board.waiting_rating,
        ("待回访", "已答复，请电话回访并记录评价"),
        RATING_COLUMNS,
        _rating_cells,
        wide,
    )
    dropped += _compounds_section(board.compounds, wide)
    narrow_hint(dropped, "ledger today")


def _cards_line(cards: Cards) -> None:
    """黄牌 / 红牌 counts on one short line (per unit in ``today --json``)."""
    if not (cards.red.count or cards.yellow.count):
        return
    line = Text("  督办牌：")
    line.append(f"红牌 {cards.red.count} 件", style="bold red")
    line.append(" · ")
    line.append(f"黄牌 {cards.yellow.count} 件", style="yellow")
    line.append("  ledger list --card red|yellow", style="dim")
    emit(line)


def _supervision_section(supervision: Supervision, wide: bool) -> list[str]:
    counts = {level: supervision.level(level).count for level in LEVELS}
    line = Text()  # at most ~50 cells: fits any screen
    line.append("■ 督办  ", style=_GROUP_TITLE_STYLE)
    for index, level in enumerate(LEVELS):
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
            row.unit or "（未交办）",
            Text(str(row.severe), style=LEVEL_STYLE["severe"] if row.severe else "dim"),
            Text(str(row.overdue), style=LEVEL_STYLE["overdue"] if row.overdue else "dim"),
            Text(str(row.warning), style=LEVEL_STYLE["warning"] if row.warning else "dim"),
            str(row.total),
        ]
        for row in supervision.by_unit
    ]
    dropped = table(SUPERVISION_UNIT_COLUMNS, units, wide=wide).dropped
    emit(Text(""))
    rows = [
        [
            str(item.number),
            standing(item),
            item.unit or "（未交办）",
            item.community,
            item.title,
            item.due_on or "",
            progress_bar(item.percent) if item.scale == "big" else "",
        ]
        for level in LEVELS
        for item in supervision.level(level).items
    ]
    dropped += table(SUPERVISION_COLUMNS, rows, wide=wide).dropped
    for level in LEVELS:
        group = supervision.level(level)
        if group.count > len(group.items):
            label = "今明到期" if level == "warning" else LEVEL[level]
            say(
                f"  {label}另有 {group.count - len(group.items)} 件未显示"
                f"（ledger list {group.list_args}）",
                "dim",
            )
    lists = [
        (f"对应清单：严重超期 = ledger list {supervision.severe.list_args}；", "dim"),
        (f"严重超期 + 超期 = ledger list {supervision.overdue.list_args}；", "dim"),
        (f"今明到期 = ledger list {supervision.warning.list_args}", "dim"),
    ]
    emit_lines(layout.pack(lists, width(), indent="  "))
    return dropped


def _group_section(
    group: Group,
    heading: tuple[str, str],
    columns: tuple[Column, ...],
    cells: Callable[[Item], list[Any]],
    wide: bool,
) -> list[str]:
    """A group equal to a list filter: its heading (title, note), a row per item shown, and
    how many more there are; returns the columns a narrow screen left out."""
    title, note = heading
    _group_heading(title, group.count, note, group.list_args)
    if not group.items:
        return []
    dropped = table(columns, [cells(item) for item in group.items], wide=wide).dropped
    _more(len(group.items), group.count, group.list_args)
    return dropped


def _assignment_cells(item: Item) -> list[Any]:
    return [
        str(item.number),
        item.raised_on,
        _waited(item),
        item.community,
        item.place or "",
        item.title,
        standing(item),
    ]


def _reply_cells(item: Item) -> list[Any]:
    return [
        str(item.number),
        status_text(item.status),
        item.resolved_on or "",
        _waited(item),
        item.community,
        item.title,
        item.reporter or "",
        item.result or "",
    ]


def _rating_cells(item: Item) -> list[Any]:
    return [
        str(item.number),
        item.reporter or "",
        Text(item.phone or "（无电话）", style="" if item.phone else "dim"),
        item.community,
        item.title,
        item.replied_on or "",
        CHANNEL.label(item.reply_channel),
        _waited(item),
    ]


def _compounds_section(compounds: Compounds, wide: bool) -> list[str]:
    parts = [
        (f"■ 下次夜话要回音 {compounds.items} 件", _GROUP_TITLE_STYLE),
        (f"{compounds.count} 个小区尚未答复的问题，楼长在夜话上通报", "dim"),
    ]
    emit_lines(layout.pack(parts, width()))
    rows: list[list[Any]] = []
    for compound in compounds.compounds:
        for item in compound.items:
            if item.level:
                mark: Any = standing(item)
            elif item.scale == "big" and item.percent is not None:
                mark = progress_bar(item.percent)
            else:
                mark = ""
            rows.append(
                [
                    str(item.number),
                    item.title,
                    status_text(item.status),
                    item.unit or "",
                    mark,
                ]
            )
    indent = "    "
    fitted = layout.fit(COMPOUND_COLUMNS, rows, width() - len(indent), wide)
    at = 0
    for compound in compounds.compounds:
        talk = compound.last_night_talk
        head = [
            (f"{compound.community} · {compound.compound}  {compound.count} 件", "bold"),
            (f"上次夜话 {talk}" if talk else "尚无夜话记录", "dim"),
        ]
        emit_lines(layout.pack(head, width(), indent="  "))
        for _ in compound.items:
            emit(layout.row_line(fitted, rows[at], indent))
            at += 1
        if compound.count > len(compound.items):
            say(f"    …另有 {compound.count - len(compound.items)} 件", "dim")
    hidden = compounds.count - len(compounds.compounds)
    if hidden > 0:
        say(f"  另有 {hidden} 个小区未显示（ledger today --limit N）", "dim")
    return fitted.dropped


def reminders_summary(result: RemindOutcome) -> None:
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
        grid = rich_table("承办单位", "严重超期", "超期", "今明到期", "本次记录")
        for notice in result.notices:
            cells = [
                Text(
                    str(notice.count(level)),
                    style=LEVEL_STYLE[level] if notice.count(level) else "dim",
                )
                for level in ("severe", "overdue", "warning")
            ]
            recorded = "今天已催办过" if notice.recorded == 0 else f"{notice.recorded} 件"
            grid.add_row(notice.unit, *cells, recorded)
        output.stdout.print(grid)
        say(f"催办通知（每个单位一份 .txt 和 .xlsx）保存在：{result.out_dir}")
    if result.unassigned:
        say(
            f"另有 {result.unassigned} 件超期或今明到期的问题尚未交办、没有承办单位可催，请先交办"
            "（ledger list --status raised --overdue；ledger list --status raised --due-within 1）",
            "yellow",
        )
