"""``ledger area``: the 区划 tree."""

from typing import Annotated

import typer

from ledger.cli import output, registry_view
from ledger.cli.context import open_for
from ledger.cli.errors import guarded
from ledger.cli.options import DbOption, JsonOption
from ledger.domain.labels import AREA_LEVEL
from ledger.registry import places

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
    place, created = places.add_path(ledger, path)
    if not created:
        output.say(f"区划已存在：{place['path']}")
        return
    for row in created:
        output.say(f"已添加{AREA_LEVEL.label(row['level'])}：{row['path']}", "green")


@app.command("list", help="以树形列出全部区划，社区后为问题件数。")
@guarded
def list_command(as_json: JsonOption = False, db: DbOption = None) -> None:
    ledger = open_for(db)
    tree = places.tree(ledger)
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
