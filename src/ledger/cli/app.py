"""The root ``ledger`` command: item verbs at the top level, one sub-app per noun."""

import importlib.util
import sys
import types
import warnings
from collections.abc import Sequence
from typing import Any, NoReturn

import typer

from ledger import __version__
from ledger.cli import (
    admin,
    areas,
    chinese,
    completion,
    daily,
    demo,
    items,
    meetings,
    output,
    units,
)
from ledger.cli import importer as importer_cli
from ledger.cli import maintenance as maintenance_cli
from ledger.cli import report as report_cli
from ledger.cli import search as search_cli
from ledger.cli.errors import fail, request_traceback, usage_message

app = typer.Typer(
    name="ledger",
    help="问题台账：每周夜话、拉呱说事中居民诉求的登记、交办、督办、答复与评价（说、议、办、回、评）。",
    no_args_is_help=True,
    add_completion=False,  # its options' help is English only; clerks do not need it
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

for group in (items.commands, daily.commands, admin.commands, demo.commands):
    app.registered_commands.extend(group.registered_commands)
app.registered_commands.extend(maintenance_cli.commands.registered_commands)
app.registered_commands.extend(search_cli.commands.registered_commands)
app.add_typer(areas.app, name="area")
app.add_typer(units.app, name="unit")
app.add_typer(meetings.app, name="meeting")
app.add_typer(admin.category_app, name="category")
app.add_typer(admin.config_app, name="config")
app.add_typer(importer_cli.app, name="import")  # ledger import items|areas|units
app.add_typer(completion.app, name="completion")  # ledger completion install|show

# Reports: `ledger report monthly …` (sub-app) and `ledger stats` (top level).
app.add_typer(report_cli.app, name="report")
app.registered_commands.extend(report_cli.commands.registered_commands)


def _localise_help() -> None:
    """Typer's help panels in Chinese (Click's own 'Usage:' line stays as it is).

    Typer imports ``typer.rich_utils`` only to draw help and error panels; importing it here
    would cost every command ~30 ms (rich.markdown, markdown-it, pygments). So the titles are
    set the moment Typer imports it, through a one-shot import hook.
    """
    module = sys.modules.get("typer.rich_utils")
    if module is not None:
        _set_panel_titles(module)
    elif not any(isinstance(finder, _OnRichUtilsImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _OnRichUtilsImport())


class _OnRichUtilsImport:
    """Finds typer.rich_utils the usual way, then sets the titles right after it loads.

    A meta path finder needs only ``find_spec``; subclassing importlib.abc would import
    importlib.resources (15 ms) on every command.
    """

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if fullname != "typer.rich_utils":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        load = spec.loader.exec_module

        def exec_module(module: types.ModuleType) -> None:
            load(module)
            _set_panel_titles(module)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _set_panel_titles(rich_utils: Any) -> None:
    rich_utils.ARGUMENTS_PANEL_TITLE = "参数"
    rich_utils.OPTIONS_PANEL_TITLE = "选项"
    rich_utils.COMMANDS_PANEL_TITLE = "命令"
    rich_utils.ERRORS_PANEL_TITLE = "错误"
    rich_utils.DEFAULT_STRING = "[默认: {}]"
    rich_utils.REQUIRED_LONG_STRING = "[必填]"
    rich_utils.ENVVAR_STRING = "[环境变量: {}]"


_localise_help()
chinese.localise()


def _version(value: bool) -> None:
    if value:
        output.say(f"ledger {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="显示版本"
    ),
    traceback: bool = typer.Option(
        False,
        "--traceback",
        help="出错时显示完整的错误原因，供维护人员排查（同 LEDGER_DEBUG=1）",
    ),
) -> None:
    """问题台账 ledger."""
    request_traceback(traceback)


def app_for(argv: list[str]) -> typer.Typer:
    """The app with only the command being run (the whole app when that is unclear).

    Typer reads the signature and type hints of every command to build its Click group on
    each run: ~40 ms for 45 commands, of which one runs. Options never precede the command
    name here (the root has only --version and --help), so the first word names it.
    """
    import copy

    name = next((word for word in argv if not word.startswith("-")), None)
    if name is None:
        return app
    commands = [c for c in app.registered_commands if c.name == name]
    groups = [g for g in app.registered_groups if g.name == name]
    if len(commands) + len(groups) != 1:
        return app
    slim = copy.copy(app)
    slim.registered_commands = commands
    slim.registered_groups = groups
    return slim


def main(args: Sequence[str] | None = None) -> NoReturn:
    """Entry point: runs the app (``args`` default to the command line).

    Usage errors are shown in Chinese with exit code 1; any other failure that reaches here
    goes through :func:`ledger.cli.errors.fail` (one Chinese line, details kept).
    """
    if not sys.warnoptions:  # -W or PYTHONWARNINGS given: a maintainer wants to see them
        # Library warnings are English and not the clerk's to act on (openpyxl's "Workbook
        # contains no default style" for workbooks saved by some tools).
        warnings.simplefilter("ignore")
    request_traceback(False)
    completion.activate()  # only when the shell asks for completions (Tab)
    try:
        argv = list(args) if args is not None else sys.argv[1:]
        result = app_for(argv)(args=argv, prog_name="ledger", standalone_mode=False)
    except typer.Abort:
        output.error("已取消")
        sys.exit(1)
    except Exception as error:  # Click's usage errors carry format_message and exit_code
        format_message = getattr(error, "format_message", None)
        if format_message is None or not hasattr(error, "exit_code"):
            try:
                fail(error)
            except typer.Exit as stop:
                sys.exit(stop.exit_code)
        if type(error).__name__ == "NoArgsIsHelpError":  # `ledger area`: help shown, no error
            sys.exit(0)
        output.error(usage_message(format_message()) + "（用 --help 查看用法）")
        sys.exit(1)
    sys.exit(result if isinstance(result, int) else 0)
