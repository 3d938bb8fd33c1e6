"""Who handles items (承办单位 / 责任人): departments, the community, property, volunteers, people."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ledger.domain import text
from ledger.domain.dates import iso
from ledger.domain.errors import Ambiguous, LedgerError, NotFound
from ledger.domain.labels import UNIT_KIND
from ledger.domain.phones import normalise_phone
from ledger.registry import areas
from ledger.registry import edits as registry_edits
from ledger.registry import names as names_service
from ledger.registry.edits import RegistryEvent
from ledger.store.ledger_file import Ledger, new_uid

_COLUMNS = "u.id, u.uid, u.name, u.kind, u.phone, u.contact, u.area_id, a.path"
_KEYS = ("id", "uid", "name", "kind", "phone", "contact", "area_id", "area")


def _rows(ledger: Ledger, where: str = "", params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    sql = f"SELECT {_COLUMNS} FROM units u LEFT JOIN areas a ON a.id = u.area_id {where}"
    return [dict(zip(_KEYS, row, strict=True)) for row in ledger.conn.execute(sql, params)]


def add(
    ledger: Ledger,
    name: str,
    kind: str,
    *,
    phone: str | None = None,
    contact: str | None = None,
    area: str | None = None,
) -> dict[str, Any]:
    """Register a unit; ``area`` (any level) scopes a name that recurs, like 物业公司."""
    name = text.required(name, "name", "单位名称")
    contact = text.clean(contact, "person", "联系人")
    if len(areas.split_path(name)) > 1:  # "/" separates 区划/名称 when a unit is looked up
        raise LedgerError(f"单位名称“{name}”不能含有“/”（斜杠用于写明区划，如 古槐街道/物业公司）")
    kind_code = UNIT_KIND.parse(kind)
    area_row = _find_area(ledger, area) if area else None
    with ledger.transaction():
        area_id = area_row["id"] if area_row else None
        clash = ledger.conn.execute(
            "SELECT 1 FROM units WHERE name = ? AND area_id IS ?", (name, area_id)
        ).fetchone()
        if clash:
            raise LedgerError(f"承办单位“{name}”已存在")
        unit_id = (
            ledger.db["units"]
            .insert(
                {
                    "uid": new_uid(),
                    "name": name,
                    "kind": kind_code,
                    "phone": normalise_phone(phone) if phone else None,
                    "contact": contact,
                    "area_id": area_id,
                    "created_at": iso(ledger.now()),
                }
            )
            .last_pk
        )
    return get(ledger, unit_id)


def _find_area(ledger: Ledger, text: str) -> dict[str, Any]:
    names = areas.split_path(text)
    rows = ledger.conn.execute(
        f"SELECT id FROM areas WHERE name = ? AND (path = ? OR {areas.ENDS_WITH})",
        (names[-1], "/".join(names), *areas.ends_with("/".join(names))),
    ).fetchall()
    if not rows:
        raise NotFound(f"没有名为“{text}”的区划")
    if len(rows) > 1:
        paths = "；".join(areas.get(ledger, row[0])["path"] for row in rows)
        raise Ambiguous(f"有多个区划叫“{text}”：{paths}，请写明上级")
    return areas.get(ledger, rows[0][0])


def get(ledger: Ledger, unit_id: int) -> dict[str, Any]:
    """One unit by id."""
    rows = _rows(ledger, "WHERE u.id = ?", (unit_id,))
    if not rows:
        raise NotFound(f"承办单位 {unit_id} 不存在")
    return rows[0]


def all_units(ledger: Ledger) -> list[dict[str, Any]]:
    """Every unit with its open item count."""
    units = _rows(ledger, "ORDER BY u.kind, u.name")
    open_counts = dict(
        ledger.conn.execute(
            "SELECT unit_id, count(*) FROM items WHERE status IN ('raised', 'assigned') "
            "GROUP BY unit_id"
        ).fetchall()
    )
    for unit in units:
        unit["open_items"] = open_counts.get(unit["id"], 0)
    return units


def find(ledger: Ledger, text: str) -> dict[str, Any]:
    """The one unit named ``text`` (or 区划/名称 where the name recurs)."""
    names = areas.split_path(text)
    if not names:
        raise LedgerError("承办单位名称不能为空")
    candidates = _rows(ledger, "WHERE u.name = ? ORDER BY a.path", (names[-1],))
    if len(names) > 1:
        scope = "/".join(names[:-1])
        candidates = [u for u in candidates if u["area"] and f"/{scope}/" in f"/{u['area']}/"]
    if not candidates and len(names) == 1:
        # A name it had before, exactly, comes before the forms of current names: 住建局
        # renamed 区住建局 is still 住建局, not "the units whose name contains 住建局".
        former = _by_former_name(ledger, names[0], exact=True)
        if former is not None:
            return former
    if not candidates:
        everyone = _rows(ledger, "ORDER BY u.name")
        if len(names) == 1:  # not the full name: as clerks type it (see ledger.registry.names)
            found = names_service.resolve(
                names[0], everyone, lambda u: u["name"], "承办单位",
                shown=lambda u: f"{u['area']}/{u['name']}" if u["area"] else u["name"],
            )  # fmt: skip
            if found is not None:
                return found
            former = _by_former_name(ledger, names[0])
            if former is not None:
                return former
        known = "、".join(u["name"] for u in everyone[:12])
        hint = f"；已有：{known}" if known else ""
        close = names_service.did_you_mean(names[-1], [u["name"] for u in everyone])
        raise NotFound(f"没有名为“{text}”的承办单位（可用 ledger unit add 添加）{close or hint}")
    if len(candidates) > 1:
        listed = "；".join(f"{u['area'] or '（不限区划）'}/{u['name']}" for u in candidates)
        raise Ambiguous(f"有 {len(candidates)} 个承办单位叫“{text}”：{listed}。请写明区划")
    return candidates[0]


def _by_former_name(ledger: Ledger, typed: str, *, exact: bool = False) -> dict[str, Any] | None:
    """The one unit once called ``typed`` (exactly, or as clerks type it); None when none was."""
    known = registry_edits.former_names(ledger, "unit")
    if exact:
        found = {unit_id for unit_id, name in known if name == typed}
    else:
        found = {unit_id for unit_id, _ in names_service.match(typed, known, lambda row: row[1])}
    if len(found) > 1:
        listed = "、".join(get(ledger, unit_id)["name"] for unit_id in sorted(found))
        raise Ambiguous(f"“{typed}”曾是多个承办单位的名称：{listed}，请写出现在的名称")
    return get(ledger, found.pop()) if found else None


def _refuse_clash(ledger: Ledger, unit: dict[str, Any], name: str) -> None:
    """Refuse a new name another unit already has where the two could be confused: either
    is not scoped to a 区划, or one's 区划 holds the other's (two 物业公司 of two different
    subdistricts may share a name; a county-wide unit and one of its subdistrict's may not)."""

    def within(inner: str, outer: str) -> bool:
        return inner == outer or inner.startswith(outer + "/")

    mine = unit["area"]
    for other in _rows(ledger, "WHERE u.name = ? AND u.id != ?", (name, unit["id"])):
        theirs = other["area"]
        if mine is None or theirs is None or within(mine, theirs) or within(theirs, mine):
            scope = f"（{theirs}）" if theirs else ""
            raise LedgerError(f"已有承办单位叫“{name}”{scope}，不能重名")


def rename(
    ledger: Ledger,
    typed: str,
    new_name: str,
    *,
    at: date | datetime | None = None,
    note: str | None = None,
) -> tuple[dict[str, Any], RegistryEvent]:
    """Rename a unit (任城区城管局 → 任城区综合行政执法局): one event; the old name stays
    findable wherever a unit is typed, and reports of earlier months keep it."""
    unit = find(ledger, typed)
    name = text.required(new_name, "name", "单位名称")
    if len(areas.split_path(name)) > 1:
        raise LedgerError(f"单位名称“{name}”不能含有“/”")
    if name == unit["name"]:
        raise LedgerError(f"承办单位“{unit['name']}”已经叫这个名称")
    with ledger.transaction():
        _refuse_clash(ledger, unit, name)
        event = registry_edits.record(
            ledger, "unit", unit["id"], "rename", {"name": name}, at=at, note=note
        )
    assert event is not None
    return get(ledger, unit["id"]), event


def edit(
    ledger: Ledger,
    typed: str,
    *,
    kind: str | None = None,
    phone: str | None = None,
    contact: str | None = None,
    at: date | datetime | None = None,
    note: str | None = None,
) -> tuple[dict[str, Any], RegistryEvent | None]:
    """Change a unit's kind, phone or contact person: one event with the old and new values
    (None when every value given is the one it already has)."""
    unit = find(ledger, typed)
    new: dict[str, Any] = {}
    if kind is not None:
        new["kind"] = UNIT_KIND.parse(kind)
    if phone is not None:
        new["phone"] = normalise_phone(phone)
    if contact is not None:
        new["contact"] = text.required(contact, "person", "联系人")
    if not new:
        raise LedgerError(
            "请指定要修改的内容：--kind、--phone 或 --contact（改名用 ledger unit rename）"
        )
    with ledger.transaction():
        event = registry_edits.record(ledger, "unit", unit["id"], "edit", new, at=at, note=note)
    return get(ledger, unit["id"]), event


def history(ledger: Ledger, unit: dict[str, Any]) -> list[RegistryEvent]:
    """A unit's renames and edits, oldest first."""
    return registry_edits.events_of(ledger, "unit", unit["id"])


def open_items(ledger: Ledger, unit: dict[str, Any]) -> int:
    """How many items the unit handles now (待分办 or 办理中)."""
    row = ledger.conn.execute(
        "SELECT count(*) FROM items WHERE unit_id = ? AND status IN ('raised', 'assigned')",
        (unit["id"],),
    ).fetchone()
    return int(row[0])
