"""The one place that turns failures into ``错误: …`` on stderr and exit code 1."""

from __future__ import annotations

import errno
import functools
import re
import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

import typer

from ledger.cli import output
from ledger.errors import LedgerError

F = TypeVar("F", bound=Callable[..., Any])


def message_for(error: BaseException) -> str | None:
    """The clerk's message for an expected failure, or None for a real bug."""
    if isinstance(error, LedgerError):
        return str(error)
    if isinstance(error, OverflowError):  # e.g. `show 99999999999999999999`: SQLite ints are 64-bit
        return "数字过大，超出台账能处理的范围"
    if isinstance(error, sqlite3.OperationalError):
        text = str(error)
        if "locked" in text or "busy" in text:
            return "台账文件正被其他程序长时间占用，请稍后再试"
        if "readonly" in text or "read-only" in text:
            return "台账文件是只读的，无法写入"
        if "disk" in text or "full" in text:
            return "磁盘已满或无法写入，本次操作未保存"
        return None
    if isinstance(error, sqlite3.DatabaseError):
        return "台账文件已损坏或不是台账文件"
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


def guarded(function: F) -> F:
    """Run a command; expected failures become one Chinese line and exit code 1."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except Exception as error:
            message = message_for(error)
            if message is None:
                raise
            output.error(message)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


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
    (r"Invalid value for '(.+?)': [Ff]ile '(.+?)' is a directory\.?", r"\1：“\2”是文件夹"),
    (r"Invalid value for '(.+?)': \w+ '(.+?)' is a file\.?", r"\1：“\2”是文件，不是文件夹"),
    (r"Invalid value for '(.+?)': \w+ '(.+?)' does not exist\.?", r"\1：找不到“\2”"),
    (r"Invalid value for '(.+?)': \w+ '(.+?)' is not readable\.?", r"\1：“\2”不可读取"),
    (r"Invalid value for '(.+?)': \w+ '(.+?)' is not writable\.?", r"\1：“\2”不可写入"),
    (r"Invalid value for '(.+?)': (.+)", r"\1 的值无效：\2"),
]


def usage_message(text: str) -> str:
    """Translate a Click usage error for the clerk; unknown ones pass through."""
    for pattern, replacement in _USAGE_MESSAGES:
        translated, count = re.subn(pattern, replacement, text.strip())
        if count:
            return translated
    return text.strip()
