"""``ledger unit``: 承办单位 / 责任人."""

from typing import Annotated

import typer

from ledger.cli import changes_view, output, registry_view
from ledger.cli.context import given, moment, open_for
from ledger.cli.errors import guarded
from ledger.cli.options import ChangeNote, DbOption, EffectiveAt, JsonOption, UnitArgument
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


@app.command("show", help="查看承办单位：电话、联系人、在办问题数、曾用名和修改记录。")
@guarded
def show_command(name: UnitArgument, as_json: JsonOption = False, db: DbOption = None) -> None:
    ledger = open_for(db)
    unit = units.find(ledger, name)
    events = units.history(ledger, unit)
    open_items = units.open_items(ledger, unit)
    keys = ("uid", "name", "kind", "phone", "contact", "area")
    changes_view.show(
        {**{key: unit[key] for key in keys}, "open_items": open_items} if as_json else None,
        f"承办单位：{unit['name']}",
        [
            ("类型", UNIT_KIND.label(unit["kind"])),
            ("电话", unit["phone"] or "—"),
            ("联系人", unit["contact"] or "—"),
            ("区划", unit["area"] or "不限"),
            ("在办问题", f"{open_items} 件（ledger list --unit {unit['name']}）"),
        ],
        events,
    )


@app.command(
    "rename",
    help="承办单位更名（记为一条修改记录；旧名称仍可查到，以前月份的报表仍用旧名称）。",
)
@guarded
def rename_command(
    name: UnitArgument,
    new_name: Annotated[str, typer.Argument(help="新名称", metavar="新名称", show_default=False)],
    at: EffectiveAt = None,
    note: ChangeNote = None,
    db: DbOption = None,
) -> None:
    ledger = open_for(db)
    old = units.find(ledger, name)["name"]
    unit, event = units.rename(ledger, name, new_name, at=moment(at), note=note)
    output.say(f"已更名：{old} → {unit['name']}（{event.at[:10]} 起）", "green")


@app.command("edit", help="修改承办单位的类型、电话或联系人（记为一条修改记录）。")
@guarded
def edit_command(
    name: UnitArgument,
    kind: Annotated[
        str | None, typer.Option("--kind", help=f"类型：{UNIT_KIND.describe()}")
    ] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="联系电话")] = None,
    contact: Annotated[str | None, typer.Option("--contact", help="联系人")] = None,
    at: EffectiveAt = None,
    note: ChangeNote = None,
    db: DbOption = None,
) -> None:
    ledger = open_for(db)
    unit, event = units.edit(
        ledger,
        name,
        kind=kind,
        phone=given(phone, "--phone"),
        contact=given(contact, "--contact"),
        at=moment(at),
        note=note,
    )
    if event is None:
        output.say(f"承办单位“{unit['name']}”没有变化：所给的值与现有的相同")
        return
    output.say(f"已修改承办单位 {unit['name']}：{changes_view.changes_text(event)}", "green")


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
