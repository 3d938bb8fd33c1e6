"""The area tree: 区县 → 街道 → 社区 → 小区 → 楼栋, and finding a place by what clerks type."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from ledger.domain.dates import iso
from ledger.domain.errors import Ambiguous, LedgerError, NotFound
from ledger.domain.labels import AREA_LEVEL, AREA_LEVELS
from ledger.domain.places import below_community
from ledger.domain.text import clean, strip_unsafe
from ledger.registry import edits as registry_edits
from ledger.registry import names as names_service
from ledger.registry.edits import RegistryEvent
from ledger.store.ledger_file import Ledger, new_uid

_SEPARATORS = re.compile(r"\s*[/／>]\s*")


def split_path(text: str) -> list[str]:
    """'任城区/古槐街道/铁塔寺社区' → its names, cleaned (:mod:`ledger.domain.text`), blanks dropped."""
    parts = (clean(part, "name", "区划名称") for part in _SEPARATORS.split(strip_unsafe(text)))
    return [part for part in parts if part]


# Paths are compared exactly, never with LIKE: a name may hold "_" or "%", which LIKE takes
# as wildcards (A_社区 would match AB社区), and LIKE ignores the case of Latin letters.
BELOW = "substr(path, 1, ?) = ?"
ENDS_WITH = "substr(path, -?) = ?"


def below(path: str) -> list[Any]:
    """Parameters for :data:`BELOW`: every place under ``path``."""
    prefix = path + "/"
    return [len(prefix), prefix]


def ends_with(suffix: str) -> list[Any]:
    """Parameters for :data:`ENDS_WITH`: every path ending in ``/suffix``."""
    tail = "/" + suffix
    return [len(tail), tail]


def add_path(ledger: Ledger, text: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Create the place at ``text`` and any missing ancestors; returns (place, created)."""
    names = split_path(text)
    if len(names) < 3:
        raise LedgerError(
            f"区划“{text}”至少要写到社区：区县/街道/社区[/小区[/楼栋]]，"
            "例如 任城区/古槐街道/铁塔寺社区"
        )
    if len(names) > len(AREA_LEVELS):
        raise LedgerError(f"区划“{text}”层级过多：最多 区县/街道/社区/小区/楼栋 五级")
    created: list[dict[str, Any]] = []
    parent_id = None
    row: dict[str, Any] = {}
    with ledger.transaction():
        for depth, name in enumerate(names):
            path = "/".join(names[: depth + 1])
            existing = ledger.conn.execute(
                "SELECT id FROM areas WHERE path = ?", (path,)
            ).fetchone()
            if existing:
                parent_id = existing[0]
                row = get(ledger, parent_id)
                continue
            row = {
                "uid": new_uid(),
                "parent_id": parent_id,
                "level": AREA_LEVELS[depth],
                "name": name,
                "path": path,
                "created_at": iso(ledger.now()),
            }
            parent_id = ledger.db["areas"].insert(row).last_pk
            row = get(ledger, parent_id)
            created.append(row)
    return row, created


def get(ledger: Ledger, area_id: int) -> dict[str, Any]:
    """One place by id."""
    found = ledger.conn.execute(
        "SELECT id, uid, parent_id, level, name, path FROM areas WHERE id = ?", (area_id,)
    ).fetchone()
    if found is None:
        raise NotFound(f"区划 {area_id} 不存在")
    return dict(zip(("id", "uid", "parent_id", "level", "name", "path"), found, strict=True))


