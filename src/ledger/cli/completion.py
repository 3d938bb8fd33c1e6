"""Shell completion: ``ledger completion install|show``, and the live values completed from
the ledger itself (community, unit and category names, item numbers still being handled,
meeting numbers).

The shell runs ``ledger`` with ``_LEDGER_COMPLETE`` set each time Tab is pressed; Typer's
completion classes (bash, zsh, fish, PowerShell) answer with the commands and options, and
with what the functions below return for the options that name a place, unit, category or
item. Those read the ledger file directly, read-only: a completion must never change the
file, migrate it, or print an error into the clerk's command line — on any failure it
offers nothing.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from ledger.cli import output
from ledger.cli.errors import guarded

COMPLETE_VAR = "_LEDGER_COMPLETE"
SHELLS = ("bash", "zsh", "powershell", "pwsh", "fish")
_LIMIT = 60  # more than a screen of candidates helps nobody

app = typer.Typer(
    help="命令行补全：按 Tab 补全命令、选项，以及社区、承办单位、类别名称和问题编号。",
    no_args_is_help=True,
)

ShellOption = Annotated[
    str | None,
    typer.Option(
        "--shell",
        help="bash、zsh、powershell（Windows 自带的 PowerShell 5）、pwsh（PowerShell 7）、fish；"
        "不指定时自动识别当前终端",
    ),
]


def _shell(shell: str | None) -> str:
    from ledger.domain.errors import LedgerError

    if shell is None:
        from typer.completion import _get_shell_name

        shell = _get_shell_name()
        if shell is None:
            raise LedgerError("无法识别当前终端的类型，请用 --shell 指定：bash、zsh 或 powershell")
    shell = shell.lower()
    if shell not in SHELLS:
        raise LedgerError(f"不支持的终端类型“{shell}”；可用：{'、'.join(SHELLS)}")
    return shell


@app.command("install", help="为当前终端安装补全（写入终端的启动文件），重开终端后生效。")
@guarded
def install_command(shell: ShellOption = None) -> None:
    from typer.completion import install

    chosen = _shell(shell)
    _, path = install(shell=chosen, prog_name="ledger", complete_var=COMPLETE_VAR)
    output.say(f"已安装 {chosen} 补全：{path}", "green")
    output.say("重新打开终端后生效；输入 ledger 后按 Tab 即可补全。")


@app.command("show", help="显示补全脚本（不安装），可自行放入终端的启动文件。")
@guarded
def show_command(shell: ShellOption = None) -> None:
    from typer.completion import get_completion_script

    script = get_completion_script(
        prog_name="ledger", complete_var=COMPLETE_VAR, shell=_shell(shell)
    )
    print(script)


def activate() -> None:
    """Register Typer's completion classes when the shell asks for completions (only then:
    every other run of ``ledger`` skips it)."""
    if COMPLETE_VAR in os.environ:
        from typer.completion import completion_init

        completion_init()


# --- live values ---------------------------------------------------------------------------


def _rows(ctx: typer.Context, sql: str, params: Sequence[object] = ()) -> list[tuple]:
    """Rows from the ledger the command line names (``--db``, else the default), read-only;
    [] when there is no ledger or it cannot be read."""
    try:
        from ledger.store.ledger_file import default_path

        given = ctx.params.get("db") if ctx is not None else None
        path = Path(given) if given else default_path()
        if not path.is_file():
            return []
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()
    except Exception:  # a completion offers nothing rather than fail
        return []


def _matching(incomplete: str, names: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Names that start with what was typed (Typer offers nothing else: a shell replaces the
    word typed only by a candidate that extends it, so tts cannot become 铁塔寺社区 here —
    ``--community tts`` itself is accepted when the command runs, see :mod:`ledger.registry.names`)."""
    typed = incomplete.strip()
    return [pair for pair in names if pair[0].startswith(typed)][:_LIMIT]


def communities(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Community names, each with its subdistrict as help."""
    rows = _rows(
        ctx,
        "SELECT c.name, coalesce(s.name, '') FROM areas c LEFT JOIN areas s ON s.id = c.parent_id "
        "WHERE c.level = 'community' ORDER BY c.path",
    )
    return _matching(incomplete, [(name, parent) for name, parent in rows])


def units(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Unit names, each with its phone as help."""
    rows = _rows(ctx, "SELECT name, coalesce(phone, '') FROM units ORDER BY name")
    return _matching(incomplete, [(name, phone) for name, phone in rows])


def categories(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Category labels (the codes are accepted too, but clerks type the labels)."""
    rows = _rows(ctx, "SELECT label, code FROM categories ORDER BY position")
    return _matching(incomplete, [(label, code) for label, code in rows])


def item_numbers(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Numbers of the items still being handled (not 已归档, not 已作废), newest first, each
    with its title as help (zsh and PowerShell show it)."""
    rows = _rows(
        ctx,
        "SELECT number, title FROM items WHERE status NOT IN ('closed', 'voided') "
        "AND CAST(number AS TEXT) LIKE ? ORDER BY number DESC LIMIT ?",
        (f"{incomplete.strip()}%", _LIMIT),
    )
    return [(str(number), title) for number, title in rows]


def meeting_numbers(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Meeting numbers, newest first, each with its date, kind and community as help."""
    rows = _rows(
        ctx,
        "SELECT m.number, m.held_on || ' ' || c.name FROM meetings m "
        "JOIN areas c ON c.id = m.community_id "
        "WHERE CAST(m.number AS TEXT) LIKE ? ORDER BY m.held_on DESC, m.number DESC LIMIT ?",
        (f"{incomplete.strip()}%", _LIMIT),
    )
    return [(str(number), about) for number, about in rows]
