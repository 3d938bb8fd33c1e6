"""The ``ledger search`` screen: found items with the matched words highlighted.

Laid out by :mod:`ledger.cli.layout` like ``ledger list``: to a pipe the rows are plain lines
and Rich is never imported (a tenth of a second, most of what a search costs); on a terminal
the matched words are marked.
"""

from __future__ import annotations

from typing import Any

from ledger.cli.layout import Column, Text, cell_len
from ledger.cli.output import STATUS_STYLE, emit_lines, narrow_hint, say, width
from ledger.domain.labels import STATUS
from ledger.domain.lifecycle import ITEM_FIELDS

HIT_STYLE = "bold black on yellow"
SNIPPET = 24  # characters of the matched field shown around the first hit

# On a narrow screen 命中 drops first, then 社区.
SEARCH_COLUMNS = (
    Column("编号", right=True),
    Column("状态"),
    Column("反映日期"),
    Column("社区", "name", drop=2, min_width=6),
    Column("问题描述", "text", min_width=16),
    Column("命中", "text", drop=1, min_width=12),
)


def marked(text: str, words: list[str], style: str = "") -> Text:
    """``text`` with every occurrence of the words (case aside) in the hit style."""
    lowered = text.lower()
    hits = [False] * len(text)
    for word in words:
        at = lowered.find(word)
        while at >= 0 and word:
            hits[at : at + len(word)] = [True] * len(word)
            at = lowered.find(word, at + len(word))
    line, start = Text(), 0
    for index in range(1, len(text) + 1):
        if index == len(text) or hits[index] != hits[start]:
            line.append(text[start:index], HIT_STYLE if hits[start] else style)
            start = index
    return line


def snippet(text: str, words: list[str], width: int = SNIPPET) -> Text:
    """The part of ``text`` around the first matched word, the words highlighted."""
    flat = text.replace("\n", " ")
    lowered = flat.lower()
    first = min((i for i in (lowered.find(w) for w in words) if i >= 0), default=0)
    start = max(0, min(first - width // 3, len(flat) - width))
    part = flat[start : start + width]
    shown = Text("…" if start > 0 else "")
    shown.append_text(marked(part, words))
    return shown.append("…" if start + width < len(flat) else "")


def _clipped(cell: Text, width: int) -> Text:
    """A styled cell cut to ``width`` cells with … (layout would cut it to plain text)."""
    if cell_len(cell.plain) <= width:
        return cell
    kept, room = Text(), width - 1
    for text, style in cell.runs:
        part = ""
        for char in text:
            if cell_len(part + char) > room:
                break
            part += char
        kept.append(part, style)
        room -= cell_len(part)
        if part != text:
            break
    return kept.append("…")


def search_table(found: Any, *, wide: bool = False) -> None:
    """One row per item found: number, status, date, community, title and where it matched."""
    if not found.items:
        say("没有找到包含" + "、".join(f"“{w}”" for w in found.words) + "的问题。")
        return
    rows = []
    for item in found.items:
        hit = item["matched_in"]
        where = Text("")
        if hit["field"] and hit["field"] != "问题描述":
            where = Text(hit["field"] + "：", style="dim") + snippet(hit["text"], found.words)
        rows.append(
            [
                str(item["number"]),
                Text(STATUS.label(item["status"]), style=STATUS_STYLE.get(item["status"], "")),
                item["raised_on"],
                item["community"],
                snippet(item["title"], found.words),
                where,
            ]
        )
    from ledger.cli import layout

    fitted = layout.fit(SEARCH_COLUMNS, rows, width(), wide)
    if not fitted.wide:  # texts cut to their columns here, so that the highlights stay
        for row in rows:
            for i in (4, 5):
                row[i] = _clipped(row[i], fitted.widths.get(i, 0))
    emit_lines(layout.header_lines(fitted))
    emit_lines(layout.row_line(fitted, row) for row in rows)
    more = found.total - len(found.items)
    say(
        f"共 {found.total} 条" + (f"，另有 {more} 条未显示（可用 --limit 调整）" if more else ""),
        "dim",
    )
    narrow_hint(fitted.dropped, "ledger search")


def search_json(found: Any) -> dict[str, Any]:
    """``search --json``: the words looked for, the total, and each item with where it matched."""
    return {
        "words": found.words,
        "total": found.total,
        "items": [
            {name: item.get(name) for name in ITEM_FIELDS} | {"matched_in": item["matched_in"]}
            for item in found.items
        ],
    }
