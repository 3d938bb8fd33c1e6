"""The everyday verbs on items, at the top level: add, list, show, assign, … close, edit."""

from typing import Annotated, Any

import typer

from ledger.casework import actions
from ledger.cli import completion, items_view, listing, output, show_view
from ledger.cli.context import day, given, moment, open_for, today
from ledger.cli.errors import guarded
from ledger.cli.options import (
    AtOption,
    CategoryOption,
    CommunityOption,
    DbOption,
    ItemNumber,
    NoteOption,
    UnitArgument,
)
from ledger.domain.dates import parse_date
from ledger.domain.labels import ACTION, CHANNEL, RATING, SCALE, SOURCE, STATUS
from ledger.domain.lifecycle import rule_help

commands = typer.Typer()


def _done(outcome: actions.ActionOutcome) -> None:
    """What every action prints: the item, what happened, where it stands now."""
    item = outcome.item
    action = outcome.event["action"]
    parts = [
        f"问题 {item['number']}：{ACTION[action]}已记录，当前状态：{STATUS.label(item['status'])}"
    ]
    if action in ("assign", "escalate", "reopen") and item["unit"]:
        parts.append(f"承办单位：{item['unit']}")
    if action in ("add", "assign", "extend", "escalate", "reopen") and item["due_on"]:
        parts.append(f"办理时限：{item['due_on']}")
    if action == "progress" and item["percent"] is not None:
        parts.append(f"进度：{items_view.progress_bar(item['percent'])}")
    output.say("，".join(parts), "green")
    for notice in outcome.notices:
        output.notice(notice)


def _help(action: str, text: str) -> str:
    return f"{text}\n\n{rule_help(action)}"


def _text_verb(action: str, text: str, parameter: Any) -> None:
    """Register ``ledger ACTION N TEXT``: an item number and the one text the action records
    (办理结果, a reason), as an argument or an option."""

    def command(
        number: ItemNumber,
        value: Annotated[str, parameter],
        at: AtOption = None,
        db: DbOption = None,
    ) -> None:
        _done(getattr(actions, action)(open_for(db), number, value, at=moment(at)))

    command.__name__ = f"{action}_command"
    commands.command(action, help=_help(action, text))(guarded(command))


@commands.command("add", help=_help("add", "登记居民反映的问题（说），打印新问题的编号。"))
@guarded
def add_command(
    title: Annotated[str, typer.Argument(help="问题描述", metavar="问题描述", show_default=False)],
    community: CommunityOption = None,
    compound: Annotated[str | None, typer.Option("--compound", help="小区")] = None,
    building: Annotated[
        str | None, typer.Option("--building", help="楼栋（需同时给出小区）")
    ] = None,
    meeting: Annotated[
        int | None, typer.Option("--meeting", help="会议编号（来源、社区、日期随会议）")
    ] = None,
    source: Annotated[
        str | None,
        typer.Option("--source", help=f"来源：{SOURCE.describe()}（默认随会议，否则走访）"),
    ] = None,
    category: Annotated[
        str,
        typer.Option(
            "--category",
            help="问题类别（见 ledger category list）",
            autocompletion=completion.categories,
        ),
    ] = "其他",
    scale: Annotated[str, typer.Option("--scale", help=f"规模：{SCALE.describe()}")] = "small",
    by: Annotated[str | None, typer.Option("--by", help="反映人")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="反映人电话")] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="反映日期（默认：会议日期，否则今天）")
    ] = None,
    note: NoteOption = None,
    repeat_of: Annotated[
        int | None,
        typer.Option("--repeat-of", help="登记为第 N 号问题的重复反映（同人或同地、同一件事）"),
    ] = None,
    new: Annotated[
        bool,
        typer.Option("--new", help="确实是新问题：不查重复反映（脚本中发现疑似重复时必须二选一）"),
    ] = False,
    db: DbOption = None,
) -> None:
    ledger = open_for(db)
    from ledger.cli import repeats_view

    outcome = actions.add(
        ledger,
        title,
        community=community,
        compound=compound,
        building=building,
        meeting=meeting,
        source=source,
        category=category,
        scale=scale,
        reporter=by,
        phone=phone,
        raised_on=day(date, "--date"),
        note=note,
        repeat_of=repeat_of,
        new=new,
        decide=repeats_view.ask if repeats_view.interactive() else None,
    )
    item = outcome.item
    output.say(
        f"已登记问题 {item['number']}：{item['community']} · {SCALE.label(item['scale'])} · "
        f"办理时限 {item['due_on']}",
        "green",
    )
    if item.get("repeat_of"):
        repeats_view.linked(item)
    for notice in outcome.notices:
        output.notice(notice)


