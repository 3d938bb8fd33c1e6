"""The registry's screens: the 区划 tree, the units, the meetings (list, show, JSON)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ledger.cli import layout, output
from ledger.cli.items_view import LIST_COLUMNS, list_row
from ledger.cli.layout import Text
from ledger.cli.output import emit_lines, narrow_hint, rich_table, say, width
from ledger.cli.show_view import fields_block
from ledger.domain.labels import AREA_LEVEL, MEETING_KIND, UNIT_KIND

if TYPE_CHECKING:
    from ledger.views.rows import Item


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
    output.stdout.print(root)


def units_table(units: list[dict[str, Any]]) -> None:
    """``ledger unit list``."""
    if not units:
        say("还没有承办单位。请先添加，例如：ledger unit add 住建局 --kind 职能部门")
        return
    table = rich_table("单位", "类型", "电话", "联系人", "区划", "在办")
    for unit in units:
        table.add_row(
            unit["name"],
            UNIT_KIND.label(unit["kind"]),
            unit["phone"] or "",
            unit["contact"] or "",
            unit["area"] or "",
            str(unit["open_items"]),
        )
    output.stdout.print(table)


# ``ledger meeting list`` at 80 columns: numbers, dates and kinds never wrap; names are
# abbreviated (铁塔寺社区 → 铁塔寺); the 小区 goes first, then the host.
MEETING_COLUMNS = (
    layout.Column("编号", right=True),
    layout.Column("日期"),
    layout.Column("类型"),
    layout.Column("社区", "name", min_width=6),
    layout.Column("小区", "name", drop=1, min_width=6),
    layout.Column("主持人", "name", drop=2, min_width=6),
    layout.Column("参与人次", right=True),
    layout.Column("问题数", right=True),
)


def meetings_table(meetings: list[dict[str, Any]], *, wide: bool = False) -> None:
    """``ledger meeting list``: one line per meeting."""
    if not meetings:
        say("没有会议记录。可用 ledger meeting add 登记一次夜话或说事会。")
        return
    rows = [
        [
            str(meeting["number"]),
            meeting["held_on"],
            MEETING_KIND.label(meeting["kind"]),
            meeting["community"],
            meeting["place"] or "",
            meeting["host"] or "",
            "" if meeting["attendees"] is None else str(meeting["attendees"]),
            str(meeting["items"]),
        ]
        for meeting in meetings
    ]
    fitted = output.table(MEETING_COLUMNS, rows, wide=wide)
    narrow_hint(fitted.dropped, "ledger meeting list")


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
    items: list[Item],
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
