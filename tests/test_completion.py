"""Shell completion: installed by `ledger completion install`, shown by `completion show`,
completing commands, options and live values from the ledger (issue 12)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from typer.testing import Result

from cli_helpers import refused
from ledger.casework import actions
from ledger.registry import meetings
from ledger.store.ledger_file import Ledger

Run = Callable[..., Result]


def complete(run: Run, monkeypatch: pytest.MonkeyPatch, words: str) -> list[str]:
    """What bash is offered for the last word of ``words`` (Tab pressed at its end)."""
    parts = words.split(" ")
    monkeypatch.setenv("_LEDGER_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", words)
    monkeypatch.setenv("COMP_CWORD", str(len(parts) - 1))
    result = run()
    assert result.exit_code == 0, result.output
    return [line for line in result.stdout.splitlines() if line]


def test_commands_and_options(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    assert complete(run, monkeypatch, "ledger un") == ["unlink", "undo", "unit"]
    assert "rename" in complete(run, monkeypatch, "ledger area r")
    assert complete(run, monkeypatch, "ledger list --comm") == ["--community"]


def test_live_values_from_the_ledger(
    places: Ledger, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    actions.add(places, "楼道灯不亮", community="铁塔寺社区", raised_on=date(2026, 11, 2))  # 1
    actions.add(places, "垃圾清运", community="财工街社区", raised_on=date(2026, 11, 3))  # 2
    actions.add(places, "路灯坏了", community="铁塔寺社区", raised_on=date(2026, 11, 4))  # 3
    actions.void(places, 2, "重复登记")
    assert complete(run, monkeypatch, "ledger list --community ") == [
        "铁塔寺社区",
        "财工街社区",
        "礼乐社区",
    ]
    assert complete(run, monkeypatch, "ledger add x --community 铁") == ["铁塔寺社区"]
    assert complete(run, monkeypatch, "ledger assign 1 扈") == ["扈师傅维修队"]
    assert complete(run, monkeypatch, "ledger remind --unit ") == [
        "住建局",
        "市住建局",
        "扈师傅维修队",
    ]
    assert complete(run, monkeypatch, "ledger edit 1 --category 环") == ["环境卫生"]
    # Item numbers still being handled, newest first (2 is voided).
    assert complete(run, monkeypatch, "ledger assign ") == ["3", "1"]
    meetings.add(places, kind="夜话", held_on=date(2026, 11, 4), community="铁塔寺社区")
    assert complete(run, monkeypatch, "ledger meeting edit ") == ["1"]


def test_no_ledger_offers_nothing_and_creates_nothing(
    run: Run, monkeypatch: pytest.MonkeyPatch, db_path: Path
) -> None:
    assert complete(run, monkeypatch, "ledger list --community ") == []
    assert not db_path.exists()


def test_show_and_install(run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    shown = run("completion", "show", "--shell", "bash")
    assert shown.exit_code == 0
    assert "_LEDGER_COMPLETE=complete_bash" in shown.stdout
    assert "complete -o default -F _ledger_completion ledger" in shown.stdout
    assert "Register-ArgumentCompleter" in run("completion", "show", "--shell", "powershell").stdout
    assert "compdef _ledger_completion ledger" in run("completion", "show", "--shell", "zsh").stdout
    assert refused(run("completion", "show", "--shell", "tcsh")).startswith(
        "错误: 不支持的终端类型“tcsh”"
    )
    monkeypatch.setenv("HOME", str(tmp_path))
    installed = run("completion", "install", "--shell", "bash")
    assert installed.exit_code == 0, installed.output
    script = tmp_path / ".bash_completions" / "ledger.sh"
    assert f"已安装 bash 补全：{script}" in installed.stdout
    assert f"source '{script}'" in (tmp_path / ".bashrc").read_text()


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash here")
def test_bash_completes_through_the_installed_script(
    places: Ledger, run: Run, tmp_path: Path
) -> None:
    """The real thing: bash sources the script and asks `ledger` on PATH."""
    script = tmp_path / "ledger.sh"
    script.write_text(run("completion", "show", "--shell", "bash").stdout, encoding="utf-8")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    probe = (
        f"source '{script}'; COMP_WORDS=(ledger list --community 财); COMP_CWORD=3; "
        '_ledger_completion ledger; printf "%s\\n" "${COMPREPLY[@]}"'
    )
    done = subprocess.run(
        ["bash", "--norc", "-c", probe], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.stdout.splitlines() == ["财工街社区"], done.stderr
