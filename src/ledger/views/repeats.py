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

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ledger.domain.errors import LedgerError
from ledger.domain.labels import STATUS
from ledger.registry import places
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
    from rapidfuzz import fuzz  # only when an item is added

    left, right = _pairs(a, place_names or []), _pairs(b, place_names or [])
    if not left or not right:
        return 0.0
    return float(fuzz.token_set_ratio(left, right))


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
            f"SELECT name FROM areas WHERE level IN ('compound', 'building') AND {places.BELOW}",
            places.below(places.get(ledger, community_id)["path"]),
        )
    ]
    names.sort(key=len, reverse=True)  # 10号楼 before 1号楼
    found: list[Candidate] = []
    for item_id, number, other, day, status, unit, who, tel, other_place in rows:
        why = None
        if reporter and who == reporter:
            why = "同一反映人"
        elif phone and tel == phone:
            why = "同一电话"
        elif compound is not None:
            other_compound, other_building = _compound_and_building(ledger, other_place)
            if other_compound == compound and (
                building is None or other_building is None or other_building == building
            ):
                why = "同一楼栋" if building and other_building == building else "同一小区"
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
