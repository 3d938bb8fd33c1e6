"""The one place that writes to the terminal: the consoles, messages, laid-out tables, the
pager, the progress bar and ``--json`` streaming. What each screen shows is in the ``*_view``
modules beside this one."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ledger.cli import layout
from ledger.cli.layout import Column, Text
from ledger.domain.labels import STATUS
from ledger.domain.text import strip_unsafe

# No markup or emoji codes: residents' text ("[/b]", ":warning:") is shown as typed, never
# interpreted (a stray "[/x]" in a title used to crash the table with a MarkupError).
if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table


def _console(name: str) -> Console:
    """The stdout or stderr console, made on first use: a command whose output goes to a
    pipe never imports rich.console at all (it writes plain lines itself)."""
    found = globals().get(name)
    if found is None:
        from rich.console import Console

        found = Console(
            stderr=name == "stderr",
            highlight=False,
            soft_wrap=name == "stderr",
            markup=False,
            emoji=False,
        )
        globals()[name] = found
    return found


def __getattr__(name: str) -> Any:
    """``output.stdout`` / ``output.stderr`` for callers outside this module."""
    if name in ("stdout", "stderr"):
        return _console(name)
    raise AttributeError(name)


LEVEL_STYLE = {"warning": "yellow", "overdue": "red", "severe": "bold red"}
STATUS_STYLE = {
    "raised": "magenta",
    "assigned": "cyan",
    "resolved": "green",
    "declined": "yellow",
    "replied": "blue",
    "closed": "dim",
}


def status_text(code: str) -> Text:
    """A status in its color (待分办 magenta, 办理中 cyan …)."""
    return Text(STATUS.label(code), style=STATUS_STYLE.get(code, ""))


# --- plain messages -------------------------------------------------------------------


def error(message: str) -> None:
    """One line on stderr: 错误: … (a message may quote what was typed: cleaned, one line)."""
    one_line = " ".join(strip_unsafe(message).split("\n"))
    _console("stderr").print(Text(f"错误: {one_line}", style="red"), soft_wrap=True)


def notice(message: str) -> None:
    """A warning or hint on stderr (so scripts reading stdout are not disturbed)."""
    _console("stderr").print(Text(message, style="yellow"), soft_wrap=True)


def say(message: str, style: str | None = None) -> None:
    """A message on stdout, wrapped at the screen's width between Chinese characters, never
    inside a date, a number or a path."""
    for line in layout.wrap(message, width()):
        emit(Text(line, style=style or ""))


def width() -> int:
    """The width screens are laid out for ($COLUMNS, else the terminal's, else 80)."""
    terminal = _terminal()
    return layout.screen_width(terminal.width if terminal is not None else 80)


def _terminal() -> Console | None:
    """The stdout console when stdout is a terminal (or a console made to act as one)."""
    if globals().get("stdout") is None and not sys.stdout.isatty():
        return None
    console = _console("stdout")
    return console if console.is_terminal else None


def emit(line: Text) -> None:
    """One laid-out line: with its colors on a terminal, as plain text (and fast) otherwise."""
    terminal = _terminal()
    if terminal is not None:
        terminal.print(line, soft_wrap=True)
    else:
        sys.stdout.write(line.plain + "\n")


def emit_lines(lines: Iterable[Text]) -> None:
    for line in lines:
        emit(line)


def table(
    columns: Iterable[Column],
    rows: list[list[Any]],
    *,
    title: str | None = None,
    wide: bool = False,
    indent: str = "",
    header: bool = True,
    wrap_text: bool = False,
) -> layout.Layout:
    """A table laid out for the screen (see ``layout``); returns which columns dropped."""
    lines, fitted = layout.render(
        list(columns), rows, width(), wide=wide, indent=indent, header=header, wrap_text=wrap_text
    )
    if title:
        emit(Text(indent + title, style="bold"))
    emit_lines(lines)
    return fitted


def narrow_hint(dropped: Iterable[str], command: str) -> None:
    """Say which columns a narrow screen left out, and how to see them."""
    names = list(dict.fromkeys(dropped))
    if names:
        say(f"屏幕较窄，未显示：{'、'.join(names)}（{command} --wide 显示全部列）", "dim")


def _json_text(data: Any, indent: int | None) -> str:
    if indent is None:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    return json.dumps(data, ensure_ascii=False, indent=indent, default=str)


def _json_indent() -> int | None:
    """Indented for a person at a terminal, compact for a program reading a pipe."""
    return 2 if sys.stdout.isatty() else None


def emit_json(data: Any) -> None:
    """Machine-readable output: UTF-8 JSON, codes and ISO dates, nothing else on stdout."""
    sys.stdout.write(_json_text(data, _json_indent()) + "\n")


def emit_json_stream(head: dict[str, Any], key: str, rows: Iterable[Any]) -> None:
    """``{**head, key: [rows…]}`` written row by row as the rows are read: memory stays the
    same whatever the number of rows."""
    indent = _json_indent()
    write = sys.stdout.write
    name = json.dumps(key, ensure_ascii=False)
    n = -1
    if indent is None:
        opening = _json_text(head, None)[:-1] + ("," if head else "")
        write(f"{opening}{name}:[")
        for n, row in enumerate(rows):
            write(("," if n else "") + _json_text(row, None))
        write("]}\n")
        return
    fields = "".join(
        f"  {json.dumps(k, ensure_ascii=False)}: {_json_text(v, None)},\n" for k, v in head.items()
    )
    write("{\n" + fields + f"  {name}: [")
    for n, row in enumerate(rows):
        write(("," if n else "") + "\n    " + _json_text(row, indent).replace("\n", "\n    "))
    write(("\n  ]" if n >= 0 else "]") + "\n}\n")


def emit_jsonl(rows: Iterable[Any]) -> None:
    """One compact JSON object per line (for pipes: grep, jq -c, a spreadsheet import)."""
    write = sys.stdout.write
    for row in rows:
        write(_json_text(row, None) + "\n")


@contextmanager
def paged(enabled: bool) -> Iterator[None]:
    """Send stdout through a pager when it is a terminal, as ``git log`` does.

    ``$LEDGER_PAGER``, else ``$PAGER``, else ``less -FRX`` (which prints a short answer and
    quits, and keeps the colors). An empty ``LEDGER_PAGER`` or ``--no-pager`` turns it off.
    The pager reads lines as they are written: nothing is held back until the end.
    """
    command = os.environ.get("LEDGER_PAGER", os.environ.get("PAGER", "less -FRX"))
    if not enabled or not command.strip() or not sys.stdout.isatty():
        yield
        return
    import shlex
    import shutil
    import subprocess

    from rich.console import Console

    argv = shlex.split(command)
    if shutil.which(argv[0]) is None:
        yield
        return
    env = dict(os.environ)
    env.setdefault("LESSCHARSET", "utf-8")
    pager = subprocess.Popen(argv, stdin=subprocess.PIPE, env=env)
    assert pager.stdin is not None
    pipe = open(pager.stdin.fileno(), "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    saved_console, saved_stdout = _console("stdout"), sys.stdout
    globals()["stdout"] = Console(
        file=pipe,
        force_terminal=True,
        color_system=saved_console.color_system,  # type: ignore[arg-type]
        width=saved_console.width,
        highlight=False,
        soft_wrap=False,
        markup=False,
        emoji=False,
    )
    sys.stdout = pipe
    try:
        yield
    except (BrokenPipeError, KeyboardInterrupt):
        pass  # the reader quit the pager before the end: nothing more to show
    finally:
        globals()["stdout"], sys.stdout = saved_console, saved_stdout
        try:
            pipe.close()
            pager.stdin.close()
        except BrokenPipeError:
            pass
        pager.wait()


# Short columns that must never wrap (numbers, dates, statuses).
_NO_WRAP = {
    "编号",
    "状态",
    "办理时限",
    "日期",
    "时间",
    "动作",
    "参与人次",
    "问题数",
    "在办",
    "督办",
}


_MIN_WIDTH = {"问题描述": 12, "内容": 20}


def rich_table(*columns: str, title: str | None = None) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(
        title=title, header_style="bold", box=box.SIMPLE_HEAD, show_lines=False, pad_edge=False
    )
    for column in columns:
        table.add_column(
            column,
            overflow="fold",
            no_wrap=column in _NO_WRAP,
            min_width=_MIN_WIDTH.get(column),
        )
    return table


# --- label / value lines ----------------------------------------------------------------


def key_values(rows: Iterable[tuple[str, Any]], title: str | None = None) -> None:
    """Label / value lines (settings, summaries); a list value is a series of phrases
    (待分办 4、办理中 8 …) that wraps between phrases, never inside one."""
    if title:
        say(title, "bold")
    shown = list(rows)
    label_width = max((layout.cell_len(label) for label, _ in shown), default=0)
    for label, value in shown:
        indent = " " * (label_width + 2)
        head = label + " " * (label_width - layout.cell_len(label) + 2)
        if isinstance(value, list):
            phrases = [
                (f"{part}、" if n < len(value) - 1 else str(part), "")
                for n, part in enumerate(value)
            ]
            lines = _phrases(phrases, width() - len(indent))
        else:
            lines = layout.wrap(str(value), max(width() - len(indent), 20))
        for n, line in enumerate(lines):
            emit(Text((head if n == 0 else indent) + line))


def _phrases(parts: list[tuple[str, str]], room: int) -> list[str]:
    """Phrases run together on as few lines as fit in ``room`` cells."""
    lines, line = [], ""
    for text, _ in parts:
        if line and layout.cell_len(line + text) > room:
            lines.append(line)
            line = ""
        line += text
    return [*lines, line]


# --- a progress bar while several files are written -----------------------------------


class _Progress:
    """A progress bar on stderr while several workbooks are written (only on a terminal)."""

    def __init__(self, total: int, description: str) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[current]}"),
            console=_console("stderr"),
            transient=True,
            disable=not _console("stderr").is_terminal or total < 2,
        )
        self.task = self.bar.add_task(description, total=total, current="")

    def __enter__(self) -> _Progress:
        self.bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.__exit__(*exc)  # type: ignore[arg-type]

    def advance(self, current: str = "") -> None:
        self.bar.update(self.task, advance=1, current=current)


def progress(total: int, description: str) -> _Progress:
    """``with output.progress(n, "生成月报") as bar: … bar.advance(name)``."""
    return _Progress(total, description)
