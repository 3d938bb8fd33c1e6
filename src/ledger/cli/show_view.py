"""``ledger show``: an item's fields, then its whole timeline (the 办理过程)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ledger.cli import layout
from ledger.cli.items_view import progress_bar, standing
from ledger.cli.layout import Column, Text
from ledger.cli.output import emit, narrow_hint, status_text, table, width
from ledger.domain.labels import ACTION, CHANNEL, FIELD, RATING, SCALE, SOURCE, STATUS

if TYPE_CHECKING:
    from ledger.views.rows import Item


def item_json(item: Item) -> dict[str, Any]:
    """``show --json``: the item's JSON shape, then its timeline."""
    return item.as_json() | {
        "events": [
            {key: event.get(key) for key in _EVENT_FIELDS}
            | {
                "changes": event["changes"],
                "withdrawn": event.get("withdrawn", False),
                "target": event.get("target"),
            }
            for event in item.events
        ]
    }


_EVENT_FIELDS = ("uid", "seq", "action", "at", "recorded_at", "actor", "note")


def _clip(text: str | None, width: int) -> str:
    value = (text or "").replace("\n", " ")
    return value if len(value) <= width else value[: width - 1] + "…"


def _change_text(key: str, value: Any, category_labels: dict[str, str]) -> str:
    label = FIELD.get(key, key)
    if value is None:
        return f"{label}清空"
    formatters = {
        "status": STATUS.label,
        "source": SOURCE.label,
        "scale": SCALE.label,
        "rating": RATING.label,
        "reply_channel": CHANNEL.label,
        "category": lambda code: category_labels.get(code, code),
        "percent": lambda p: f"{p}%",
    }
    shown = formatters.get(key, str)(value)
    return f"{label}：{_clip(str(shown), 30)}"


# Implied by the action itself, or already in the note column.
HIDDEN_CHANGES = {
    "title",
    "result",
    "reply_text",
    "last_progress",
    "raised_on",
    "status",
    "assigned_on",
    "resolved_on",
    "replied_on",
    "closed_on",
}
ADD_SHOWN = {"category", "scale", "due_on"}  # the rest of a new item is shown above


# ``show``'s timeline: 记录人 drops on a narrow screen; 内容 wraps.
TIMELINE_COLUMNS = (
    Column("时间"),
    Column("动作"),
    Column("记录人", "name", drop=1, min_width=4),
    Column("内容", "text", min_width=24),
)


def event_time(at: str) -> str:
    """2026-06-24T20:30:00 → 2026-06-24 20:30; a date-only event stays a date."""
    return at.replace("T", " ")[:16]


def fields_block(rows: Iterable[tuple[str, Any]], wide: bool = False) -> None:
    """Label / value lines; long values wrap under themselves, never inside a date or a phone."""
    shown = [(label, value) for label, value in rows if value not in (None, "")]
    if not shown:
        return
    label_width = max(layout.cell_len(label) for label, _ in shown)
    room = max(width() - label_width - 2, 20)
    for label, value in shown:
        gap = " " * (label_width - layout.cell_len(label) + 2)
        pieces = [value] if isinstance(value, Text) or wide else layout.wrap(str(value), room)
        for n, piece in enumerate(pieces):
            line = Text(label, style="bold") if n == 0 else Text(" " * label_width)
            line.append(gap if n == 0 else "  ")
            line.append_text(piece if isinstance(piece, Text) else Text(str(piece)))
            emit(line)


def item_detail(item: Item, category_labels: dict[str, str], wide: bool = False) -> None:
    """``ledger show``: the item's fields, then its whole timeline."""
    status = status_text(item.status)
    rows: list[tuple[str, Any]] = [
        ("编号", f"{item.number}"),
        (
            "原编号",
            f"{item.origin_ledger or ''} {item.origin_number}".strip()
            if item.origin_number
            else None,
        ),
        ("问题描述", item.title),
        ("状态", status),
        ("社区", "/".join(p for p in (item.subdistrict, item.community) if p)),
        ("小区/楼栋", item.place),
        (
            "来源",
            SOURCE.label(item.source) + (f"（会议 {item.meeting}）" if item.meeting else ""),
        ),
        ("类别", category_labels.get(item.category, item.category)),
        ("规模", SCALE.label(item.scale)),
        ("反映人", " ".join(p for p in (item.reporter, item.phone) if p)),
        ("反映日期", item.raised_on),
        ("承办单位", item.unit),
        ("办理时限", Text(item.due_on or "") + Text(" ") + standing(item)),
        ("进度", progress_bar(item.percent) if item.scale == "big" else None),
        ("最新进展", item.last_progress),
        ("办理结果", item.result),
        (
            "答复",
            " ".join(
                p
                for p in (
                    item.replied_on,
                    CHANNEL.label(item.reply_channel),
                    item.reply_text,
                )
                if p
            ),
        ),
        ("评价", RATING.label(item.rating)),
        (
            "重办/延期/催办",
            f"{item.reopen_count} / {item.extend_count} / {item.remind_count}",
        ),
    ]
    fields_block(rows, wide)
    timeline = []
    by_uid = {event["uid"]: event for event in item.events}
    for event in item.events:
        parts = []
        target = by_uid.get(event.get("target") or "")
        if target is not None and target.get("target"):  # 恢复: name what the 撤销 withdrew
            target = by_uid.get(target["target"], target)
        if target is not None:  # 撤销 / 恢复: say which record it withdraws or restores
            parts.append(
                f"{ACTION.get(target['action'], target['action'])}（{event_time(target['at'])}）"
            )
        if event["note"]:
            parts.append(event["note"])
        parts += [
            _change_text(key, value, category_labels)
            for key, value in event["changes"].items()
            if (key not in HIDDEN_CHANGES or event["action"] == "edit")
            and (event["action"] != "add" or key in ADD_SHOWN)
            and (value is not None or event["action"] == "edit")
        ]
        text = "；".join(parts)
        if event.get("withdrawn"):  # kept in the history, no longer in force
            text = "【已撤销】" + text
        timeline.append(
            [
                event_time(event["at"]),
                ACTION.get(event["action"], event["action"]),
                event["actor"] or "",
                text,
            ]
        )
    emit(Text(""))
    fitted = table(TIMELINE_COLUMNS, timeline, title="办理过程", wide=wide, wrap_text=True)
    narrow_hint(fitted.dropped, "ledger show")
