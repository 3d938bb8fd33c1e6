"""``ledger demo``: a realistic ledger from sample_data/, in its own file."""

import os
from pathlib import Path

import typer

from ledger.cli import output
from ledger.cli.errors import guarded
from ledger.cli.options import DbOption
from ledger.domain.labels import STATUS

commands = typer.Typer()


@commands.command(
    "demo", help="用示例数据建一个演示台账（默认 ./ledger-demo.db，不会动您自己的台账）。"
)
@guarded
def demo_command(db: DbOption = None) -> None:
    from ledger import demo  # the demo's builder is needed by this command only

    path = db or demo.default_demo_path()
    summary = demo.build(path)
    output.say(f"已生成演示台账：{summary['path']}", "green")
    statuses = [
        f"{STATUS.label(code)} {summary['by_status'].get(code, 0)}" for code in STATUS.codes
    ]
    output.key_values(
        [
            ("街道 / 社区", f"{summary['subdistricts']} / {summary['areas']}"),
            ("承办单位", summary["units"]),
            ("会议（夜话、说事）", summary["meetings"]),
            (
                "问题",
                f"{summary['items']}（{summary['first_raised']} 至 {summary['last_raised']}）",
            ),
            ("各状态", statuses),
            ("超期未办结", summary["overdue"]),
            ("办理记录（事件）", summary["events"]),
        ],
        title="演示台账概况",
    )
    for entry in summary.get("imported", []):
        output.say(f"已导入旧台账 {entry['file']}：问题 {entry['items']} 条（ledger import items）")
    _demo_reports(path)
    # One command per line, so that a clerk can copy each whole at 80 columns.
    output.say("试试：")
    output.say(f"  ledger list --db {path}")
    output.say(f"  ledger show 1 --db {path}")


def _demo_reports(path: Path) -> None:
    """The demo month's reports (the last complete month with data), in a folder beside it."""
    from ledger.reports import monthly
    from ledger.store.ledger_file import open_ledger
    from ledger.views import coverage

    ledger = open_ledger(path)
    try:
        month = coverage.last_month_with_data(ledger)
        if month is None:
            return
        period = coverage.make_period(month, None, ledger.now())
        folder = monthly.prepare_folder(path.parent / f"{path.stem}-reports")
        chosen = coverage.scopes(ledger)
        with output.progress(len(chosen), f"生成{period.label}月报") as bar:
            written = monthly.write_reports(
                ledger, period, chosen, folder, summary=True, advance=bar.advance
            )
    finally:
        ledger.close()
    output.say(
        f"已生成{period.label}的演示月报 {len(written)} 份（每个街道一份，另有各区县排名汇总），"
        f"在 {folder}{os.sep}",
        "green",
    )
    for item in written:
        output.say(f"  {item.path.name}", "dim")
    output.say("月报的数字也可以在终端查看：")
    output.say(f"  ledger stats --month {month[0]}-{month[1]:02d} --db {path}")
