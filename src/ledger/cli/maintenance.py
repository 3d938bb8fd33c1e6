"""Keeping the file safe and rolling ledgers up: ``export``, ``backup``, ``check``, ``merge``."""

from pathlib import Path
from typing import Annotated

import typer

from ledger.cli import maintenance_view, output
from ledger.cli.context import open_for
from ledger.cli.errors import guarded
from ledger.cli.options import DbOption, JsonOption
from ledger.domain.labels import EXPORT_FORMAT

# Each command imports its core module itself: most runs of `ledger` need none of them.
commands = typer.Typer()


@commands.command(
    "export",
    help="导出整个台账（区划、承办单位、问题类别、设置、会议、问题、办理记录），可据此重建台账。"
    "json 为完整无损的一个文件；csv 为每表一个 CSV（UTF-8 带 BOM，Excel 可直接打开），"
    "--out 以 .zip 结尾时打包为 zip，否则为文件夹；xlsx 为每表一个工作表。",
)
@guarded
def export_command(
    fmt: Annotated[
        str, typer.Option("--format", help=f"格式：{EXPORT_FORMAT.describe()}", metavar="格式")
    ] = "json",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="导出到（默认：台账所在目录，带时间的文件名；csv 默认为 .zip）",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    code = EXPORT_FORMAT.parse(fmt)  # a wrong format is refused before the ledger is opened
    ledger = open_for(db)
    from ledger.io import export as export_service

    result = export_service.export(ledger, code, out)
    maintenance_view.export_done(result)


@commands.command(
    "backup",
    help="备份台账：用 SQLite 在线备份得到一致的副本（其他终端可同时录入），校验后保存。"
    "默认校验副本完整：能独立打开，页数、表结构与台账相同，每张表逐页走遍、记录数与台账一致；"
    "--verify 另做 SQLite quick_check（逐行读遍副本，台账本身的损坏也能发现），"
    "--full 做完整检查。默认保存在台账旁，文件名带时间，如 ledger-备份-20261126-090000.db；"
    "备份位置可为文件夹或新文件名。",
)
@guarded
def backup_command(
    dest: Annotated[
        str | None,  # text, not Path: "newdir/" must keep its slash (a folder, not a file)
        typer.Argument(
            help="备份到的文件夹（以 / 结尾）或新文件名（默认：台账所在目录）",
            metavar="备份位置",
            show_default=False,
        ),
    ] = None,
    verify: Annotated[
        bool,
        typer.Option(
            "--verify",
            help="另做 SQLite quick_check：逐行读遍副本，台账本身的损坏也能发现",
        ),
    ] = False,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="完整校验：对副本做 integrity_check 并逐件核对办理记录（大台账需数分钟）",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    ledger = open_for(db)
    # The copy is SQLite's own, page for page; by default its shape is verified (pages,
    # schema, every table walked and counted), quick_check on --verify, ledger check on --full.
    from ledger.io import backup as backup_service

    level = "full" if full else "quick" if verify else "copy"
    result = backup_service.backup(ledger, dest, level=level)
    maintenance_view.backup_done(result)
    if not result.report.ok:
        raise typer.Exit(1)


@commands.command(
    "check",
    help="检查台账：文件完整性、关联完整性、编号唯一，以及每件问题的当前状态与其办理记录一致。"
    "发现问题时退出码为 1。",
)
@guarded
def check_command(
    repair: Annotated[
        bool,
        typer.Option(
            "--repair",
            help="全文检索索引与问题内容不符时重建索引（只重建索引，不改动问题和办理记录）",
        ),
    ] = False,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    ledger = open_for(db)
    from ledger.io import check as check_service

    report = check_service.check(ledger.conn, parallel=not ledger.read_only)
    if repair and report.counts.get("search") and not report.skipped:
        count = check_service.repair_search(ledger.conn)
        output.notice(f"已重建全文检索索引（{count} 件问题），重新检查：")
        report = check_service.check(ledger.conn, parallel=not ledger.read_only)
    if as_json:
        output.emit_json(report.as_json())
    else:
        maintenance_view.check_outcome(report, str(ledger.path))
    if not report.ok:
        raise typer.Exit(1)


@commands.command(
    "merge",
    help="汇总：把社区台账合并进当前台账。按唯一编号识别，重复合并或合并更新后的副本只增加新内容；"
    "同一问题在两边有不同的新记录时列为冲突，不覆盖；新问题按本台账重新编号，原编号保留可查。"
    "全部合并在一个事务中完成。",
)
@guarded
def merge_command(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="要合并的台账文件（可多个）", metavar="台账文件...", show_default=False
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="试运行：列出将合并的内容，不写入")
    ] = False,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    ledger = open_for(db)
    from ledger.io import merge as merge_service

    report = merge_service.merge(ledger, files, dry_run=dry_run)
    if as_json:
        output.emit_json(report.as_json())
    else:
        maintenance_view.merge_outcome(report)
