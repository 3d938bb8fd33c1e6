"""``ledger search``: full-text search over items (thin: parse, search, render)."""

from __future__ import annotations

from typing import Annotated

import typer

from ledger.cli import output
from ledger.cli.context import open_for
from ledger.cli.errors import guarded
from ledger.cli.options import DbOption, JsonOption

commands = typer.Typer()


@commands.command(
    "search",
    help="全文查找问题：问题描述、办理结果、进展、答复、反映人、小区楼栋名称。"
    "多个词用空格分开，须全部包含；单字也可查。标题命中的在前，再按反映日期从新到旧。"
    "默认不含已作废的问题。",
)
@guarded
def search_command(
    words: Annotated[
        list[str], typer.Argument(help="要查找的词", metavar="词…", show_default=False)
    ],
    all_items: Annotated[bool, typer.Option("--all", help="也查已作废的问题")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, help="最多显示几条")] = 50,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    ledger = open_for(db)
    from ledger.cli import search_view
    from ledger.views import search

    found = search.search(ledger, " ".join(words), include_voided=all_items, limit=limit)
    if as_json:
        output.emit_json(search_view.search_json(found))
        return
    search_view.search_table(found)
