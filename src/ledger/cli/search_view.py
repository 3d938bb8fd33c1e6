"""The ``ledger search`` screen: found items with the matched words highlighted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text

from ledger.cli.output import rich_table, say, status_text, stdout
from ledger.domain.lifecycle import ITEM_FIELDS

if TYPE_CHECKING:
    from ledger.views.search import Found

HIT_STYLE = "bold black on yellow"
SNIPPET = 24  # characters of the matched field shown around the first hit


def snippet(text: str, words: list[str], width: int = SNIPPET) -> Text:
    """The part of ``text`` around the first matched word, the words highlighted."""
    flat = text.replace("\n", " ")
    lowered = flat.lower()
    first = min((i for i in (lowered.find(w) for w in words) if i >= 0), default=0)
    start = max(0, min(first - width // 3, len(flat) - width))
    part = flat[start : start + width]
    shown = Text(("…" if start > 0 else "") + part + ("…" if start + width < len(flat) else ""))
    shown.highlight_words(words, style=HIT_STYLE, case_sensitive=False)
    return shown


def search_table(found: Found) -> None:
    """One row per item found: number, status, date, community, title and where it matched."""
    if not found.items:
        say("没有找到包含" + "、".join(f"“{w}”" for w in found.words) + "的问题。")
        return
    table = rich_table("编号", "状态", "反映日期", "社区", "问题描述", "命中")
    for item in found.items:
        hit = item["matched_in"]
        where = Text("")
        if hit["field"] and hit["field"] != "问题描述":
            where = Text(hit["field"] + "：", style="dim") + snippet(hit["text"], found.words)
        table.add_row(
            str(item["number"]),
            status_text(item["status"]),
            item["raised_on"],
            item["community"],
            snippet(item["title"], found.words),
            where,
        )
    stdout.print(table)
    more = found.total - len(found.items)
    say(
        f"共 {found.total} 条" + (f"，另有 {more} 条未显示（可用 --limit 调整）" if more else ""),
        "dim",
    )


def search_json(found: Found) -> dict[str, Any]:
    """``search --json``: the words looked for, the total, and each item with where it matched."""
    return {
        "words": found.words,
        "total": found.total,
        "items": [
            {name: item.get(name) for name in ITEM_FIELDS} | {"matched_in": item["matched_in"]}
            for item in found.items
        ],
    }
