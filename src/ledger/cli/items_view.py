"""Items in a list: ``ledger list``'s table (streamed row by row), the JSON shape of an item,
and the cells other screens share (the 督办 standing, the progress bar)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ledger.cli import layout
from ledger.cli.layout import Column, Text
from ledger.cli.output import LEVEL_STYLE, emit, narrow_hint, say, status_text, width
from ledger.domain.labels import LEVEL

if TYPE_CHECKING:
    from ledger.views.rows import Item

EMPTY_LEDGER_HINT = '台账里还没有问题。登记第一件：ledger add "问题描述" --community 社区名'


def standing(item: Item) -> Text:
    """督办 cell: the level in its color, with working days late or left."""
    level = item.level
    mark = "（估算）" if item.estimated else ""
    if level in ("overdue", "severe"):
        return Text(f"{LEVEL[level]}{item.workdays_overdue}工作日{mark}", style=LEVEL_STYLE[level])
    if level == "warning":
        left = "今日到期" if item.workdays_left == 0 else "明日到期"
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


def list_row(item: Item, category_labels: dict[str, str]) -> list[Any]:
    return [
        str(item.number),
        status_text(item.status),
        item.community,
        item.title,
        category_labels.get(item.category, item.category),
        item.unit or "",
        item.due_on or "",
        standing(item),
    ]


def items_table(
    items: Iterable[Item],
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
