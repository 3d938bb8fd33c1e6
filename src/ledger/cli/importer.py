"""``ledger import items | areas | units``: bring existing Excel / CSV ledgers in."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ledger.cli import output
from ledger.cli.context import open_for
from ledger.cli.errors import guarded
from ledger.cli.options import CommunityOption, DbOption, JsonOption
from ledger.domain.labels import (
    AREA_LEVEL,
    IMPORT_KIND,
    IMPORT_RULE,
    MEETING_KIND,
    STATUS,
    UNIT_KIND,
)

if TYPE_CHECKING:
    from ledger.io.importer import ImportOutcome

app = typer.Typer(
    help="导入已有的台账表格（.xlsx，或 Excel 另存的 .csv，UTF-8 / GBK 均可）：问题、区划、承办单位。"
    "先检查每一行，全部无误才写入；同一文件再次导入不会重复。",
    no_args_is_help=True,
)

FileArgument = Annotated[
    Path,
    typer.Argument(
        help="要导入的文件（.xlsx 或 .csv）",
        metavar="文件",
        show_default=False,
        dir_okay=False,
    ),
]
SheetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--sheet", help="只导入这个工作表（名称或序号，可多次）；默认导入所有有表头的工作表"
    ),
]
MapOption = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        help="列名=字段，指明某列是什么（可多次），如 --map 反映问题=title；"
        "字段写 ignore 则不导入该列。字段见 --help 末尾",
    ),
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="试导入：只检查并显示将导入的内容，不写入台账")
]
SkipBadOption = Annotated[
    bool,
    typer.Option(
        "--skip-bad",
        help="跳过有问题的行（另存为“…-待修正”文件，改好后可再导入），其余照常导入",
    ),
]
BadFileOption = Annotated[
    Path | None,
    typer.Option("--bad-file", help="--skip-bad 时有问题的行存到这个文件（默认在原文件旁）"),
]

_ITEM_FIELDS = (
    "字段：title 问题描述、raised_on 反映日期、community 社区、compound 小区、building 楼栋、"
    "reporter 反映人、phone 联系电话、category 类别、source 来源、scale 规模、unit 承办单位、"
    "status 状态、assigned_on 交办日期、due_on 办理时限、result 办理结果、resolved_on 办结日期、"
    "reply_text 答复内容、reply_channel 答复方式、replied_on 答复日期、rating 评价、"
    "rated_on 评价日期、note 备注、number 序号、ignore 不导入。"
)


@app.command(
    "items",
    help="导入问题台账。自动找表头（标题行、合并单元格、序号、合计行都不碍事），认得常见列名、"
    "各种日期写法和被 Excel 弄坏的电话号码；按状态和各日期列重建办理过程，"
    "导入的问题计入以往各月的统计。状态按状态列或办理情况中的状态词判定，"
    "无状态词的办理情况只有在有办结日期、答复或评价时才算办结；"
    "会议记录式的表（“6月3日 每周夜话 主持人：… 参会23人”一行，下面是会上的问题）会建立会议。"
    "\n\n" + _ITEM_FIELDS,
)
@guarded
def items_command(
    file: FileArgument,
    sheet: SheetOption = None,
    community: CommunityOption = None,
    mapping: MapOption = None,
    dry_run: DryRunOption = False,
    skip_bad: SkipBadOption = False,
    bad_file: BadFileOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    from ledger.io.importer import import_items

    ledger = open_for(db)
    report = _run(
        lambda progress: import_items(
            ledger,
            file,
            sheets=sheet,
            community=community,
            mapping=mapping,
            dry_run=dry_run,
            skip_bad=skip_bad,
            bad_file=bad_file,
            progress=progress,
        ),
        as_json,
    )
    _show(report, as_json)


def _plain_command(kind: str, text: str) -> None:
    """Register ``ledger import KIND``: a table of areas or units, no history to rebuild."""

    def command(
        file: FileArgument,
        sheet: SheetOption = None,
        mapping: MapOption = None,
        dry_run: DryRunOption = False,
        skip_bad: SkipBadOption = False,
        bad_file: BadFileOption = None,
        as_json: JsonOption = False,
        db: DbOption = None,
    ) -> None:
        from ledger.io import importer  # imported when used: every other command starts faster

        run = getattr(importer, f"import_{kind}")
        _import_plain(run, file, sheet, mapping, dry_run, skip_bad, bad_file, as_json, db)

    command.__name__ = f"{kind}_command"
    app.command(kind, help=text)(guarded(command))


_plain_command(
    "areas",
    "导入区划：列为 区县/街道/社区/小区/楼栋（上级只写一次、下面留空或合并单元格均可）。"
    "已有的区划不会重复添加。字段：county subdistrict community compound building。",
)
_plain_command(
    "units",
    "导入承办单位：单位名称、类型、联系电话、联系人、所属区划。已有的单位不会重复添加。"
    "字段：name kind phone contact area county subdistrict community。",
)


# --- running and showing ----------------------------------------------------------------


def _import_plain(
    function: Callable[..., Any],
    file: Path,
    sheet: list[str] | None,
    mapping: list[str] | None,
    dry_run: bool,
    skip_bad: bool,
    bad_file: Path | None,
    as_json: bool,
    db: Path | None,
) -> None:
    """Run an import of areas or units (the kinds without a community) and show its report."""
    ledger = open_for(db)
    report = _run(
        lambda progress: function(
            ledger,
            file,
            sheets=sheet,
            mapping=mapping,
            dry_run=dry_run,
            skip_bad=skip_bad,
            bad_file=bad_file,
            progress=progress,
        ),
        as_json,
    )
    _show(report, as_json)


def _run(
    job: Callable[[Callable[[str, int, int | None], None]], ImportOutcome], as_json: bool
) -> ImportOutcome:
    """Run an import with a progress bar; when problems stop it, list them all, then fail."""
    from ledger.io.importer import ImportRefused

    try:
        with _bars() as progress:
            return job(progress)
    except ImportRefused as refused:
        report = refused.report
        if as_json:
            output.emit_json(report.as_json())
        else:
            output.notice(f"发现 {len(report.problems)} 处问题：")
            for problem in report.problems:
                where = problem.where(report.single_sheet)
                output.notice(f"  {where}：{problem.message}" if where else f"  {problem.message}")
        raise


# Rows between two reports from the importer: it reports every 1,000 rows read and every
# batch of 2,000 items written.
_STEPS = {"检查": 1000, "写入": 2000}


@contextlib.contextmanager
def _bars() -> Iterator[Callable[[str, int, int | None], None]]:
    """The importer's (phase, done, total) reports drawn with output.progress (one bar per
    phase, counted in steps of the importer's reports; silent when not on a terminal)."""
    with contextlib.ExitStack() as stack:
        state: dict[str, Any] = {"phase": None, "bar": None, "ticks": 0}

        def report(phase: str, done: int, total: int | None) -> None:
            step = _STEPS.get(phase, 1000)
            if phase != state["phase"]:
                stack.close()
                state.update(phase=phase, bar=None, ticks=0)
                if total and total > step:
                    label = "检查每一行" if phase == "检查" else "写入台账"
                    state["bar"] = stack.enter_context(
                        output.progress(math.ceil(total / step), label)
                    )
            bar = state["bar"]
            if bar is None:
                return
            while state["ticks"] < done // step:
                state["ticks"] += 1
                bar.advance(f"{done:,} 行" if phase == "检查" else f"{done:,} 条")

        yield report


