"""Report figures on the screen (``ledger stats``, ``ledger report monthly --summary``): rates
as 83.3%, a missing value as —, names abbreviated, figures never cut."""

from __future__ import annotations

from typing import Any

from ledger.cli.layout import Column, Text
from ledger.cli.output import table


def percent(value: float | None) -> str:
    """83.3% — or "—" when the denominator was 0."""
    return "—" if value is None else f"{value * 100:.1f}%"


def figures_table(
    title: str,
    columns: list[tuple[str, str, str]],
    rows: list[dict[str, Any]],
    total: dict[str, Any] | None = None,
    *,
    drop: dict[str, int] | None = None,
    wide: bool = False,
) -> list[str]:
    """Report figures: columns are (key, title, kind); rates as 83.3%, a missing value as —.

    Names (街道, 社区, 承办单位) are abbreviated by the rule in ``layout``; figures are never
    cut; ``drop`` ranks the columns that leave a narrow screen (1 first). Returns the titles
    of the columns left out.
    """
    ranks = drop or {}
    laid = [
        Column(
            label,
            "name" if kind == "text" else "fixed",
            drop=ranks.get(key, 0),
            right=kind != "text",
            min_width=6 if kind == "text" else 0,
        )
        for key, label, kind in columns
    ]

    def cells(row: dict[str, Any]) -> list[Any]:
        shown: list[Any] = []
        for key, _, kind in columns:
            value = row.get(key)
            if kind == "rate":
                shown.append(percent(value))
            elif value is None:
                shown.append("—")
            elif kind == "score":
                shown.append(f"{value:.1f}")
            else:
                shown.append(str(value))
        return shown

    body = [cells(row) for row in rows]
    if total is not None:
        body.append([Text(cell, style="bold") for cell in cells(total)])
    return table(laid, body, title=title, wide=wide).dropped
