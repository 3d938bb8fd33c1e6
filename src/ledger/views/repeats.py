"""重复反映 (repeat complaints): finding the earlier item a new one may raise again.

In 12345 practice a repeat complaint is 同人+同事 — the same resident, or the same place,
about the same matter — and it is watched because it means the first handling did not hold.
An earlier item is a **candidate** for a new one when all of these hold:

- same community;
- same resident (the same name, or the same phone: a resident with two phones is still
  found by name) **or** same place (the same compound, and the same building when both
  name one);
- similar text: the titles, with the place names taken out (so "3号楼" alone makes no two
  matters alike), score at least :data:`SIMILARITY` with rapidfuzz's ``token_set_ratio``
  over their character pairs;
- raised on or before the new item's day, at most ``repeat_days`` days earlier (a setting,
  default 90), in any status but 已作废.

A repeat is its own item (its own date, resident and meeting) whose ``repeat_of`` names the
original; ``link`` and ``unlink`` events set and clear it, so undo works on them too.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ledger.domain.errors import LedgerError
from ledger.domain.labels import STATUS
from ledger.registry import areas
from ledger.store import fulltext
from ledger.store.ledger_file import Ledger

SIMILARITY = 60  # token_set_ratio (0–100) over character pairs; checked by hand in the tests


@dataclass(frozen=True)
class Candidate:
    """An earlier item the new one may repeat."""

    id: int
    number: int
    title: str
    raised_on: str
    status: str
    unit: str | None
    score: float
    why: str  # 同一反映人 / 同一电话 / 同一小区 / 同一楼栋

    def describe(self) -> str:
        """第 23 号（2026-10-13，3号楼楼顶漏水，办理中，济宁市住建局）."""
        parts = [self.raised_on, self.title, STATUS.label(self.status)]
        if self.unit:
            parts.append(self.unit)
        return f"第 {self.number} 号（{'，'.join(parts)}）"

    def as_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "title": self.title,
            "raised_on": self.raised_on,
            "status": self.status,
            "unit": self.unit,
            "score": round(self.score, 1),
            "why": self.why,
        }


def _pairs(text: str, place_names: list[str]) -> str:
    for name in place_names:
        if name:
            text = text.replace(name, " ")
    return " ".join(pair for run in fulltext.runs(text) for pair in fulltext.bigrams(run))


def similarity(a: str, b: str, place_names: list[str] | None = None) -> float:
    """0–100: how alike two titles are, over their character pairs, place names taken out."""
    return _score(_pairs(a, place_names or []), _pairs(b, place_names or []))


def _score(left: str, right: str) -> float:
    from rapidfuzz import fuzz  # only when an item is added or imported

    if not left or not right:
        return 0.0
    return float(fuzz.token_set_ratio(left, right))


def _why(
    reporter: str | None,
    phone: str | None,
    place: tuple[int | None, int | None],
    who: str | None,
    tel: str | None,
    other_place: Callable[[], tuple[int | None, int | None]],
) -> str | None:
    """Why an earlier item is the same resident's or the same place's, or None: the same
    name, else the same phone, else the same compound (and building when both name one)."""
    if reporter and who == reporter:
        return "同一反映人"
    if phone and tel == phone:
        return "同一电话"
    compound, building = place
    if compound is not None:
        other_compound, other_building = other_place()
        if other_compound == compound and (
            building is None or other_building is None or other_building == building
        ):
            return "同一楼栋" if building and other_building == building else "同一小区"
    return None


def _compound_and_building(ledger: Ledger, place_id: int | None) -> tuple[int | None, int | None]:
    if place_id is None:
        return None, None
    level, parent = ledger.conn.execute(
        "SELECT level, parent_id FROM areas WHERE id = ?", (place_id,)
    ).fetchone()
    return (parent, place_id) if level == "building" else (place_id, None)


def candidates(
    ledger: Ledger,
    *,
    title: str,
    community_id: int,
    place_id: int | None,
    reporter: str | None,
    phone: str | None,
    raised_on: date,
    exclude: int | None = None,
) -> list[Candidate]:
    """Earlier items the described one may repeat, most similar first."""
    earliest = raised_on - timedelta(days=ledger.setting("repeat_days"))
    compound, building = _compound_and_building(ledger, place_id)
    rows = ledger.conn.execute(
        "SELECT i.id, i.number, i.title, i.raised_on, i.status, u.name, i.reporter, i.phone,"
        " i.place_id FROM items i LEFT JOIN units u ON u.id = i.unit_id"
        " WHERE i.community_id = ? AND i.raised_on BETWEEN ? AND ? AND i.status != 'voided'"
        " AND i.id IS NOT ? ORDER BY i.raised_on DESC, i.number DESC",
        (community_id, earliest.isoformat(), raised_on.isoformat(), exclude),
    ).fetchall()
    names = [
        row[0]
        for row in ledger.conn.execute(
            f"SELECT name FROM areas WHERE level IN ('compound', 'building') AND {areas.BELOW}",
            areas.below(areas.get(ledger, community_id)["path"]),
        )
    ]
    names.sort(key=len, reverse=True)  # 10号楼 before 1号楼
    found: list[Candidate] = []
    for item_id, number, other, day, status, unit, who, tel, other_place in rows:
        why = _why(
            reporter, phone, (compound, building), who, tel,
            lambda place=other_place: _compound_and_building(ledger, place),
        )  # fmt: skip
        if why is None:
            continue
        score = similarity(title, other, names)
        if score >= SIMILARITY:
            found.append(Candidate(item_id, number, other, day, status, unit, score, why))
    found.sort(key=lambda c: (-c.score, c.raised_on), reverse=False)
    return found


class RepeatSuspected(LedgerError):
    """A new item looks like a repeat and no decision was given (a script, no terminal)."""

    def __init__(self, found: list[Candidate]) -> None:
        self.candidates = found
        listed = "；".join(c.describe() for c in found[:5])
        more = f"等 {len(found)} 件" if len(found) > 5 else ""
        first = found[0].number
        super().__init__(
            f"可能是重复反映：{listed}{more}。登记为第 {first} 号的重复反映请加 --repeat-of {first}；"
            "确实是新问题请加 --new"
        )


def original_of(ledger: Ledger, number: int, *, before: str | None = None) -> dict[str, Any]:
    """The item a repeat is linked to, by number: a repeat of a repeat goes to its original."""
    row = ledger.conn.execute(
        "SELECT id, number, status, raised_on, repeat_of FROM items WHERE number = ?", (number,)
    ).fetchone()
    if row is None:
        raise LedgerError(f"问题 {number} 不存在，不能作为原问题")
    item_id, number, status, raised_on, repeat_of = row
    if repeat_of is not None:  # link to the first raising, so figures count one chain
        item_id, number, status, raised_on = ledger.conn.execute(
            "SELECT id, number, status, raised_on FROM items WHERE id = ?", (repeat_of,)
        ).fetchone()
    if status == "voided":
        raise LedgerError(f"问题 {number} 已作废，不能作为原问题")
    if before is not None and raised_on > before:
        raise LedgerError(f"问题 {number} 反映于 {raised_on}，晚于本问题，不能作为其原问题")
    return {"id": item_id, "number": number}


def repeats_of(ledger: Ledger, item_id: int) -> list[dict[str, Any]]:
    """The repeats linked to an item: who raised it again, when, at which meeting."""
    cursor = ledger.conn.execute(
        "SELECT i.number, i.raised_on, i.reporter, m.number AS meeting, m.kind AS meeting_kind,"
        " i.status, i.title FROM items i LEFT JOIN meetings m ON m.id = i.meeting_id"
        " WHERE i.repeat_of = ? AND i.status != 'voided' ORDER BY i.raised_on, i.number",
        (item_id,),
    )
    keys = [d[0] for d in cursor.description]
    return [dict(zip(keys, row, strict=True)) for row in cursor.fetchall()]


# --- many new items at once (import) -------------------------------------------------------


@dataclass(slots=True)
class Probe:
    """An item as repeat detection compares it: one of the ledger's (with its number) or one
    being imported (``key``: what the caller knows it by, such as its sheet and row)."""

    key: Hashable
    title: str
    community_id: int
    place_id: int | None
    reporter: str | None
    phone: str | None
    raised_on: str
    number: int | None = None
    status: str | None = None
    unit: str | None = None
    pairs: str | None = field(default=None, repr=False)  # the title's pairs, once


@dataclass(frozen=True)
class Suspect:
    """A new item that looks like a repeat of an earlier one (never linked by itself)."""

    new: Probe
    original: Probe  # in the ledger (``number`` set) or earlier among the new ones
    score: float
    why: str


def among(ledger: Ledger, new: list[Probe]) -> list[Suspect]:
    """The new items (not yet in the ledger) that look like repeats of an item already in it
    or of a new one before them (by day raised, then as given): for each, its most similar
    earlier item, by the rules of :func:`candidates`.

    One pass: the ledger's items of the window are read once, and every item is looked up
    only among those of its community with the same resident, phone or compound.
    """
    if not new:
        return []
    days = ledger.setting("repeat_days")
    first = min(p.raised_on for p in new)
    earliest = (date.fromisoformat(first) - timedelta(days=days)).isoformat()
    communities = {p.community_id for p in new}
    old = [
        Probe(("item", number), title, community, place, who, tel, day, number, status, unit)
        for number, title, community, place, who, tel, day, status, unit in ledger.conn.execute(
            "SELECT i.number, i.title, i.community_id, i.place_id, i.reporter, i.phone,"
            " i.raised_on, i.status, u.name FROM items i LEFT JOIN units u ON u.id = i.unit_id"
            " WHERE i.raised_on BETWEEN ? AND ? AND i.status != 'voided'",
            (earliest, max(p.raised_on for p in new)),
        )
        if community in communities
    ]
    area_of, names = _places(ledger, communities)
    index: dict[tuple[Any, ...], list[Probe]] = {}
    windows: dict[str, str] = {}  # day raised → the earliest day its repeats look back to
    found: list[Suspect] = []
    ordered = sorted(
        [(p.raised_on, 0, n, p) for n, p in enumerate(old)]
        + [(p.raised_on, 1, n, p) for n, p in enumerate(new)]
    )
    nowhere = area_of(None)
    for day, is_new, _, probe in ordered:
        place = nowhere if probe.place_id is None else area_of(probe.place_id)
        community = probe.community_id
        keys = []  # the same resident, phone or compound, in that order
        if probe.reporter:
            keys.append((community, "who", probe.reporter))
        if probe.phone:
            keys.append((community, "tel", probe.phone))
        if place[0]:
            keys.append((community, "at", place[0]))
        if is_new and any(key in index for key in keys):  # (else nothing earlier to compare)
            window = windows.get(day)
            if window is None:  # a few hundred days for many thousand items: each once
                window = windows[day] = (date.fromisoformat(day) - timedelta(days=days)).isoformat()
            best = _best(probe, place, keys, index, window, area_of, names)
            if best is not None:
                found.append(best)
        for key in keys:
            index.setdefault(key, []).append(probe)
    order = {id(p): n for n, p in enumerate(new)}
    found.sort(key=lambda s: order[id(s.new)])
    return found


def _best(
    probe: Probe,
    place: tuple[int | None, int | None],
    keys: list[tuple[Any, ...]],
    index: dict[tuple[Any, ...], list[Probe]],
    window: str,
    area_of: Callable[[int | None], tuple[int | None, int | None]],
    names: dict[int, list[str]],
) -> Suspect | None:
    """The most similar earlier item of the same resident, phone or place (the earliest of
    equal scores), or None."""
    seen: set[int] = set()
    best: Suspect | None = None
    for key in keys:
        for other in reversed(index.get(key, ())):
            if other.raised_on < window:
                break  # each list is in the order raised
            if id(other) in seen:
                continue
            seen.add(id(other))
            why = _why(
                probe.reporter, probe.phone, place, other.reporter, other.phone,
                lambda other=other: area_of(other.place_id),
            )  # fmt: skip
            if why is None:
                continue
            score = _score(_title_pairs(probe, names), _title_pairs(other, names))
            if score >= SIMILARITY and (
                best is None or (score, best.original.raised_on) > (best.score, other.raised_on)
            ):
                best = Suspect(probe, other, score, why)
    return best


def _title_pairs(probe: Probe, names: dict[int, list[str]]) -> str:
    if probe.pairs is None:
        probe.pairs = _pairs(probe.title, names.get(probe.community_id, []))
    return probe.pairs


def _places(
    ledger: Ledger, communities: set[int]
) -> tuple[Callable[[int | None], tuple[int | None, int | None]], dict[int, list[str]]]:
    """Each place's (compound, building), and each community's compound and building names
    (longest first: 10号楼 before 1号楼), read once."""
    paths = {
        path: area_id
        for area_id, path in ledger.conn.execute(
            "SELECT id, path FROM areas WHERE level = 'community'"
        )
        if area_id in communities
    }
    levels: dict[int, tuple[str, int | None]] = {}
    names: dict[int, list[str]] = {}
    for area_id, level, parent, name, path in ledger.conn.execute(
        "SELECT id, level, parent_id, name, path FROM areas WHERE level IN ('compound', 'building')"
    ):
        levels[area_id] = (level, parent)
        community = paths.get("/".join(path.split("/")[:3]))
        if community is not None:
            names.setdefault(community, []).append(name)
    for found in names.values():
        found.sort(key=len, reverse=True)

    def area_of(place_id: int | None) -> tuple[int | None, int | None]:
        if place_id is None or place_id not in levels:
            return None, None
        level, parent = levels[place_id]
        return (parent, place_id) if level == "building" else (place_id, None)

    return area_of, names
