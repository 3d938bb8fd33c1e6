"""Click's last English words on help screens, in Chinese.

Typer draws help from Click (its own vendored copy, ``typer._click``), whose few fixed strings
are not translatable: the ``Usage:`` prefix, the ``[OPTIONS]`` and ``COMMAND [ARGS]...``
placeholders, the help option's "Show this message and exit." and type names such as
``<str>``. Clerks read Chinese only, so these are replaced once, when the CLI is imported.
Typer is bounded below 0.29 in pyproject.toml; tests/test_no_english.py walks every help
screen, so a Typer release that moves these strings fails a test rather than a clerk.
"""

from __future__ import annotations

from typing import Any

from typer._click import core, formatting, types

USAGE_PREFIX = "用法："
HELP_OPTION_HELP = "显示本帮助并退出"
_PLACEHOLDERS = (
    ("COMMAND [ARGS]...", "命令 [参数]..."),
    ("[OPTIONS]", "[选项]"),
)
# Click's type names, as shown in the type column of help screens.
TYPE_NAMES = {
    "str": "文字",
    "text": "文字",
    "int": "整数",
    "integer": "整数",
    "int range": "整数",
    "float": "数字",
    "float range": "数字",
    "file": "文件",
    "filename": "文件",
    "path": "路径",
    "directory": "文件夹",
    "datetime": "日期时间",
    "uuid": "编号",
}


def localise() -> None:
    """Replace Click's English help strings (idempotent)."""
    formatter = formatting.HelpFormatter
    if getattr(formatter.write_usage, "_ledger_chinese", False):
        return
    write_usage = formatter.write_usage

    def chinese_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        for english, chinese in _PLACEHOLDERS:
            args = args.replace(english, chinese)
        write_usage(self, prog, args, USAGE_PREFIX if prefix is None else prefix)

    chinese_usage._ledger_chinese = True  # type: ignore[attr-defined]
    formatter.write_usage = chinese_usage  # type: ignore[method-assign]

    get_help_option = core.Command.get_help_option

    def chinese_help_option(self: Any, ctx: Any) -> Any:
        option = get_help_option(self, ctx)
        if option is not None:
            option.help = HELP_OPTION_HELP
        return option

    core.Command.get_help_option = chinese_help_option  # type: ignore[method-assign]

    def chinese_metavar(self: Any, param: Any, ctx: Any) -> str | None:
        if self.name == "boolean":
            return None  # flags: Typer hides "<boolean>" by its English name
        return f"<{TYPE_NAMES.get(str(self.name), str(self.name))}>"

    # The base class's get_metavar returns None, and Click then shows "<{type.name}>".
    types.ParamType.get_metavar = chinese_metavar  # type: ignore[method-assign]
