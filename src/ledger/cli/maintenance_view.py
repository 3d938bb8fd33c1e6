"""What the file's safety commands did: ``export``, ``backup``, ``check`` and ``merge``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ledger.cli import output
from ledger.cli.layout import Text
from ledger.cli.output import notice, rich_table, say

if TYPE_CHECKING:
    from rich.table import Table

    from ledger.io.backup import BackupOutcome
    from ledger.io.check import CheckOutcome
    from ledger.io.export import ExportOutcome
    from ledger.io.merge import MergeOutcome


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.1f} KB"


def _counts_text(counts: dict[str, int]) -> str:
    from ledger.domain.labels import TABLE

    shown = ("areas", "units", "meetings", "items", "events")
    return "、".join(f"{TABLE[t]} {counts[t]}" for t in shown if t in counts)


def export_done(result: ExportOutcome) -> None:
    """``ledger export``: where the export went and what it holds."""
    from ledger.domain.labels import EXPORT_FORMAT

    say(f"已导出（{EXPORT_FORMAT.label(result.format)}）：{result.path}", "green")
    say(f"内容：{_counts_text(result.counts)}")
    for message in result.notices:
        notice(message)


def _check_lines(report: CheckOutcome) -> Table:
    from ledger.domain.labels import CHECK

    table = rich_table("检查项", "结果")
    for kind, label in CHECK.items():
        if kind not in report.counts and kind not in report.skipped:
            continue  # not part of this check (a quick backup verification)
        if kind == "integrity" and report.quick:
            label = "文件完整性（quick_check）"
        if kind in report.skipped:
            table.add_row(label, Text("未检查（文件已损坏）", style="yellow"))
        elif report.counts.get(kind):
            table.add_row(label, Text(f"✗ {report.counts[kind]} 处", style="red"))
        else:
            table.add_row(label, Text("通过", style="green"))
    return table


def check_outcome(report: CheckOutcome, path: str) -> None:
    """``ledger check``: one line per check, then the problems found, then the verdict."""
    from ledger.domain.labels import CHECK_HINT

    say(f"检查台账：{path}", "bold")
    output.stdout.print(_check_lines(report))
    if not report.skipped:
        say(f"共核对 {report.items} 件问题、{report.events} 条办理记录。", "dim")
    if report.ok:
        say("结论：台账完好。", "green")
        return
    say(f"发现 {report.total} 处问题：", "red")
    for problem in report.problems:
        say(f"  · {problem.message}")
        if problem.kind in CHECK_HINT:
            say(f"    {CHECK_HINT[problem.kind]}")
    hidden = report.unlisted
    if hidden > 0:
        say(f"  ……另有 {hidden} 处未列出", "dim")
    say("结论：台账有问题。", "red")
    # Its own line (75 columns): it fits 80, and the command is never cut.
    say("请先用 ledger backup 保存一份副本，再联系技术人员处理；不要手工修改台账文件。", "red")


def backup_done(result: BackupOutcome) -> None:
    """``ledger backup``: where the verified copy is; the ledger's own problems if any."""
    report = result.report
    checked = {
        "copy": "",
        "quick": "，SQLite 快速检查（quick_check）通过",
        "full": "，SQLite 完整性检查和逐件核对通过",
    }[result.level]
    say(f"已备份：{result.path}（{_size(result.size)}）", "green")
    say(f"内容：{_counts_text(result.counts)}")
    say(f"已校验：副本可独立打开，页数、表结构与台账相同，各表逐页读遍、记录数一致{checked}。")
    if not report.ok:
        notice(f"注意：台账本身有 {report.total} 处问题（副本与台账相同）：")
        for problem in report.problems[:5]:
            notice(f"  · {problem.message}")
        notice("请运行 ledger check 查看全部问题。")


def _ranges(pairs: list[tuple[int, int]]) -> list[str]:
    """[(1, 101), (2, 102), (5, 103)] → ['原编号 1–2 → 101–102', '原编号 5 → 103']."""
    runs: list[list[tuple[int, int]]] = []
    for origin, local in pairs:
        if runs and origin == runs[-1][-1][0] + 1 and local == runs[-1][-1][1] + 1:
            runs[-1].append((origin, local))
        else:
            runs.append([(origin, local)])
    shown = []
    for run in runs:
        (o1, l1), (o2, l2) = run[0], run[-1]
        shown.append(f"原编号 {o1} → {l1}" if o1 == o2 else f"原编号 {o1}–{o2} → {l1}–{l2}")
    return shown


MERGE_COLUMNS = ("台账文件", "新增区划", "新增单位", "新增会议", "新增问题", "新增记录")


def merge_outcome(report: MergeOutcome) -> None:
    """``ledger merge``: per file what was added, renumbering, and conflicts."""
    if report.dry_run:
        say("试运行：以下是合并将做的改动，台账未作任何改动。", "yellow")
    table = rich_table(*MERGE_COLUMNS, "更新问题", "无变化", "冲突")
    for source in report.sources:
        added = source.added
        table.add_row(
            source.path.name,
            *(str(added[key]) for key in ("areas", "units", "meetings", "items", "events")),
            str(source.updated),
            str(source.unchanged),
            Text(str(len(source.conflicts)), style="red" if source.conflicts else ""),
        )
    output.stdout.print(table)
    for source in report.sources:
        if source.numbers:
            ranges = _ranges(source.numbers)
            more = f" 等 {len(ranges)} 段" if len(ranges) > 6 else ""
            shown = "；".join(ranges[:6])
            say(f"{source.name} 的新问题已按本台账重新编号：{shown}{more}（原编号保留可查）")
        if source.added["categories"]:
            say(f"{source.name}：新增问题类别 {source.added['categories']} 个")
    conflicts = [(s, c) for s in report.sources for c in s.conflicts]
    if conflicts:
        notice(f"有 {len(conflicts)} 件问题两边各有对方没有的办理记录，未合并，本台账保持不变：")
        for source, conflict in conflicts[:20]:
            notice(
                f"  · 问题 {conflict.number}（{conflict.origin}）：本台账有 {conflict.ours} 条、"
                f"{source.path.name} 有 {conflict.theirs} 条对方没有的记录"
            )
        if len(conflicts) > 20:
            notice(f"  ……另有 {len(conflicts) - 20} 件")
        notice("请与社区核对后，在本台账中补录。")
    for source in report.sources:
        for message in source.meeting_conflicts:
            notice(f"  · {message}")
    if report.dry_run:
        return
    added = sum(s.added["items"] for s in report.sources)
    updated = sum(s.updated for s in report.sources)
    held = f"，{len(conflicts)} 件有冲突未合并" if conflicts else ""
    if added or updated or any(s.added["meetings"] for s in report.sources):
        say(f"合并完成：新增问题 {added} 件，更新 {updated} 件{held}。", "green")
    elif conflicts:
        say(f"没有合并任何内容：{len(conflicts)} 件有冲突（见上），其余记录本台账都已经有了。")
    else:
        say("没有新内容：这些台账中的记录本台账都已经有了。", "green")