# ``list`` and ``show`` (in ``listing``) come right after ``add`` in ``ledger --help``.
commands.registered_commands.extend(listing.commands.registered_commands)


@commands.command("assign", help=_help("assign", "交办给承办单位（已在办理中时为转办）（议→办）。"))
@guarded
def assign_command(
    number: ItemNumber,
    unit: UnitArgument,
    due: Annotated[str | None, typer.Option("--due", help="新的办理时限（日期）")] = None,
    days: Annotated[int | None, typer.Option("--days", help="自交办日起几个工作日")] = None,
    note: NoteOption = None,
    at: AtOption = None,
    db: DbOption = None,
) -> None:
    ledger = open_for(db)
    _done(
        actions.assign(
            ledger,
            number,
            unit,
            due=day(due, "--due"),
            days=days,
            note=note,
            at=moment(at),
        )
    )


@commands.command("progress", help=_help("progress", "记录办理进展（大事可加进度百分比）。"))
@guarded
def progress_command(
    number: ItemNumber,
    note: Annotated[str, typer.Argument(help="进展说明", metavar="进展说明", show_default=False)],
    percent: Annotated[int | None, typer.Option("--percent", help="进度 0–100")] = None,
    at: AtOption = None,
    db: DbOption = None,
) -> None:
    ledger = open_for(db)
    _done(actions.progress(ledger, number, note, percent=percent, at=moment(at)))


@commands.command("extend", help=_help("extend", "延期：新的办理时限和理由。"))
@guarded
def extend_command(
    number: ItemNumber,
    to: Annotated[str, typer.Option("--to", help="新的办理时限", show_default=False)],
    reason: Annotated[str, typer.Option("--reason", help="延期理由", show_default=False)],
    at: AtOption = None,
    db: DbOption = None,
) -> None:
    ledger = open_for(db)
    _done(
        actions.extend(
            ledger, number, parse_date(given(to, "--to") or "", today()), reason, at=moment(at)
        )
    )


@commands.command("escalate", help=_help("escalate", "大事按程序办：升级为大事，交上级单位。"))
@guarded
def escalate_command(
    number: ItemNumber,
    unit: UnitArgument,  # the higher-level unit
    reason: Annotated[str, typer.Option("--reason", help="升级理由", show_default=False)],
    at: AtOption = None,
    db: DbOption = None,
) -> None:
    ledger = open_for(db)
    _done(actions.escalate(ledger, number, unit, reason, at=moment(at)))


_text_verb(
    "resolve",
    "办结，记录办理结果（从待分办直接办结即当场解决）。",
    typer.Argument(help="办理结果", metavar="办理结果", show_default=False),
)
_text_verb(
    "decline",
    "不予办理，记录理由（仍须答复居民）。",
    typer.Argument(help="不予办理的理由", metavar="不予办理的理由", show_default=False),
)


@commands.command("reply", help=_help("reply", "答复居民（说事必回）。"))
@guarded
def reply_command(
    number: ItemNumber,
    text: Annotated[str, typer.Argument(help="答复内容", metavar="答复内容", show_default=False)],
    channel: Annotated[
        str, typer.Option("--channel", help=f"答复方式：{CHANNEL.describe()}")
    ] = "电话",
    at: AtOption = None,
    db: DbOption = None,
) -> None:
    ledger = open_for(db)
    _done(actions.reply(ledger, number, text, channel=channel, at=moment(at)))


@commands.command(
    "rate",
    help=_help("rate", f"居民评价：{RATING.describe()}。不满意则退回原单位重办，除非加 --close。")
    + f"\n\n不满意重办：{rule_help('reopen')}",
)
@guarded
def rate_command(
    number: ItemNumber,
    rating: Annotated[
        str, typer.Argument(help="满意 / 基本满意 / 不满意", metavar="评价", show_default=False)
    ],
    close: Annotated[bool, typer.Option("--close", help="不满意也直接归档，不再重办")] = False,
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit",
            help="不满意重办时改由此单位承办（当场办结的问题必填）",
            autocompletion=completion.units,
        ),
    ] = None,
    note: NoteOption = None,
    at: AtOption = None,
    db: DbOption = None,
) -> None:
    ledger = open_for(db)
    _done(actions.rate(ledger, number, rating, close=close, unit=unit, note=note, at=moment(at)))


