"""The clerk's day at the top level: ``today`` (the 督办 board) and ``remind`` (催办通知)."""

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer

from ledger.cli import completion, output, today_view
from ledger.cli.context import open_for, today
from ledger.cli.errors import guarded
from ledger.cli.options import (
    CommunityOption,
    DbOption,
    ItemNumber,
    JsonOption,
    SubdistrictOption,
    WideOption,
)
from ledger.domain.workdays import fallback_notice

commands = typer.Typer()

LimitOption = Annotated[
    int, typer.Option("--limit", min=0, max=10_000, help="每组最多显示几件（计数总是全部）")
]


def _calendar_notice(estimated_years: Iterable[int]) -> None:
    """Say so when a working-day count reached a year the calendar does not cover."""
    notice = fallback_notice(set(estimated_years))
    if notice:
        output.notice(notice)


@commands.command(
    "today",
    help="今日督办：严重超期、超期、今明到期（按承办单位），待分办、待答复、待回访，"
    "以及各小区下次夜话要回音的问题。只读，不改变任何问题的状态。"
    "窄屏（80 列）时各表省略次要的列（进度、办理结果、答复方式、小区/楼栋、社区……），"
    "--wide 显示全部列。",
)
@guarded
def today_command(
    community: CommunityOption = None,
    subdistrict: SubdistrictOption = None,
    limit: LimitOption = 10,
    as_json: JsonOption = False,
    wide: WideOption = False,
    db: DbOption = None,
) -> None:
    from ledger.views import today_board  # imported when used: every other command starts faster

    ledger = open_for(db)
    data = today_board.build(
        ledger, today(), community=community, subdistrict=subdistrict, limit=limit
    )
    if as_json:
        output.emit_json(data.as_json())
        return
    today_view.today_board(data, wide=wide)
    _calendar_notice(data.estimated_years)


@commands.command(
    "remind",
    help="催办：给有超期或今明到期问题的承办单位各生成一份催办通知（文本和 Excel），"
    "并在每件问题上记录一次催办。同一天重复运行不会重复记录。",
)
@guarded
def remind_command(
    unit: Annotated[
        str | None, typer.Option("--unit", help="只催这个承办单位", autocompletion=completion.units)
    ] = None,
    out: Annotated[
        Path,
        typer.Option("--out", help="催办通知保存到哪个文件夹", file_okay=False),
    ] = Path("催办通知"),
    db: DbOption = None,
) -> None:
    from ledger.reports import reminders

    ledger = open_for(db)
    result = reminders.remind(ledger, today(), out, unit=unit)
    today_view.reminders_summary(result)
    _calendar_notice(result.estimated_years)


@commands.command(
    "slip",
    help="打印用的单据：给承办单位的交办单（一页，留有办理情况和签字处）；"
    "问题办结后另出给居民的回执（办理结果、答复、评价）。生成 Excel，装有 LibreOffice 时另生成 PDF。",
)
@guarded
def slip_command(
    number: ItemNumber,
    out: Annotated[
        Path, typer.Option("--out", help="单据保存到哪个文件夹", file_okay=False)
    ] = Path("交办单"),
    unmask: Annotated[
        bool, typer.Option("--unmask", help="交办单上显示完整联系电话（默认隐去中间四位）")
    ] = False,
    db: DbOption = None,
) -> None:
    from ledger.reports import slip

    ledger = open_for(db)
    result = slip.write_slip(ledger, number, out, today(), unmask=unmask)
    kinds = "交办单和回执" if result.receipt else "交办单"
    output.say(f"已生成第 {number} 号问题的{kinds}：", "green")
    for path in result.files:
        output.say(f"  {path}")
    if not result.receipt:
        output.say("  问题办结后再运行一次，可另生成给居民的回执。", "dim")
    if not result.pdf:
        output.notice(
            "提示：未找到 LibreOffice（soffice），只生成了 Excel 文件；安装后可同时生成 PDF。"
        )
