"""The clerk's morning board (``ledger today``): what to chase, whom to tell, whom to call.

Everything here is read-only data. Each group is counted with exactly the SQL conditions of
the ``ledger list`` filter named beside it (they come from :func:`filters.where_clause`), so
the figures on the board and the lists behind them can never disagree:

- 严重超期 = ``list --overdue-by 5``; 严重超期 + 超期 = ``list --overdue``;
  今明到期 (预警) = ``list --due-within 1``;
- 待分办 = ``list --status raised``; 待答复 = ``list --waiting-reply``;
  待回访 = ``list --waiting-rating``.

Working days come from the ledger's calendar; a figure that reaches a year the calendar does
not cover is marked ``estimated`` (估算), never an error.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ledger.domain import deadlines
from ledger.domain.dates import iso
from ledger.domain.lifecycle import OPEN_STATUSES, sql_list
from ledger.store.ledger_file import Ledger
from ledger.views import filters
from ledger.views.rows import ITEM_SELECT, row_to_item

LEVELS = ("severe", "overdue", "warning")  # most urgent first
UNANSWERED_STATUSES = (*OPEN_STATUSES, *filters.WAITING_REPLY_STATUSES)  # not yet 回
NO_UNIT = None  # raised items have no unit yet; the board shows them as 未交办

# The ``ledger list`` arguments whose total each group equals (shown as hints, kept in JSON);
# 严重超期's threshold is a setting, filled in by :func:`list_args`.
LIST_ARGS = {
    "severe": "--overdue-by {severe}",
    "overdue": "--overdue",  # includes 严重超期
    "warning": f"--due-within {deadlines.WARNING_WITHIN_WORKDAYS}",
    "waiting_assignment": "--status raised",
    "waiting_reply": "--waiting-reply",
    "waiting_rating": "--waiting-rating",
    "red": "--card red",
    "yellow": "--card yellow",
}

# The fields of an item on the board (and in ``today --json``).
ITEM_FIELDS = (
    "number",
    "title",
    "status",
    "scale",
    "percent",
    "subdistrict",
    "community",
    "place",
    "unit",
    "source",
    "reporter",
    "phone",
    "raised_on",
    "assigned_on",
    "due_on",
    "resolved_on",
    "result",
    "replied_on",
    "reply_channel",
    "last_progress",
    "remind_count",
    "extend_count",
    "level",
    "workdays_overdue",
    "workdays_left",
    "waited_workdays",
    "estimated",
    "card",
)


def build(
    ledger: Ledger,
    today: date,
    *,
    community: str | None = None,
    subdistrict: str | None = None,
    limit: int = 10,
) -> dict[str, Any]:
    """The board for ``today``: every group with its full count and up to ``limit`` items."""
    scope = filters.ItemFilter(community=community, subdistrict=subdistrict, include_closed=True)
    scope_where, scope_params = filters.where_clause(ledger, scope, today)
    in_scope = ledger.conn.execute(
        "SELECT count(*) FROM items i" + scope_where, scope_params
    ).fetchone()[0]
    board: dict[str, Any] = {
        "today": iso(today),
        "workday": ledger.calendar.is_workday(today),
        "scope": {"community": community, "subdistrict": subdistrict},
        "items_in_scope": in_scope,
        "ledger_items": ledger.conn.execute("SELECT count(*) FROM items").fetchone()[0],
        "limit": limit,
    }
    board["supervision"] = _supervision(ledger, today, community, subdistrict, limit)
    board["cards"] = _cards(ledger, today, community, subdistrict)
    board["waiting_assignment"] = _group(
        ledger,
        today,
        filters.ItemFilter(statuses=["raised"], community=community, subdistrict=subdistrict),
        "i.raised_on, i.id",
        "raised_on",
        limit,
        "waiting_assignment",
    )
    board["waiting_reply"] = _group(
        ledger,
        today,
        filters.ItemFilter(waiting_reply=True, community=community, subdistrict=subdistrict),
        "i.resolved_on, i.id",
        "resolved_on",
        limit,
        "waiting_reply",
    )
    board["waiting_rating"] = _group(
        ledger,
        today,
        filters.ItemFilter(waiting_rating=True, community=community, subdistrict=subdistrict),
        "i.replied_on, i.id",
        "replied_on",
        limit,
        "waiting_rating",
    )
    board["compounds"] = _compounds(ledger, today, scope_where, scope_params, limit)
    board["estimated_years"] = sorted(ledger.calendar.estimated_years)
    board["nothing_due"] = _nothing_due(board)
    return board


def _nothing_due(board: dict[str, Any]) -> bool:
    supervision = board["supervision"]
    return not (
        any(supervision[level]["count"] for level in LEVELS)
        or board["waiting_assignment"]["count"]
        or board["waiting_reply"]["count"]
        or board["waiting_rating"]["count"]
        or board["compounds"]["items"]
    )


# --- 督办: 严重超期 / 超期 / 今明到期, by unit ---------------------------------------------


def list_args(ledger: Ledger, key: str) -> str:
    """The ``ledger list`` arguments of a board group, with this ledger's 严重超期 threshold."""
    return LIST_ARGS[key].format(severe=deadlines.severe_workdays(ledger))


