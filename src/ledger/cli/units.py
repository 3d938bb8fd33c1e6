"""``ledger unit``: 承办单位 / 责任人."""

from typing import Annotated

import typer

from ledger.cli import output, registry_view
from ledger.cli.context import open_for
from ledger.cli.errors import guarded
from ledger.cli.options import DbOption, JsonOption
from ledger.domain.labels import UNIT_KIND
from ledger.registry import units

app = typer.Typer(help="承办单位：职能部门、社区、物业、志愿队、个人。", no_args_is_help=True)


@app.command("add", help="添加承办单位。")
@guarded
def add_command(
    name: Annotated[
        str, typer.Argument(help="单位或责任人名称", metavar="名称", show_default=False)
    ],
    kind: Annotated[
        str, typer.Option("--kind", help=f"类型：{UNIT_KIND.describe()}")
    ] = "department",
    phone: Annotated[str | None, typer.Option("--phone", help="联系电话")] = None,
    contact: Annotated[str | None, typer.Option("--contact", help="联系人")] = None,
    area: Annotated[
        str | None, typer.Option("--area", help="所属区划（同名单位在不同街道时用于区分）")
    ] = None,
    db: DbOption = None,
) -> None:
    ledger = open_for(db)
    unit = units.add(ledger, name, kind, phone=phone, contact=contact, area=area)
    scope = f"（{unit['area']}）" if unit["area"] else ""
    output.say(f"已添加承办单位：{unit['name']}{scope} · {UNIT_KIND.label(unit['kind'])}", "green")


@app.command("list", help="列出承办单位及其在办问题数。")
@guarded
def list_command(as_json: JsonOption = False, db: DbOption = None) -> None:
    ledger = open_for(db)
    rows = units.all_units(ledger)
    if as_json:
        keys = ("uid", "name", "kind", "phone", "contact", "area", "open_items")
        output.emit_json([{key: unit[key] for key in keys} for unit in rows])
        return
    registry_view.units_table(rows)
