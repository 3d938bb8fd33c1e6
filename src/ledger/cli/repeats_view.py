"""重复反映 on the terminal: asking the clerk on ``add``, and the lines ``show`` adds."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import typer

from ledger.cli.output import notice, say
from ledger.domain.labels import SOURCE, STATUS

if TYPE_CHECKING:
    from ledger.views.rows import Item


def interactive() -> bool:
    """A clerk at a terminal (not a script, not a pipe): then ``add`` asks."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def ask(candidates: list[Any]) -> int | None:
    """Show the candidates and ask: an original's number, Enter for a new matter, q to stop."""
    notice("可能是重复反映：")
    for candidate in candidates[:5]:
        notice(f"  {candidate.describe()}，{candidate.why}")
    while True:
        answer = typer.prompt(
            "登记为哪一号的重复反映？（输入编号；直接回车登记为新问题；q 取消）",
            default="",
            show_default=False,
        ).strip()
        if not answer:
            return None
        if answer.lower() == "q":
            raise typer.Exit(1)
        if answer.isdigit() and int(answer) > 0:
            return int(answer)  # a listed one, or any other earlier item the clerk knows
        notice("请输入问题编号、直接回车或 q")


def linked(item: Mapping[str, Any]) -> None:
    """After add/link: which item this one repeats (the item as the action left it)."""
    if item.get("repeat_of_number"):
        say(f"已登记为第 {item['repeat_of_number']} 号问题的重复反映", "yellow")


def show(item: Item) -> None:
    """``show``: the original this item repeats, and the repeats raised after it."""
    if item.repeat_of_number:
        say(f"重复反映：本问题是第 {item.repeat_of_number} 号问题的重复反映", "yellow")
    repeats = item.repeats
    if not repeats:
        return
    say(f"重复反映 {len(repeats)} 次：", "yellow")
    for repeat in repeats:
        where = ""
        if repeat["meeting"]:
            where = f"，在第 {repeat['meeting']} 次会议（{SOURCE.label(repeat['meeting_kind'])}）上"
        who = repeat["reporter"] or "（未记反映人）"
        say(
            f"  第 {repeat['number']} 号：{repeat['raised_on']}，{who}{where}再次反映"
            f"（{STATUS.label(repeat['status'])}）"
        )


def as_json(item: Item) -> dict[str, Any]:
    """``show --json``: the original's number and the repeats."""
    return {"repeat_of": item.repeat_of_number, "repeats": list(item.repeats)}
