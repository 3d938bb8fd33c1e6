"""``ledger demo``: a realistic ledger from sample_data/, in its own file."""

from __future__ import annotations

import typer

from ledger import demo
from ledger.cli import output
from ledger.cli.errors import guarded
from ledger.cli.options import DbOption
from ledger.labels import STATUS

commands = typer.Typer()


@commands.command(
    "demo", help="用示例数据建一个演示台账（默认 ./ledger-demo.db，不会动您自己的台账）。"
)
@guarded
def demo_command(db: DbOption = None) -> None:
    path = db or demo.default_demo_path()
    summary = demo.build(path)
    output.say(f"已生成演示台账：{summary['path']}", "green")
    statuses = "、".join(
        f"{STATUS.label(code)} {summary['by_status'].get(code, 0)}" for code in STATUS.codes
    )
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
    output.say(f"试试：ledger list --db {path}    ledger show 1 --db {path}")
