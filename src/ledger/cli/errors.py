"""The one place that turns failures into ``错误: …`` on stderr and exit code 1.

An expected failure (a :class:`~ledger.domain.errors.LedgerError`, a busy or full disk, a file that
cannot be written) becomes one Chinese line. Anything else is a mistake in the program: the
clerk still gets one Chinese line, and the details go to a file whose path that line names.
The cause of every failure is kept (``raise … from error``); ``LEDGER_DEBUG=1`` or the root
option ``--traceback`` prints it in full on stderr, for whoever maintains the installation.
"""

from __future__ import annotations

import errno
import functools
import os
import platform
import re
import sys
import tempfile
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import typer

from ledger import __version__
from ledger.cli import output
from ledger.domain.errors import LedgerError
from ledger.store.ledger_file import DB_VARIABLE, sqlite_failure

F = TypeVar("F", bound=Callable[..., Any])

DEBUG_VARIABLE = "LEDGER_DEBUG"
_traceback_requested = False  # set by the root --traceback option, for one run of main()


def request_traceback(wanted: bool) -> None:
    """Show the full cause of a failure in this run (the root ``--traceback`` option)."""
    global _traceback_requested
    _traceback_requested = wanted


def debugging() -> bool:
    """True when failures should show their full cause: ``--traceback`` or LEDGER_DEBUG."""
    return _traceback_requested or os.environ.get(DEBUG_VARIABLE, "").strip() not in ("", "0")


# What SQLite's error codes (see storage.sqlite_failure) mean for the clerk.
_SQLITE_MESSAGES = {
    "busy": "台账文件正被其他程序长时间占用，请稍后再试",
    "readonly": "台账文件是只读的，无法写入",
    "permission": "没有权限访问台账文件",
    "full": "磁盘已满，本次操作未保存",
    "io": "读写台账文件出错（磁盘或 U 盘可能有问题），本次操作未保存",
    "cantopen": "无法打开台账文件：没有权限或路径无效",
    "notadb": "台账文件已损坏或不是台账文件",
    "corrupt": "台账文件已损坏或不是台账文件",
}


def message_for(error: BaseException) -> str | None:
    """The clerk's message for an expected failure, or None for a real bug."""
    if isinstance(error, LedgerError):
        return str(error)
    if isinstance(error, OverflowError):  # e.g. `show 99999999999999999999`: SQLite ints are 64-bit
        return "数字过大，超出台账能处理的范围"
    failure = sqlite_failure(error)
    if failure is not None:
        return _SQLITE_MESSAGES[failure]
    if isinstance(error, PermissionError):
        return f"没有权限访问“{error.filename}”"
    if isinstance(error, IsADirectoryError):
        return f"“{error.filename}”是文件夹"
    if isinstance(error, FileNotFoundError):
        return f"找不到文件或目录“{error.filename}”"
    if isinstance(error, OSError):
        reason = _OS_REASONS.get(error.errno or 0, f"系统错误 {error.errno}")
        return f"文件操作失败：{reason}" + (f"（“{error.filename}”）" if error.filename else "")
    return None


# The OS's own texts (strerror) are English; the usual reasons, for the clerk.
_OS_REASONS = {
    errno.ENOSPC: "磁盘已满",
    errno.EROFS: "该位置是只读的",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.ENOTDIR: "路径中有一部分不是文件夹",
    errno.EEXIST: "文件已存在",
    errno.ENAMETOOLONG: "文件名过长",
    errno.EIO: "读写出错（磁盘或 U 盘可能有问题）",
    errno.EXDEV: "不能跨磁盘移动文件",
}


def fail(error: BaseException) -> NoReturn:
    """End the command for ``error``: one Chinese line on stderr and exit code 1.

    With ``--traceback`` or LEDGER_DEBUG the full cause chain is printed first. An unexpected
    error is also written to a file, whose path the line gives.
    """
    message = message_for(error)
    if debugging():
        traceback.print_exception(error, file=sys.stderr)
        sys.stderr.flush()
    if message is None:
        written = write_details(error)
        if written is None:
            message = f"程序内部出错，详细信息未能写入文件（设置环境变量 {DEBUG_VARIABLE}=1 后重试可显示）"
        else:
            message = f"程序内部出错，详细信息已写入“{written}”，请把该文件交给维护人员"
    output.error(message)
    raise typer.Exit(1) from error