def _level_filters(
    ledger: Ledger, today: date, community: str | None, subdistrict: str | None
) -> dict[str, tuple[str, list[Any]]]:
    """The WHERE clause of each level, built from the ``ledger list`` filters."""

    def where(**wanted: Any) -> tuple[str, list[Any]]:
        chosen = filters.ItemFilter(community=community, subdistrict=subdistrict, **wanted)
        return filters.where_clause(ledger, chosen, today)

    severe = deadlines.severe_workdays(ledger)
    severe_where, severe_params = where(overdue_by=severe)
    overdue_where, overdue_params = where(overdue=True)
    # 超期 but not 严重超期: overdue, and not before the 严重超期 boundary.
    severe_from = filters.overdue_by_boundary(ledger.calendar, today, severe)
    return {
        "severe": (severe_where, severe_params),
        "overdue": (overdue_where + " AND i.due_on >= ?", [*overdue_params, iso(severe_from)]),
        "warning": where(due_within=deadlines.WARNING_WITHIN_WORKDAYS),
    }


def _supervision(
    ledger: Ledger, today: date, community: str | None, subdistrict: str | None, limit: int
) -> dict[str, Any]:
    filters = _level_filters(ledger, today, community, subdistrict)
    result: dict[str, Any] = {}
    per_unit: dict[int | None, dict[str, int]] = {}
    for level in LEVELS:
        where, params = filters[level]
        counts = ledger.conn.execute(
            "SELECT i.unit_id, count(*) FROM items i" + where + " GROUP BY i.unit_id", params
        ).fetchall()
        for unit_id, count in counts:
            per_unit.setdefault(unit_id, dict.fromkeys(LEVELS, 0))[level] = count
        rows = _items(ledger, where, params, "i.due_on, i.id", limit)
        for item in rows:
            _annotate(ledger, item, today, None)
        result[level] = {
            "count": sum(count for _, count in counts),
            "list_args": list_args(ledger, level),
            "items": rows,
        }
    names = _unit_names(ledger, [unit_id for unit_id in per_unit if unit_id is not None])
    by_unit = [
        {"unit": names.get(unit_id) if unit_id is not None else NO_UNIT, **counts}
        | {"total": sum(counts.values())}
        for unit_id, counts in per_unit.items()
    ]
    # Most to chase first: by 严重超期, then 超期, then 预警, then name (未交办 last on ties).
    by_unit.sort(
        key=lambda row: (
            -row["severe"],
            -row["overdue"],
            -row["warning"],
            row["unit"] is None,
            row["unit"] or "",
        )
    )
    result["by_unit"] = by_unit
    return result


def _cards(
    ledger: Ledger, today: date, community: str | None, subdistrict: str | None
) -> dict[str, Any]:
    """黄牌 / 红牌 counts (= ``list --card yellow|red``), in total and per unit."""
    result: dict[str, Any] = {}
    per_unit: dict[int | None, dict[str, int]] = {}
    for card in ("red", "yellow"):
        chosen = filters.ItemFilter(community=community, subdistrict=subdistrict, card=card)
        where, params = filters.where_clause(ledger, chosen, today)
        counts = ledger.conn.execute(
            "SELECT i.unit_id, count(*) FROM items i" + where + " GROUP BY i.unit_id", params
        ).fetchall()
        for unit_id, count in counts:
            per_unit.setdefault(unit_id, {"red": 0, "yellow": 0})[card] = count
        result[card] = {"count": sum(count for _, count in counts), "list_args": LIST_ARGS[card]}
    names = _unit_names(ledger, [unit_id for unit_id in per_unit if unit_id is not None])
    result["by_unit"] = sorted(
        (
            {"unit": names.get(unit_id) if unit_id is not None else NO_UNIT, **counts}
            for unit_id, counts in per_unit.items()
        ),
        key=lambda row: (-row["red"], -row["yellow"], row["unit"] is None, row["unit"] or ""),
    )
    return result


def _unit_names(ledger: Ledger, unit_ids: list[int]) -> dict[int, str]:
    if not unit_ids:
        return {}
    marks = ",".join("?" * len(unit_ids))
    return dict(ledger.conn.execute(f"SELECT id, name FROM units WHERE id IN ({marks})", unit_ids))


# --- 待分办 / 待答复 / 待回访 ----------------------------------------------------------


