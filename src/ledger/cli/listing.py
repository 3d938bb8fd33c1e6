"""Reading items at the top level: ``ledger list`` (the filters, a table, ``--json`` streamed)
and ``ledger show`` (one item and its whole timeline)."""

from typing import Annotated

import typer

from ledger.cli import completion, items_view, output, show_view
from ledger.cli.context import day, open_for, today
from ledger.cli.errors import guarded
from ledger.cli.options import (
    CategoryOption,
    CommunityOption,
    DbOption,
    ItemNumber,
    JsonlOption,
    JsonOption,
    NoPagerOption,
    SubdistrictOption,
    WideOption,
)
from ledger.domain.labels import SOURCE, STATUS
from ledger.registry import categories
from ledger.views import filters, item_detail

commands = typer.Typer()


@commands.command(
    "list",
    help="列出问题：默认为未归档的问题中最紧急的 50 条（设置 list_limit），并说明还有多少条。"
    "在终端中较长的清单用分页器显示（LEDGER_PAGER 或 PAGER，默认 less -FRX）。"
    "窄屏（80 列）时依次省略 类别、社区、承办单位 列，--wide 显示全部列。",
)
@guarded
def list_command(
    status: Annotated[
        list[str] | None, typer.Option("--status", help=f"状态（可多次）：{STATUS.describe()}")
    ] = None,
    community: CommunityOption = None,
    subdistrict: SubdistrictOption = None,
    unit: Annotated[
        str | None, typer.Option("--unit", help="承办单位", autocompletion=completion.units)
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help=f"来源：{SOURCE.describe()}")
    ] = None,
    category: CategoryOption = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="只看超期未办结的")] = False,
    due_within: Annotated[
        int | None,
        typer.Option(
            "--due-within",
            min=0,
            max=1000,
            help="未办结、未超期，N 个工作日内到期（1 即今明到期/预警）",
        ),
    ] = None,
    overdue_by: Annotated[
        int | None,
        typer.Option(
            "--overdue-by",
            min=0,
            max=1000,
            help="超期 N 个工作日以上（含 N 个；默认设置下 5 即严重超期）",
        ),
    ] = None,
    card: Annotated[
        str | None,
        typer.Option(
            "--card",
            help="督办牌：黄牌(yellow) 到期前 1 个工作日起，红牌(red) 超过时限后第 1 个工作日起",
        ),
    ] = None,
    waiting_reply: Annotated[
        bool,
        typer.Option("--waiting-reply", help="待答复：已办结或不予办理、尚未答复居民的"),
    ] = False,
    waiting_rating: Annotated[
        bool, typer.Option("--waiting-rating", help="待回访：已答复、尚未评价的")
    ] = False,
    stale: Annotated[
        int | None,
        typer.Option("--stale", min=1, max=1000, help="N 个工作日以上没有任何办理记录（未跟进）"),
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="反映日期不早于")] = None,
    until: Annotated[str | None, typer.Option("--until", help="反映日期不晚于")] = None,
    by: Annotated[str | None, typer.Option("--by", help="反映人（姓名或其中几个字）")] = None,
    phone: Annotated[
        str | None, typer.Option("--phone", help="反映人电话（全部或其中连续几位数字）")
    ] = None,
    compound: Annotated[str | None, typer.Option("--compound", help="小区（含其中各楼栋）")] = None,
    building: Annotated[
        str | None, typer.Option("--building", help="楼栋（重名时加 --compound 或写成 小区/楼栋）")
    ] = None,
    meeting: Annotated[int | None, typer.Option("--meeting", help="在第 N 次会议上提出的")] = None,
    text: Annotated[
        str | None,
        typer.Option("--text", help="包含这些词（同 ledger search，空格分开须全部包含）"),
    ] = None,
    all_items: Annotated[
        bool, typer.Option("--all", help="全部：包括已归档的，不限条数（可再加 --limit）")
    ] = False,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            min=0,
            help="最多显示几条，0 为不限（默认：设置 list_limit，出厂 50 条，最紧急的在前）",
        ),
    ] = None,
    as_json: JsonOption = False,
    as_jsonl: JsonlOption = False,
    wide: WideOption = False,
    no_pager: NoPagerOption = False,
    db: DbOption = None,
) -> None:
    ledger = open_for(db)
    if limit is None and not all_items:
        limit = ledger.setting("list_limit")
    if limit == 0:
        limit = None
    wanted = filters.ItemFilter(
        statuses=status or [],
        community=community,
        subdistrict=subdistrict,
        unit=unit,
        source=source,
        category=category,
        overdue=overdue,
        due_within=due_within,
        overdue_by=overdue_by,
        card=card,
        waiting_reply=waiting_reply,
        waiting_rating=waiting_rating,
        stale=stale,
        since=day(since, "--since"),
        until=day(until, "--until"),
        include_closed=all_items,
        include_voided=all_items,
        limit=limit,
        reporter=by,
        phone=phone,
        compound=compound,
        building=building,
        meeting=meeting,
        text=text,
    )
    total, rows = filters.find_items(ledger, wanted, today())
    if as_jsonl:
        output.emit_jsonl(item.as_json() for item in rows)
        return
    if as_json:
        output.emit_json_stream({"total": total}, "items", (item.as_json() for item in rows))
        return
    if total == 0 and ledger.conn.execute("SELECT count(*) FROM items").fetchone()[0] == 0:
        output.say(items_view.EMPTY_LEDGER_HINT)
        return
    with output.paged(not no_pager):
        items_view.items_table(rows, total, categories.labels(ledger), wide=wide)


@commands.command("show", help="查看一个问题及其全部办理过程。")
@guarded
def show_command(
    number: ItemNumber, as_json: JsonOption = False, wide: WideOption = False, db: DbOption = None
) -> None:
    ledger = open_for(db)
    item = item_detail.describe(ledger, number, today())
    from ledger.cli import repeats_view

    if as_json:
        output.emit_json(show_view.item_json(item) | repeats_view.as_json(item))
        return
    show_view.item_detail(item, categories.labels(ledger), wide=wide)
    repeats_view.show(item)