def guarded(function: F) -> F:
    """Run a command; any failure becomes one Chinese line and exit code 1 (see :func:`fail`)."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        # A closed pipe (`| head`) is Click's to end: quietly, status 1. Not the clerk's error.
        except (typer.Exit, typer.Abort, BrokenPipeError):
            raise
        except Exception as error:
            fail(error)

    return wrapper  # type: ignore[return-value]


# --- the details of an unexpected error --------------------------------------------------


def details_folders() -> list[Path]:
    """Where the details of an unexpected error may be written, in order of preference.

    The user's log folder (platformdirs), then the folder of the ledger named by LEDGER_DB,
    then the system's temporary folder.
    """
    import platformdirs

    folders = [Path(platformdirs.user_log_dir("ledger", appauthor=False))]
    configured = os.environ.get(DB_VARIABLE)
    if configured:
        folders.append(Path(configured).expanduser().parent)
    folders.append(Path(tempfile.gettempdir()))
    return folders


def write_details(error: BaseException) -> Path | None:
    """Write the error, its causes and where it happened to a new file; None if none could be."""
    moment = datetime.now()  # the real time, not LEDGER_NOW: this is for maintainers
    text = "".join(
        [
            f"ledger {__version__} 出错记录\n",
            f"time: {moment.isoformat(timespec='seconds')}\n",
            f"command: {' '.join(sys.argv)}\n",
            f"python: {sys.version.split()[0]} ({platform.platform()})\n\n",
            *traceback.format_exception(error),
        ]
    )
    for folder in details_folders():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(  # a new file: never overwrites an earlier record
                prefix=f"ledger-error-{moment:%Y%m%d-%H%M%S}-", suffix=".txt", dir=folder
            )
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(text)
            return Path(name)
        except OSError:
            continue
    return None


_PATH_PROBLEMS = {
    "is a directory": "“\\2”是文件夹",
    "is a file": "“\\2”是文件，不是文件夹",
    "does not exist": "找不到“\\2”",
    "is not readable": "“\\2”不可读取",
    "is not writable": "“\\2”不可写入",
}

# Click's own usage messages, in Chinese.
_USAGE_MESSAGES: list[tuple[str, str]] = [
    (r"Missing argument '(.+?)'\.?", r"缺少参数 \1"),
    (r"Missing option '(.+?)'\.?", r"缺少选项 \1"),
    (r"No such option: (\S+?)\.? \(Possible options: (.+)\)$", r"没有选项 \1（可用：\2）"),
    (r"No such option: (\S+?)\.?( Did you mean (.+)\?)?$", r"没有选项 \1"),
    (r"No such command '(.+?)'\.?", r"没有命令“\1”"),
    (r"Got unexpected extra argument(?:s|\(s\))? \((.+)\)", r"多余的参数：\1"),
    (r"Option '(.+?)' does not take a value\.?", r"选项 \1 不需要值"),
    (r"Option '(.+?)' requires an argument\.?", r"选项 \1 需要一个值"),
    (
        r"Invalid value for '(.+?)': '(.*?)' is not a valid (?:integer|int)(?: range)?\.?$",
        r"\1 的值“\2”不是整数",
    ),
    (
        r"Invalid value for '(.+?)': '(.*?)' is not a valid float(?: range)?\.?$",
        r"\1 的值“\2”不是数字",
    ),
    (r"Invalid value for '(.+?)': Input should be a valid integer.*", r"\1 应为整数"),
    (
        r"Invalid value for '(.+?)': Input should be greater than or equal to (\S+)",
        r"\1 应不小于 \2",
    ),
    (r"Invalid value for '(.+?)': Input should be less than or equal to (\S+)", r"\1 应不大于 \2"),
    # Click's own range messages (Typer releases without pydantic).
    (r"Invalid value for '(.+?)': \S+ is not in the range x>=(\S+?)\.?$", r"\1 应不小于 \2"),
    (r"Invalid value for '(.+?)': \S+ is not in the range x<=(\S+?)\.?$", r"\1 应不大于 \2"),
    (
        r"Invalid value for '(.+?)': \S+ is not in the range (\S+?)<=x<=(\S+?)\.?$",
        r"\1 应在 \2 到 \3 之间",
    ),
    # A path given on the command line: "File 'x' is a directory", "Path 'x' does not exist" …
    *(
        (rf"Invalid value for '(.+?)': \w+ '(.+?)' {english}\.?", rf"\1：{chinese}")
        for english, chinese in _PATH_PROBLEMS.items()
    ),
    (r"Invalid value for '(.+?)': (.+)", r"\1 的值无效：\2"),
]


def usage_message(text: str) -> str:
    """Translate a Click usage error for the clerk; unknown ones pass through."""
    for pattern, replacement in _USAGE_MESSAGES:
        translated, count = re.subn(pattern, replacement, text.strip())
        if count:
            return translated
    return text.strip()
