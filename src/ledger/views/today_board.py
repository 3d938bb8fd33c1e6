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

from dataclasses import dataclass, fields, replace
from datetime import date
from operator import attrgetter
from typing import Any

from ledger.domain import deadlines
from ledger.domain.dates import iso
from ledger.domain.lifecycle import ITEM_FIELDS, OPEN_STATUSES, sql_list
from ledger.store.ledger_file import Ledger
from ledger.views import filters
from ledger.views.rows import ITEM_SELECT, Item, read_all

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

# An item on the board (and in ``today --json``): what the clerk acts on, without the
# provenance and the figures of finished items; plus the working days it has waited.
_NOT_ON_BOARD = {"uid", "category", "county", "meeting", "reply_text", "rating", "closed_on"}
_NOT_ON_BOARD |= {"reopen_count", "origin_ledger", "origin_number"}
BOARD_FIELDS = (*(name for name in ITEM_FIELDS if name not in _NOT_ON_BOARD), "waited_workdays")
_on_board = attrgetter(*BOARD_FIELDS)


def _plain(value: Any) -> Any:
    """A board part as JSON: its fields in order, an item as :data:`BOARD_FIELDS`."""
    if isinstance(value, Item):
        return dict(zip(BOARD_FIELDS, _on_board(value), strict=True))
    if isinstance(value, tuple):
        return [_plain(part) for part in value]
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    return value


class _Part:
    """A frozen part of the board: ``as_json()`` for ``today --json``."""

    __slots__ = ()

    def as_json(self) -> dict[str, Any]:
        return _plain(self)  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class Group(_Part):
    """A group equal to a ``ledger list`` filter: its full count and its first items."""

    count: int
    list_args: str
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class UnitLevels(_Part):
    """One unit's 严重超期 / 超期 / 今明到期 counts (None: not yet assigned)."""

    unit: str | None
    severe: int
    overdue: int
    warning: int
    total: int


@dataclass(frozen=True, slots=True)
class Supervision(_Part):
    """督办: the three levels, most urgent first, and the counts per unit."""

    severe: Group
    overdue: Group
    warning: Group
    by_unit: tuple[UnitLevels, ...]

    def level(self, name: str) -> Group:
        """The group of a level (``severe``, ``overdue``, ``warning``)."""
        return getattr(self, name)  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class CardCount(_Part):
    count: int
    list_args: str


@dataclass(frozen=True, slots=True)
class UnitCards(_Part):
    unit: str | None
    red: int
    yellow: int


@dataclass(frozen=True, slots=True)
class Cards(_Part):
    """黄牌 / 红牌: in total (= ``list --card``) and per unit."""

    red: CardCount
    yellow: CardCount
    by_unit: tuple[UnitCards, ...]


@dataclass(frozen=True, slots=True)
class Compound(_Part):
    """A compound's unanswered items, for its building leader at the next 夜话."""

    compound: str
    community: str
    count: int
    last_night_talk: str | None
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class Compounds(_Part):
    count: int  # compounds with unanswered items
    items: int  # their unanswered items
    compounds: tuple[Compound, ...]


@dataclass(frozen=True, slots=True)
class Scope(_Part):
    community: str | None
    subdistrict: str | None


@dataclass(frozen=True, slots=True)
class Board(_Part):
    """``ledger today``: every group with its full count and up to ``limit`` items."""

    today: str
    workday: bool
    scope: Scope
    items_in_scope: int
    ledger_items: int
    limit: int
    supervision: Supervision
    cards: Cards
    waiting_assignment: Group
    waiting_reply: Group
    waiting_rating: Group
    compounds: Compounds
    estimated_years: tuple[int, ...]
    nothing_due: bool


def build(
    ledger: Ledger,
    today: date,
    *,
    community: str | None = None,
    subdistrict: str | None = None,
    limit: int = 10,
) -> Board:
    """The board for ``today``: every group with its full count and up to ``limit`` items."""
    scope = filters.ItemFilter(community=community, subdistrict=subdistrict, include_closed=True)
    scope_where, scope_params = filters.where_clause(ledger, scope, today)
    in_scope = ledger.conn.execute(
        "SELECT count(*) FROM items i" + scope_where, scope_params
    ).fetchone()[0]

    def group(key: str, waited_from: str, **wanted: Any) -> Group:
        chosen = filters.ItemFilter(community=community, subdistrict=subdistrict, **wanted)
        return _group(ledger, today, chosen, f"i.{waited_from}, i.id", waited_from, limit, key)

    supervision = _supervision(ledger, today, community, subdistrict, limit)
    cards = _cards(ledger, today, community, subdistrict)
    waiting = (
        group("waiting_assignment", "raised_on", statuses=["raised"]),
        group("waiting_reply", "resolved_on", waiting_reply=True),
        group("waiting_rating", "replied_on", waiting_rating=True),
    )
    compounds = _compounds(ledger, today, scope_where, scope_params, limit)
    nothing_due = not (
        any(supervision.level(level).count for level in LEVELS)
        or any(waiting_group.count for waiting_group in waiting)
        or compounds.items
    )
    return Board(
        today=iso(today),
        workday=ledger.calendar.is_workday(today),
        scope=Scope(community, subdistrict),
        items_in_scope=in_scope,
        ledger_items=ledger.conn.execute("SELECT count(*) FROM items").fetchone()[0],
        limit=limit,
        supervision=supervision,
        cards=cards,
        waiting_assignment=waiting[0],
        waiting_reply=waiting[1],
        waiting_rating=waiting[2],
        compounds=compounds,
        estimated_years=tuple(sorted(ledger.calendar.estimated_years)),
        nothing_due=nothing_due,
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
) -> Supervision:
    filters = _level_filters(ledger, today, community, subdistrict)
    groups: dict[str, Group] = {}
    per_unit: dict[int | None, dict[str, int]] = {}
    for level in LEVELS:
        where, params = filters[level]
        counts = ledger.conn.execute(
            "SELECT i.unit_id, count(*) FROM items i" + where + " GROUP BY i.unit_id", params
        ).fetchall()
        for unit_id, count in counts:
            per_unit.setdefault(unit_id, dict.fromkeys(LEVELS, 0))[level] = count
        groups[level] = Group(
            sum(count for _, count in counts),
            list_args(ledger, level),
            _items(ledger, today, where, params, "i.due_on, i.id", limit, None),
        )
    names = _unit_names(ledger, [unit_id for unit_id in per_unit if unit_id is not None])
    by_unit = [
        UnitLevels(
            names.get(unit_id) if unit_id is not None else NO_UNIT,
            **counts,
            total=sum(counts.values()),
        )
        for unit_id, counts in per_unit.items()
    ]
    # Most to chase first: by 严重超期, then 超期, then 预警, then name (未交办 last on ties).
    by_unit.sort(
        key=lambda row: (-row.severe, -row.overdue, -row.warning, row.unit is None, row.unit or "")
    )
    return Supervision(**groups, by_unit=tuple(by_unit))