def _group(
    ledger: Ledger,
    today: date,
    wanted: filters.ItemFilter,
    order: str,
    waited_from: str,
    limit: int,
    key: str,
) -> dict[str, Any]:
    """A group equal to a ``ledger list`` filter: its count and its ``limit`` oldest items."""
    where, params = filters.where_clause(ledger, wanted, today)
    count = ledger.conn.execute("SELECT count(*) FROM items i" + where, params).fetchone()[0]
    rows = _items(ledger, where, params, order, limit) if count else []
    for item in rows:
        _annotate(ledger, item, today, waited_from)
    return {"count": count, "list_args": list_args(ledger, key), "items": rows}


def _items(
    ledger: Ledger, where: str, params: list[Any], order: str, limit: int
) -> list[dict[str, Any]]:
    """Up to ``limit`` matching items in ``order``: ids first, then names joined onto those only."""
    if limit <= 0:
        return []
    sql = (
        ITEM_SELECT
        + f" WHERE i.id IN (SELECT i.id FROM items i{where} ORDER BY {order} LIMIT ?)"
        + f" ORDER BY {order}"
    )
    cursor = ledger.conn.execute(sql, [*params, limit])
    return [row_to_item(row, cursor.description) for row in cursor.fetchall()]


def _annotate(ledger: Ledger, item: dict[str, Any], today: date, waited_from: str | None) -> None:
    """Deadline standing, and working days waited since ``waited_from`` (a date column)."""
    filters.annotate_deadline(ledger, item, today)
    item["waited_workdays"] = None
    if waited_from and item.get(waited_from):
        since = date.fromisoformat(item[waited_from])
        item["waited_workdays"] = max(ledger.calendar.workdays_between(since, today), 0)
        item["estimated"] = item["estimated"] or ledger.calendar.is_estimated(since, today)
    for key in list(item):
        if key not in ITEM_FIELDS:
            del item[key]


# --- per compound: what the building leader must speak to at the next 夜话 ----------------


def _compounds(
    ledger: Ledger, today: date, scope_where: str, scope_params: list[Any], limit: int
) -> dict[str, Any]:
    """Unanswered items (not yet 已回复) grouped by the compound they were raised in."""
    places = ledger.conn.execute(
        "SELECT id, parent_id, level, name, path FROM areas WHERE level IN ('compound', 'building')"
    ).fetchall()
    compound_of: dict[int, int] = {}
    compound_info: dict[int, tuple[str, str]] = {}
    for place_id, _parent, level, name, path in places:
        if level == "compound":
            compound_of[place_id] = place_id
            community = path.split("/")[2] if path.count("/") >= 2 else ""
            compound_info[place_id] = (name, community)
    for place_id, parent_id, level, _name, _path in places:
        if level == "building" and parent_id in compound_of:
            compound_of[place_id] = parent_id
    condition = f"i.status IN {sql_list(UNANSWERED_STATUSES)} AND i.place_id IS NOT NULL"
    where = (scope_where + " AND " if scope_where else " WHERE ") + condition
    counts: dict[int, int] = {}
    places_of: dict[int, list[int]] = {}
    for place_id, count in ledger.conn.execute(
        "SELECT i.place_id, count(*) FROM items i" + where + " GROUP BY i.place_id", scope_params
    ):
        compound_id = compound_of.get(place_id)
        if compound_id is None:
            continue
        counts[compound_id] = counts.get(compound_id, 0) + count
        places_of.setdefault(compound_id, []).append(place_id)
    last_talk: dict[int, str] = {}
    for place_id, held_on in ledger.conn.execute(
        "SELECT place_id, max(held_on) FROM meetings "
        "WHERE kind = 'night_talk' AND place_id IS NOT NULL AND held_on <= ? GROUP BY place_id",
        (iso(today),),
    ):
        compound_id = compound_of.get(place_id)
        if compound_id is not None and held_on > last_talk.get(compound_id, ""):
            last_talk[compound_id] = held_on
    # Most to speak to first; then by community and compound name.
    ordered = sorted(
        counts, key=lambda cid: (-counts[cid], compound_info[cid][1], compound_info[cid][0], cid)
    )
    shown = []
    for compound_id in ordered[:limit]:
        place_ids = places_of[compound_id]
        marks = ",".join("?" * len(place_ids))
        rows = _items(
            ledger,
            where + f" AND i.place_id IN ({marks})",
            [*scope_params, *place_ids],
            "i.raised_on, i.id",
            limit,
        )
        for item in rows:
            _annotate(ledger, item, today, "raised_on")
        name, community = compound_info[compound_id]
        shown.append(
            {
                "compound": name,
                "community": community,
                "count": counts[compound_id],
                "last_night_talk": last_talk.get(compound_id),
                "items": rows,
            }
        )
    return {"count": len(counts), "items": sum(counts.values()), "compounds": shown}