def _show(report: ImportOutcome, as_json: bool) -> None:
    if as_json:
        output.emit_json(report.as_json())
        return
    what = IMPORT_KIND[report.kind]
    unit = "个" if report.kind == "areas" else ("个" if report.kind == "units" else "条")
    if report.dry_run:
        output.say(
            f"试导入 {report.file}（未写入任何内容）：将导入{what} {report.new} {unit}", "bold"
        )
    elif report.new:
        numbers = (
            f"（编号 {report.numbers[0]}–{report.numbers[1]}）"
            if report.numbers and report.numbers[0] != report.numbers[1]
            else (f"（编号 {report.numbers[0]}）" if report.numbers else "")
        )
        events = f"，办理记录 {report.events} 条" if report.events else ""
        output.say(f"已导入 {report.file}：{what} {report.new} {unit}{numbers}{events}", "green")
    if report.existing and not report.new:
        output.say(
            f"没有新内容：{report.file} 中的 {report.existing} {unit}{what}都已在台账中"
            "（按内容识别，同一文件再导入不会重复）",
            "green",
        )
    elif report.existing:
        output.say(f"已在台账中、不再重复导入：{report.existing} {unit}")
    if not report.new and not report.existing and not report.bad_rows:
        output.say(f"{report.file} 中没有可导入的{what}")
    if len(report.sheets) > 1:
        output.say(f"工作表：{'、'.join(report.sheets)}")
    if report.by_status:
        shown = "、".join(
            f"{STATUS.label(code)} {report.by_status[code]}"
            for code in STATUS.codes
            if report.by_status.get(code)
        )
        output.say(f"各状态：{shown}")
    if report.by_rule:
        # How each status was read: one rule on the line, several one per line (they are long).
        rules = [
            f"{label} {report.by_rule[code]}"
            for code, label in IMPORT_RULE.items()
            if report.by_rule.get(code)
        ]
        if len(rules) == 1:
            output.say(f"状态判定：{rules[0]}")
        else:
            output.say("状态判定：")
            for line in rules:
                output.say(f"  {line}")
    if report.meetings:
        _show_meetings(report)
    if report.repeats:
        _show_repeats(report)
    if report.by_month:
        months = "、".join(f"{m} {n}" for m, n in sorted(report.by_month.items()))
        output.say(f"按反映月份：{months}")
    if report.by_level:
        labels = AREA_LEVEL if report.kind == "areas" else UNIT_KIND
        shown = "、".join(f"{labels.label(code)} {n}" for code, n in report.by_level.items())
        output.say(f"其中：{shown}")
    if report.created:
        verb = "将新建" if report.dry_run else "新建"
        output.say(f"{verb}承办单位 {len(report.created)} 个：{'、'.join(report.created)}")
    skipped = [
        f"{label} {report.skipped[key]} 行"
        for key, label in (
            ("blank", "空行"),
            ("total", "合计行"),
            ("footer", "表尾"),
            ("header", "重复表头"),
        )
        if report.skipped.get(key)
    ]
    if skipped:
        output.say(f"跳过：{'、'.join(skipped)}", "dim")
    if report.dry_run and report.preview:
        output.say("前几行将导入为：")
        for row in report.preview:
            output.say("  " + _preview_line(report, row))
    for sheet, columns in report.unused.items():
        where = "" if report.single_sheet else f"工作表“{sheet}”"
        output.notice(f"{where}未导入的列：{'、'.join(columns)}（需要时用 --map 列名=字段 指定）")
    for notice in report.notices:
        output.notice(notice)
    if report.bad_rows:
        verb = "将跳过" if report.dry_run else "已跳过"
        output.notice(f"{verb}有问题的 {report.bad_rows} 行：")
        for problem in report.problems:
            where = problem.where(report.single_sheet)
            output.notice(f"  {where}：{problem.message}")
        if report.bad_file:
            output.notice(f"这些行已另存为“{report.bad_file}”，改好后再导入该文件即可")


