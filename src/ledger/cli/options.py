"""Options shared by many commands, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ledger.cli import completion

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="台账文件（默认：环境变量 LEDGER_DB，否则用户数据目录下的 ledger.db）",
        show_default=False,
        dir_okay=False,
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="输出 JSON（代码值、ISO 日期），供脚本使用")
]
AtOption = Annotated[
    str | None,
    typer.Option("--at", help="发生时间，可补录：2026-06-24、2026-06-24 20:30、昨天（默认：现在）"),
]
NoteOption = Annotated[str | None, typer.Option("--note", help="备注")]
ItemNumber = Annotated[
    int,
    typer.Argument(
        help="问题编号",
        metavar="问题编号",
        show_default=False,
        autocompletion=completion.item_numbers,
    ),
]
UnitArgument = Annotated[
    str,
    typer.Argument(
        help="承办单位（可用简称、拼音首字母、曾用名）",
        metavar="承办单位",
        show_default=False,
        autocompletion=completion.units,
    ),
]
CategoryOption = Annotated[
    str | None,
    typer.Option("--category", help="问题类别", autocompletion=completion.categories),
]
CommunityOption = Annotated[
    str | None,
    typer.Option(
        "--community", help="社区（重名时写成 街道/社区）", autocompletion=completion.communities
    ),
]
SubdistrictOption = Annotated[str | None, typer.Option("--subdistrict", help="街道（镇）")]
JsonlOption = Annotated[
    bool, typer.Option("--jsonl", help="每行一个 JSON 对象（边读边写），供管道使用")
]
WideOption = Annotated[bool, typer.Option("--wide", help="显示全部列和完整名称，不按屏幕宽度省略")]
NoPagerOption = Annotated[bool, typer.Option("--no-pager", help="不用分页器，直接输出")]
# A rename or correction of the registry: when it took effect, and why.
ChangeNote = Annotated[str | None, typer.Option("--note", help="备注，如更名依据")]
EffectiveAt = Annotated[
    str | None, typer.Option("--at", help="生效时间，可补录：2026-11-01（默认：现在）")
]