def find(
    ledger: Ledger, text: str, level: str, *, within: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The one place of ``level`` named ``text`` (a name or a path suffix like 街道/社区)."""
    names = split_path(text)
    what = AREA_LEVEL.label(level)
    if not names:
        raise LedgerError(f"{what}名称不能为空")
    sql = "SELECT id FROM areas WHERE level = ? AND name = ?"
    params: list[Any] = [level, names[-1]]
    if len(names) > 1:
        sql += f" AND (path = ? OR {ENDS_WITH})"
        suffix = "/".join(names)
        params += [suffix, *ends_with(suffix)]
    if within is not None:
        sql += f" AND {BELOW}"
        params += below(within["path"])
    ids = [row[0] for row in ledger.conn.execute(sql + " ORDER BY path", params)]
    if not ids:
        # Not the full name: as clerks type it (铁塔寺, a part, tts / tietasi), see ledger.registry.names.
        everyone = ledger.conn.execute(
            "SELECT id, name, path FROM areas WHERE level = ?"
            + (f" AND {BELOW}" if within else "")
            + " ORDER BY path",
            [level, *(below(within["path"]) if within else [])],
        ).fetchall()
        if len(names) == 1:
            # A name it had before, exactly, comes first (铁塔寺小区 renamed 铁塔新苑).
            former = _by_former_name(ledger, names[0], level, within, exact=True)
            if former is not None:
                return former
            found = names_service.resolve(
                names[0],
                everyone,
                lambda row: row[1],
                what,
                shown=lambda row: row[2],
                qualified=_after_parent,
            )
            if found is not None:
                return get(ledger, found[0])
            former = _by_former_name(ledger, names[0], level, within)
            if former is not None:
                return former
        scope = f"“{within['name']}”下" if within else ""
        known = [row[1] for row in everyone[:12]]
        hint = names_service.did_you_mean(names[-1], [row[1] for row in everyone])
        if not hint:
            hint = f"；已有：{'、'.join(known)}" if known else "；请先用 ledger area add 添加"
        raise NotFound(f"{scope}没有名为“{text}”的{what}{hint}")
    if len(ids) > 1:
        paths = [get(ledger, area_id)["path"] for area_id in ids]
        raise Ambiguous(
            f"有 {len(ids)} 个{what}都叫“{text}”：{'；'.join(paths)}。"
            f"请写明上级，例如“{'/'.join(paths[0].split('/')[-2:])}”"
        )
    return get(ledger, ids[0])


def find_place(
    ledger: Ledger, community: dict[str, Any], compound: str | None, building: str | None
) -> dict[str, Any] | None:
    """The compound (or building in it) within a community, or None when neither is given."""
    if building and not compound:
        raise LedgerError("指定楼栋时请同时指定小区（--compound）")
    if not compound:
        return None
    place = find(ledger, compound, "compound", within=community)
    if building:
        place = find(ledger, building, "building", within=place)
    return place


def tree(ledger: Ledger) -> list[dict[str, Any]]:
    """Every place, in path order, with its depth and the open/total item counts below it."""
    rows = ledger.conn.execute(
        "SELECT id, uid, parent_id, level, name, path FROM areas ORDER BY path"
    ).fetchall()
    keys = ("id", "uid", "parent_id", "level", "name", "path")
    places = [dict(zip(keys, row, strict=True)) for row in rows]
    counts: dict[int, int] = dict(
        ledger.conn.execute(
            "SELECT community_id, count(*) FROM items WHERE status != 'voided' GROUP BY community_id"
        ).fetchall()
    )
    for place in places:
        place["depth"] = AREA_LEVELS.index(place["level"])
        place["items"] = counts.get(place["id"], 0) if place["level"] == "community" else None
    return places


def communities_under(ledger: Ledger, area: dict[str, Any]) -> list[int]:
    """Ids of the communities at or below a place."""
    if area["level"] == "community":
        return [area["id"]]
    rows = ledger.conn.execute(
        f"SELECT id FROM areas WHERE level = 'community' AND {BELOW}", below(area["path"])
    )
    return [row[0] for row in rows]


def rename(
    ledger: Ledger,
    text: str,
    new_name: str,
    *,
    level: str | None = None,
    at: date | datetime | None = None,
    note: str | None = None,
) -> tuple[dict[str, Any], RegistryEvent]:
    """Rename a place (a community, compound, building…): one event, the paths below follow.

    ``text`` is a path or a path's end (铁塔寺社区, 铁塔寺社区/铁塔寺小区), or any name
    :func:`find` accepts when ``level`` is given. A name taken by another place under the
    same parent is refused; the old name stays findable (search, ``--community 旧名``).
    """
    place = locate(ledger, text, level)
    name = clean(new_name, "name", "区划名称")
    if not name:
        raise LedgerError("新名称不能为空")
    if len(split_path(name)) != 1 or "/" in name:
        raise LedgerError(f"新名称“{new_name}”不能含有“/”：只写这一级的名称")
    what = AREA_LEVEL.label(place["level"])
    if name == place["name"]:
        raise LedgerError(f"{what}“{place['path']}”已经叫“{name}”")
    old_path = place["path"]
    new_path = "/".join([*old_path.split("/")[:-1], name])
    with ledger.transaction():
        taken = ledger.conn.execute(
            "SELECT level FROM areas WHERE path = ?", (new_path,)
        ).fetchone()
        if taken:
            raise LedgerError(f"同一上级下已有{AREA_LEVEL.label(taken[0])}“{new_path}”，不能重名")
        event = registry_edits.record(
            ledger, "area", place["id"], "rename", {"name": name}, at=at, note=note
        )
        assert event is not None  # the name differs: checked above
        # Below it, every path starts with the old one: rewrite the prefix (exact, no LIKE).
        ledger.conn.execute(
            f"UPDATE areas SET path = ? || substr(path, ?) WHERE id = ? OR {BELOW}",
            (new_path, len(old_path) + 1, place["id"], *below(old_path)),
        )
    return get(ledger, place["id"]), event


def locate(ledger: Ledger, text: str, level: str | None = None) -> dict[str, Any]:
    """The place a clerk means by a path, a path's end, or (with a level) a name."""
    if level is not None:
        return find(ledger, text, level)
    names = split_path(text)
    if not names:
        raise LedgerError("区划名称不能为空")
    joined = "/".join(names)
    rows = ledger.conn.execute(
        f"SELECT id FROM areas WHERE path = ? OR {ENDS_WITH} ORDER BY path",
        (joined, *ends_with(joined)),
    ).fetchall()
    if len(rows) == 1:
        return get(ledger, rows[0][0])
    if len(rows) > 1:
        paths = "；".join(get(ledger, row[0])["path"] for row in rows[:8])
        raise Ambiguous(f"有 {len(rows)} 个区划叫“{text}”：{paths}。请写明上级")
    if len(names) == 1:  # a name it had before, exactly (铁塔寺小区, renamed 铁塔新苑)
        former = {
            area_id
            for area_id, name in registry_edits.former_names(ledger, "area")
            if name == names[0]
        }
        if len(former) == 1:
            return get(ledger, former.pop())
    for candidate in ("community", "compound", "subdistrict", "county", "building"):
        try:
            return find(ledger, text, candidate)
        except NotFound:
            continue
    raise NotFound(f"没有名为“{text}”的区划（ledger area list 列出全部）")


def history(ledger: Ledger, place: dict[str, Any]) -> list[RegistryEvent]:
    """A place's renames, oldest first."""
    return registry_edits.events_of(ledger, "area", place["id"])


def _by_former_name(
    ledger: Ledger,
    typed: str,
    level: str,
    within: dict[str, Any] | None,
    *,
    exact: bool = False,
) -> dict[str, Any] | None:
    """The one place of ``level`` that was once called ``typed`` (as clerks type it:
    :mod:`ledger.registry.names`); old lists and old habits keep the old name."""
    known = registry_edits.former_names(ledger, "area")
    if not known:
        return None
    current = {
        row[0]: row[1]
        for row in ledger.conn.execute(
            "SELECT id, path FROM areas WHERE level = ?" + (f" AND {BELOW}" if within else ""),
            [level, *(below(within["path"]) if within else [])],
        )
    }
    rows = [(area_id, name) for area_id, name in known if area_id in current]
    if exact:
        found = {area_id for area_id, name in rows if name == typed}
    else:
        found = {area_id for area_id, _ in names_service.match(typed, rows, lambda row: row[1])}
    if len(found) > 1:
        listed = "、".join(current[area_id] for area_id in sorted(found))
        raise Ambiguous(
            f"“{typed}”曾是多个{AREA_LEVEL.label(level)}的名称：{listed}，请写出现在的名称"
        )
    return get(ledger, found.pop()) if found else None


def summary(ledger: Ledger, place: dict[str, Any]) -> dict[str, Any]:
    """A place's children's names and its items (all but voided; open: 待分办, 办理中)."""
    children = [
        row[0]
        for row in ledger.conn.execute(
            "SELECT name FROM areas WHERE parent_id = ? ORDER BY path", (place["id"],)
        )
    ]
    column = "community_id" if place["level"] == "community" else "place_id"
    if place["level"] in ("county", "subdistrict"):
        where, params = (
            f"community_id IN (SELECT id FROM areas WHERE {BELOW})",
            below(place["path"]),
        )
    elif place["level"] == "compound":
        where = f"place_id IN (SELECT id FROM areas WHERE id = ? OR {BELOW})"
        params = [place["id"], *below(place["path"])]
    else:
        where, params = f"{column} = ?", [place["id"]]
    total, still_open = ledger.conn.execute(
        f"SELECT count(*), coalesce(sum(status IN ('raised', 'assigned')), 0) FROM items "
        f"WHERE status != 'voided' AND {where}",
        params,
    ).fetchone()
    return {"children": children, "items": total, "open_items": still_open}


def short_path(ledger: Ledger, area_id: int) -> str:
    """小区/楼栋 of a place (what a clerk calls it inside its community)."""
    path = get(ledger, area_id)["path"]
    return "/".join(below_community(path)) or path


def _after_parent(row: tuple[Any, ...]) -> str:
    """A place's name written after its parent's, without a slash (古槐街道铁塔寺社区)."""
    return "".join(row[2].split("/")[-2:])
