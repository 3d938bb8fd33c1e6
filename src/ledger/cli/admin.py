"""Setting up: ``init``, ``where``, ``config`` and ``category``."""

from collections.abc import Iterable
from typing import Annotated, Any

import typer

from ledger.cli import output
from ledger.cli.context import ledger_path, open_for
from ledger.cli.errors import guarded
from ledger.cli.options import DbOption, JsonOption
from ledger.registry import categories
from ledger.store.settings import SETTINGS

commands = typer.Typer()
config_app = typer.Typer(help="台账设置：办理时限、排名权重等。", invoke_without_command=True)
category_app = typer.Typer(help="问题类别。", no_args_is_help=True)


@commands.command("init", help="创建台账文件（已存在则检查并升级），并显示其位置。")
@guarded
def init_command(db: DbOption = None) -> None:
    path = ledger_path(db)
    existed = path.exists() and path.stat().st_size > 0  # a 0-byte file is made a ledger
    ledger = open_for(db, create=True)
    if existed:
        output.say(f"台账已存在：{ledger.path}")
    else:
        output.say(f"已创建台账：{ledger.path}", "green")
    output.say("下一步：ledger area add 区县/街道/社区 添加区划，ledger unit add 添加承办单位。")


@commands.command("where", help="显示当前使用的台账文件位置。")
@guarded
def where_command(db: DbOption = None) -> None:
    path = ledger_path(db)
    state = "" if path.exists() else "（尚未创建，运行 ledger init）"
    output.say(f"{path}{state}")


@config_app.callback()
@guarded
def config_command(
    ctx: typer.Context,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """查看台账设置；用 ledger config set 键 值 修改。"""
    if ctx.invoked_subcommand is not None:
        return
    values = open_for(db).settings()
    pairs = ((f"{SETTINGS[key].label}（{key}）", value) for key, value in values.items())
    _listing(values, pairs, "台账设置", as_json)


def _listing(data: Any, pairs: Iterable[tuple[str, Any]], title: str, as_json: bool) -> None:
    """``--json``: the data as it is; otherwise label / value lines under a title."""
    if as_json:
        output.emit_json(data)
    else:
        output.key_values(pairs, title=title)


@config_app.command("set", help="修改一项设置，例如 ledger config set small_days 5")
@guarded
def config_set_command(
    key: Annotated[str, typer.Argument(help="设置项", metavar="设置项", show_default=False)],
    value: Annotated[str, typer.Argument(help="新值", metavar="新值", show_default=False)],
    db: DbOption = None,
) -> None:
    new_value = open_for(db).set_setting(key, value)
    output.say(f"已设置 {SETTINGS[key].label}：{new_value}", "green")


@category_app.command("list", help="列出问题类别。")
@guarded
def category_list_command(as_json: JsonOption = False, db: DbOption = None) -> None:
    rows = categories.all_categories(open_for(db))
    pairs = ((row["label"], row["code"] + ("" if row["builtin"] else "（自定义）")) for row in rows)
    _listing(rows, pairs, "问题类别", as_json)


@category_app.command("add", help="新增问题类别。")
@guarded
def category_add_command(
    label: Annotated[str, typer.Argument(help="类别名称", metavar="类别名称", show_default=False)],
    db: DbOption = None,
) -> None:
    row = categories.add(open_for(db), label)
    output.say(f"已新增问题类别：{row['label']}", "green")