def _cards(ledger: Ledger, today: date, community: str | None, subdistrict: str | None) -> Cards:
    """黄牌 / 红牌 counts (= ``list --card yellow|red``), in total and per unit."""
    totals: dict[str, CardCount] = {}
    per_unit: dict[int | None, dict[str, int]] = {}
    for card in ("red", "yellow"):
        chosen = filters.ItemFilter(community=community, subdistrict=subdistrict, card=card)
        where, params = filters.where_clause(ledger, chosen, today)
        counts = ledger.conn.execute(
            "SELECT i.unit_id, count(*) FROM items i" + where + " GROUP BY i.unit_id", params
        ).fetchall()
        for unit_id, count in counts:
            per_unit.setdefault(unit_id, {"red": 0, "yellow": 0})[card] = count
        totals[card] = CardCount(sum(count for _, count in counts), LIST_ARGS[card])
    names = _unit_names(ledger, [unit_id for unit_id in per_unit if unit_id is not None])
    by_unit = sorted(
        (
            UnitCards(names.get(unit_id) if unit_id is not None else NO_UNIT, **counts)
            for unit_id, counts in per_unit.items()
        ),
        key=lambda row: (-row.red, -row.yellow, row.unit is None, row.unit or ""),
    )
    return Cards(**totals, by_unit=tuple(by_unit))


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
) -> Group:
    """A group equal to a ``ledger list`` filter: its count and its ``limit`` oldest items."""
    where, params = filters.where_clause(ledger, wanted, today)
    count = ledger.conn.execute("SELECT count(*) FROM items i" + where, params).fetchone()[0]
    items = _items(ledger, today, where, params, order, limit, waited_from) if count else ()
    return Group(count, list_args(ledger, key), items)


def _items(
    ledger: Ledger,
    today: date,
    where: str,
    params: list[Any],
    order: str,
    limit: int,
    waited_from: str | None,
) -> tuple[Item, ...]:
    """Up to ``limit`` matching items in ``order`` (ids first, then names joined onto those
    only), each with the working days waited since ``waited_from`` (a date field)."""
    if limit <= 0:
        return ()
    sql = (
        ITEM_SELECT
        + f" WHERE i.id IN (SELECT i.id FROM items i{where} ORDER BY {order} LIMIT ?)"
        + f" ORDER BY {order}"
    )
    items = read_all(ledger, sql, [*params, limit], today)
    return tuple(_waited(ledger, item, today, waited_from) for item in items)


def _waited(ledger: Ledger, item: Item, today: date, waited_from: str | None) -> Item:
    """The item with the working days it has waited since ``waited_from``, if that is set."""
    since = getattr(item, waited_from) if waited_from else None
    if not since:
        return item
    day = date.fromisoformat(since)
    return replace(
        item,
        waited_workdays=max(ledger.calendar.workdays_between(day, today), 0),
        estimated=item.estimated or ledger.calendar.is_estimated(day, today),
    )


# --- per compound: what the building leader must speak to at the next 夜话 ----------------


def _compounds(
    ledger: Ledger, today: date, scope_where: str, scope_params: list[Any], limit: int
) -> Compounds:
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
    shown: list[Compound] = []
    for compound_id in ordered[:limit]:
        place_ids = places_of[compound_id]
        marks = ",".join("?" * len(place_ids))
        items = _items(
            ledger,
            today,
            where + f" AND i.place_id IN ({marks})",
            [*scope_params, *place_ids],
            "i.raised_on, i.id",
            limit,
            "raised_on",
        )
        name, community = compound_info[compound_id]
        shown.append(
            Compound(name, community, counts[compound_id], last_talk.get(compound_id), items)
        )
    return Compounds(len(counts), sum(counts.values()), tuple(shown))
