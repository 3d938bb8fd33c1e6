"""The layout's rules, checked: the core stays free of the CLI, every command is in the README,
and the source refers only to documents inside the repository."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import typer

from ledger.cli.app import app

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "ledger"
CLI_ONLY = ("typer", "rich", "ledger.cli")
ENTRY_POINT = PACKAGE / "__main__.py"  # `python -m ledger` runs the CLI: that is its job


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at any depth (function-level imports included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            if node.module == "ledger":  # from ledger import cli
                found.update(f"ledger.{alias.name}" for alias in node.names)
    return found


def _cli_import(module: str) -> bool:
    return any(module == name or module.startswith(f"{name}.") for name in CLI_ONLY)


def test_core_never_imports_the_cli_typer_or_rich() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(filter(_cli_import, _imports(path)))
        for path in sorted(PACKAGE.rglob("*.py"))
        if PACKAGE / "cli" not in path.parents and path != ENTRY_POINT
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_the_import_check_sees_what_it_should(tmp_path: Path) -> None:
    """The check above is not vacuous: it finds each kind of CLI import, however written."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import rich.console\n"
        "from ledger import cli\n"
        "def later():\n"
        "    from typer import Exit\n"
        "    from ledger.cli.output import say\n"
        "    import ledger.store.ledger_file\n",
        encoding="utf-8",
    )
    assert sorted(filter(_cli_import, _imports(sample))) == [
        "ledger.cli",
        "ledger.cli.output",
        "rich.console",
        "typer",
    ]


# --- packages that draw the architecture: imports flow downward, no cycles ----------------

# Each package may import only those before it (the CLI and the entry point sit on top).
LAYERS = ("domain", "store", "registry", "views", "casework", "reports", "io", "demo", "cli")


def _runtime_imports(path: Path) -> set[str]:
    """The ledger modules a file imports when it runs (``if TYPE_CHECKING:`` blocks are types)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
        for inner in ast.walk(node)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped or not isinstance(node, ast.ImportFrom) or not node.module:
            continue
        if node.module.startswith("ledger."):
            for alias in node.names:  # from ledger.views import rows → ledger.views.rows
                candidate = f"{node.module}.{alias.name}"
                is_module = (PACKAGE.parent / (candidate.replace(".", "/") + ".py")).exists()
                found.add(candidate if is_module else node.module)
    return found


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> str:
    return module.split(".")[1] if module.count(".") else ""


def test_packages_import_only_the_layers_below_them() -> None:
    upward = sorted(
        f"{_module_name(path)} → {target}"
        for path in PACKAGE.rglob("*.py")
        if _layer(_module_name(path)) in LAYERS
        for target in _runtime_imports(path)
        if _layer(target) in LAYERS
        and LAYERS.index(_layer(target)) > LAYERS.index(_layer(_module_name(path)))
    )
    assert upward == []


def test_no_import_cycle_between_modules() -> None:
    graph = {_module_name(path): _runtime_imports(path) for path in PACKAGE.rglob("*.py")}
    state: dict[str, str] = {}
    cycles: list[list[str]] = []

    def visit(module: str, trail: list[str]) -> None:
        state[module] = "open"
        for target in sorted(graph.get(module, ())):
            if state.get(target) == "open":
                cycles.append(
                    [*trail[trail.index(target) :], target] if target in trail else [target]
                )
            elif target not in state:
                visit(target, [*trail, target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_the_layer_check_sees_an_upward_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from typing import TYPE_CHECKING\n"
        "from ledger.views import rows\n"
        "if TYPE_CHECKING:\n"
        "    from ledger.cli.output import say\n",
        encoding="utf-8",
    )
    assert _runtime_imports(sample) == {"ledger.views.rows"}


# --- every command is documented in the README (as sqlite-utils checks its docs) ------------


def _command_paths() -> list[str]:
    """`add`, `area`, `area add`, … every command and sub-app command of `ledger --help`."""
    paths: list[str] = []

    def walk(group: object, prefix: tuple[str, ...]) -> None:
        for name, command in sorted(group.commands.items()):  # type: ignore[attr-defined]
            if command.hidden:
                continue
            paths.append(" ".join((*prefix, name)))
            if hasattr(command, "commands"):
                walk(command, (*prefix, name))

    walk(typer.main.get_command(app), ())
    return paths


def _command_table() -> str:
    """The README's 命令一览 section."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("## 命令一览")
    end = readme.find("\n## ", start + 1)
    return readme[start : end if end != -1 else None]


def test_the_commands_are_found() -> None:
    paths = _command_paths()
    assert {"add", "list", "area", "area add", "report monthly", "import items"} <= set(paths)
    assert len(paths) >= 40


@pytest.mark.parametrize("command", _command_paths())
def test_every_command_is_in_the_readme_command_table(command: str) -> None:
    assert re.search(rf"`ledger {re.escape(command)}(?![\w-])", _command_table()), (
        f"`ledger {command}` is missing from the README's 命令一览 table"
    )


# --- documents referred to exist in the repository -------------------------------------------


def test_documents_named_in_the_source_exist() -> None:
    named = {
        (path, match)
        for folder in (PACKAGE, REPO / "tests")
        for path in sorted(folder.rglob("*.py"))
        for match in re.findall(r"[\w./-]+\.md\b", path.read_text(encoding="utf-8"))
    }
    missing = sorted(
        f"{path.relative_to(REPO)}: {name}" for path, name in named if not (REPO / name).is_file()
    )
    assert missing == []
    assert {name for _, name in named} >= {"docs/domain.md", "docs/figures.md"}


def test_the_docs_link_to_each_other_correctly() -> None:
    for document in sorted((REPO / "docs").glob("*.md")):
        for target in re.findall(r"\]\(([^)#]+\.md)", document.read_text(encoding="utf-8")):
            assert (document.parent / target).is_file(), (document.name, target)