def _show_meetings(report: ImportOutcome) -> None:
    """会议 named in the file: new ones, and those the ledger already has."""
    new = [m for m in report.meetings if not m["existing"]]
    known = len(report.meetings) - len(new)
    if new:
        verb = "将新建" if report.dry_run else "新建"
        output.say(f"{verb}会议 {len(new)} 场：")
        for meeting in new:
            who = "，".join(
                x
                for x in (
                    f"主持人 {meeting['host']}" if meeting["host"] else "",
                    f"参会 {meeting['attendees']} 人" if meeting["attendees"] is not None else "",
                    f"问题 {meeting['items']} 条",
                )
                if x
            )
            output.say(
                f"  {meeting['held_on']} {MEETING_KIND.label(meeting['kind'])} "
                f"{meeting['community']}（{who}）"
            )
    if known:
        output.say(f"台账中已有的会议 {known} 场：问题记到这些会议下")


def _show_repeats(report: ImportOutcome) -> None:
    """可能的重复反映: each row that looks like one, and of what; never linked by itself."""
    output.say(f"可能的重复反映 {len(report.repeats)} 条（未自动关联）：")
    for suspect in report.repeats:
        found = report.repeat_json(suspect)
        where = "" if report.single_sheet else f"工作表“{found['sheet']}”"
        number = f"（第 {found['number']} 号）" if found["number"] else ""
        original = found["original"]
        if original["row"] is None:
            target = (
                f"第 {original['number']} 号（{original['raised_on']}，{original['title']}，"
                f"{STATUS.label(original['status'])}）"
            )
        else:
            again = f"，第 {original['number']} 号" if original["number"] else ""
            target = f"第{original['row']}行“{original['title']}”（本次导入{again}）"
        output.say(
            f"  {where}第{found['row']}行“{found['title']}”{number} → {target}，{found['why']}"
        )
    output.say("  确认是重复反映的，可用 ledger link 编号 --repeat-of 原编号 关联", "dim")


def _preview_line(report: ImportOutcome, row: dict[str, Any]) -> str:
    if report.kind == "items":
        where = f"第{row['row']}行" if report.single_sheet else f"{row['sheet']} 第{row['row']}行"
        unit = f" → {row['unit']}" if row.get("unit") else ""
        title = row["title"] if len(row["title"]) <= 24 else row["title"][:23] + "…"
        return (
            f"{where}：{row['raised_on']} {row['community']} {title}"
            f"（{STATUS.label(row['status'])}{unit}）"
        )
    if report.kind == "areas":
        return f"{row['path']}（{row['level']}）"
    details = " ".join(x for x in (row.get("phone"), row.get("contact")) if x)
    return f"{row['name']}（{row['kind']}）{' ' + details if details else ''}"
