"""``ledger area``: the 区划 tree."""

from typing import Annotated, Any

import typer

from ledger.cli import changes_view, output, registry_view
from ledger.cli.context import moment, open_for
from ledger.cli.errors import guarded
from ledger.cli.options import ChangeNote, DbOption, EffectiveAt, JsonOption
from ledger.domain.labels import AREA_LEVEL
from ledger.registry import areas

app = typer.Typer(help="区划：区县/街道/社区/小区/楼栋。", no_args_is_help=True)


@app.command(
    "add", help="添加区划（缺少的上级一并创建），例如 任城区/古槐街道/铁塔寺社区/铁塔寺小区/A8楼"
)
@guarded
def add_command(
    path: Annotated[
        str,
        typer.Argument(
            help="区县/街道/社区，可续写 /小区、/小区/楼栋", metavar="区划路径", show_default=False
        ),
    ],
    db: DbOption = None,
) -> None:
    ledger = open_for(db)
    place, created = areas.add_path(ledger, path)
    if not created:
        output.say(f"区划已存在：{place['path']}")
        return
    for row in created:
        output.say(f"已添加{AREA_LEVEL.label(row['level'])}：{row['path']}", "green")


PlaceText = Annotated[
    str,
    typer.Argument(
        help="区划路径或名称（如 铁塔寺社区、铁塔寺社区/铁塔寺小区；可用曾用名）",
        metavar="区划",
        show_default=False,
    ),
]


@app.command("show", help="查看区划：完整路径、下级、问题件数、曾用名和更名记录。")
@guarded
def show_command(path: PlaceText, as_json: JsonOption = False, db: DbOption = None) -> None:
    ledger = open_for(db)
    place = areas.locate(ledger, path)
    events = areas.history(ledger, place)
    summary = areas.summary(ledger, place)
    rows: list[tuple[str, Any]] = [("路径", place["path"])]
    if summary["children"]:
        rows.append(("下级", summary["children"]))
    rows.append(("问题", f"{summary['items']} 件，其中在办 {summary['open_items']} 件"))
    keys = ("uid", "level", "name", "path")
    changes_view.show(
        {**{key: place[key] for key in keys}, **summary} if as_json else None,
        f"{AREA_LEVEL.label(place['level'])}：{place['name']}",
        rows,
        events,
    )


@app.command(
    "rename",
    help=(
        "区划更名（社区、小区、楼栋等；记为一条更名记录，下级路径随之改变）。"
        "旧名称仍可检索、仍可在 --community 等处使用；以前月份的报表仍用当时的名称。"
    ),
)
@guarded
def rename_command(
    path: PlaceText,
    new_name: Annotated[
        str, typer.Argument(help="新名称（只写这一级）", metavar="新名称", show_default=False)
    ],
    at: EffectiveAt = None,
    note: ChangeNote = None,
    db: DbOption = None,
) -> None:
    ledger = open_for(db)
    old = areas.locate(ledger, path)
    place, event = areas.rename(ledger, path, new_name, at=moment(at), note=note)
    output.say(
        f"已更名{AREA_LEVEL.label(place['level'])}：{old['path']} → {place['path']}"
        f"（{event.at[:10]} 起）",
        "green",
    )


@app.command("list", help="以树形列出全部区划，社区后为问题件数。")
@guarded
def list_command(as_json: JsonOption = False, db: DbOption = None) -> None:
    ledger = open_for(db)
    tree = areas.tree(ledger)
    if as_json:
        output.emit_json(
            [
                {
                    "uid": p["uid"],
                    "level": p["level"],
                    "name": p["name"],
                    "path": p["path"],
                    "items": p["items"],
                }
                for p in tree
            ]
        )
        return
    registry_view.area_tree(tree)