_text_verb(
    "close",
    "无法评价时归档（如居民已搬离），写明理由。",
    typer.Option("--reason", help="归档理由", show_default=False),
)


@commands.command("edit", help=_help("edit", "更正登记内容；更正也记入办理过程，原值可查。"))
@guarded
def edit_command(
    number: ItemNumber,
    title: Annotated[str | None, typer.Option("--title", help="问题描述")] = None,
    by: Annotated[str | None, typer.Option("--by", help="反映人")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="联系电话（空字符串清除）")] = None,
    category: CategoryOption = None,
    source: Annotated[str | None, typer.Option("--source", help="来源")] = None,
    scale: Annotated[str | None, typer.Option("--scale", help="规模")] = None,
    community: CommunityOption = None,
    compound: Annotated[str | None, typer.Option("--compound", help="小区")] = None,
    building: Annotated[str | None, typer.Option("--building", help="楼栋")] = None,
    note: NoteOption = None,
    at: AtOption = None,
    db: DbOption = None,
) -> None:
    ledger = open_for(db)
    outcome = actions.edit(
        ledger,
        number,
        title=title,
        reporter=by,
        phone=phone,
        category=category,
        source=source,
        scale=scale,
        community=community,
        compound=compound,
        building=building,
        note=note,
        at=moment(at),
    )
    _done(outcome)


_text_verb(
    "void",
    "作废误登记或重复登记的问题，写明理由：作废后不进任何清单、统计和月报，"
    "办理记录保留；误作废可用 ledger undo 恢复。",
    typer.Option("--reason", help="作废理由，如：重复登记，同第 15 号", show_default=False),
)


@commands.command(
    "link",
    help=_help("link", "重复反映：把问题关联到它重复的原问题（同人或同地、同一件事）；可撤销。"),
)
@guarded
def link_command(
    number: ItemNumber,
    repeat_of: Annotated[int, typer.Option("--repeat-of", help="原问题编号", show_default=False)],
    note: NoteOption = None,
    at: AtOption = None,
    db: DbOption = None,
) -> None:
    ledger = open_for(db)
    outcome = actions.link(ledger, number, repeat_of, note=note, at=moment(at))
    _done(outcome)
    from ledger.cli import repeats_view

    repeats_view.linked(outcome.item)


@commands.command("unlink", help=_help("unlink", "取消重复反映关联：该问题不再算作重复反映。"))
@guarded
def unlink_command(
    number: ItemNumber, note: NoteOption = None, at: AtOption = None, db: DbOption = None
) -> None:
    ledger = open_for(db)
    _done(actions.unlink(ledger, number, note=note, at=moment(at)))


def _withdrawn(outcome: actions.ActionOutcome, verb: str) -> None:
    item, target = outcome.item, outcome.withdrawn or {}
    when = show_view.event_time(target.get("at", ""))
    output.say(
        f"问题 {item['number']}：已{verb}“{ACTION.get(target.get('action', ''), '')}”"
        f"（{when}），当前状态：{STATUS.label(item['status'])}",
        "green",
    )
    for notice in outcome.notices:
        output.notice(notice)


@commands.command(
    "undo",
    help="撤销该问题最近记录的一步操作（交办错单位、记错问题号、评价记错等）："
    "以一条新记录撤销，原记录保留并标明“已撤销”；多次撤销逐步向前；撤销作废即恢复问题。",
)
@guarded
def undo_command(
    number: ItemNumber,
    reason: Annotated[str | None, typer.Option("--reason", help="撤销理由")] = None,
    db: DbOption = None,
) -> None:
    ledger = open_for(db)
    _withdrawn(actions.undo(ledger, number, reason), "撤销")


@commands.command("redo", help="恢复最近一次撤销的操作（撤销的撤销），同样记入办理过程。")
@guarded
def redo_command(
    number: ItemNumber,
    reason: Annotated[str | None, typer.Option("--reason", help="恢复理由")] = None,
    db: DbOption = None,
) -> None:
    ledger = open_for(db)
    _withdrawn(actions.redo(ledger, number, reason), "恢复")
