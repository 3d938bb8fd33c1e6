"""``ledger meeting``: 每周夜话 and 拉呱说事 sessions."""

from typing import Annotated

import typer

from ledger.cli import changes_view, completion, output, registry_view
from ledger.cli.context import day, given, moment, open_for, today
from ledger.cli.errors import guarded
from ledger.cli.options import (
    CommunityOption,
    DbOption,
    JsonOption,
    SubdistrictOption,
    WideOption,
)
from ledger.domain.dates import parse_date
from ledger.domain.labels import MEETING_KIND
from ledger.registry import areas, categories, meetings
from ledger.views import filters

MeetingNumber = Annotated[
    int,
    typer.Argument(
        help="会议编号",
        metavar="会议编号",
        show_default=False,
        autocompletion=completion.meeting_numbers,
    ),
]
app = typer.Typer(help="会议：每周夜话、拉呱说事。", no_args_is_help=True)


@app.command("add", help="登记一次会议，打印会议编号（登记问题时用 --meeting 引用）。")
@guarded
def add_command(
    kind: Annotated[
        str, typer.Option("--kind", help=f"类型：{MEETING_KIND.describe()}", show_default=False)
    ],
    community: Annotated[
        str,
        typer.Option(
            "--community", help="社区", show_default=False, autocompletion=completion.communities
        ),
    ],
    date: Annotated[str, typer.Option("--date", help="会议日期")] = "今天",
    compound: Annotated[str | None, typer.Option("--compound", help="小区")] = None,
    host: Annotated[str | None, typer.Option("--host", help="主持人")] = None,
    attendees: Annotated[int | None, typer.Option("--attendees", help="参与人次")] = None,
    note: Annotated[str | None, typer.Option("--note", help="会议记录")] = None,
    db: DbOption = None,
) -> None:
    ledger = open_for(db)
    meeting = meetings.add(
        ledger,
        kind=kind,
        held_on=parse_date(given(date, "--date") or "", today()),
        community=community,
        compound=compound,
        host=host,
        attendees=attendees,
        note=note,
    )
    output.say(
        f"已登记会议 {meeting['number']}：{meeting['held_on']} "
        f"{MEETING_KIND.label(meeting['kind'])} · {meeting['community']}",
        "green",
    )


@app.command(
    "edit",
    help="更正一次会议的日期、类型、小区、主持人、参与人次或记录（记为一条修改记录，会议详情中可见）。",
)
@guarded
def edit_command(
    number: MeetingNumber,
    date: Annotated[str | None, typer.Option("--date", help="会议日期")] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help=f"类型：{MEETING_KIND.describe()}")
    ] = None,
    compound: Annotated[str | None, typer.Option("--compound", help="小区")] = None,
    host: Annotated[str | None, typer.Option("--host", help="主持人")] = None,
    attendees: Annotated[int | None, typer.Option("--attendees", help="参与人次")] = None,
    note: Annotated[str | None, typer.Option("--note", help="会议记录")] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="更正原因")] = None,
    at: Annotated[str | None, typer.Option("--at", help="更正生效时间（默认：现在）")] = None,
    db: DbOption = None,
) -> None:
    ledger = open_for(db)
    meeting, event = meetings.edit(
        ledger,
        number,
        held_on=day(date, "--date"),
        kind=kind,
        compound=given(compound, "--compound"),
        host=given(host, "--host"),
        attendees=attendees,
        note=given(note, "--note"),
        reason=reason,
        at=moment(at),
    )
    if event is None:
        output.say(f"会议 {number} 没有变化：所给的值与现有的相同")
        return
    text = changes_view.changes_text(event, lambda place_id: areas.short_path(ledger, place_id))
    output.say(f"已更正会议 {meeting['number']}：{text}", "green")


@app.command("list", help="列出会议，最近的在前。")
@guarded
def list_command(
    community: CommunityOption = None,
    subdistrict: SubdistrictOption = None,
    kind: Annotated[str | None, typer.Option("--kind", help="类型")] = None,
    since: Annotated[str | None, typer.Option("--since", help="不早于")] = None,
    until: Annotated[str | None, typer.Option("--until", help="不晚于")] = None,
    as_json: JsonOption = False,
    wide: WideOption = False,
    db: DbOption = None,
) -> None:
    ledger = open_for(db)
    community_ids = None
    if community:
        community_ids = [areas.find(ledger, community, "community")["id"]]
    elif subdistrict:
        area = areas.find(ledger, subdistrict, "subdistrict")
        community_ids = areas.communities_under(ledger, area)
    rows = meetings.find_all(
        ledger,
        community_ids=community_ids,
        since=day(since, "--since"),
        until=day(until, "--until"),
        kind=kind,
    )
    if as_json:
        output.emit_json([registry_view.meeting_json(row) for row in rows])
        return
    registry_view.meetings_table(rows, wide=wide)


@app.command("show", help="查看一次会议及会上提出的问题。")
@guarded
def show_command(
    number: MeetingNumber,
    as_json: JsonOption = False,
    wide: WideOption = False,
    db: DbOption = None,
) -> None:
    ledger = open_for(db)
    meeting = meetings.get(ledger, number)
    rows = filters.items_of_meeting(ledger, meeting["id"], today())
    events = meetings.history(ledger, meeting)
    if as_json:
        data = registry_view.meeting_json(meeting)
        data["items_raised"] = [item.as_json() for item in rows]
        data["history"] = [changes_view.event_json(event) for event in events]
        output.emit_json(data)
        return
    registry_view.meeting_detail(meeting, rows, categories.labels(ledger), wide=wide)
    changes_view.history_block(events, lambda place_id: areas.short_path(ledger, place_id))
