"""What reading a 台账 needs from the ledger, loaded once: communities, places, units,
categories and meetings, with each distinct name resolved once per import."""

from __future__ import annotations

from ledger.domain.errors import LedgerError
from ledger.io.importer import reading, values
from ledger.io.importer.values import Bad
from ledger.store.ledger_file import Ledger


class Lookups:
    """The ledger's names and ids, loaded once; ``community``, ``unit`` and ``place``
    resolve a sheet's text against them."""

    def __init__(self, ledger: Ledger, source: reading.Source, community: str | None) -> None:
        self.ledger = ledger
        self.source = source
        self.now = ledger.now().replace(microsecond=0)
        self.today = self.now.date()
        self.calendar = ledger.calendar
        conn = ledger.conn
        self.small_days = ledger.setting("small_days")
        self.big_days = ledger.setting("big_days")
        self.area_path: dict[int, str] = {}
        self.area_name: dict[int, str] = {}
        self.communities: dict[str, list[int]] = {}
        self.children: dict[tuple[int, str], int] = {}  # (parent id, name) → compound/building
        for area_id, parent_id, level, name, path_text in conn.execute(
            "SELECT id, parent_id, level, name, path FROM areas"
        ):
            self.area_path[area_id] = path_text
            self.area_name[area_id] = name
            if level == "community":
                self.communities.setdefault(name, []).append(area_id)
            elif level in ("compound", "building") and parent_id is not None:
                self.children[(parent_id, name)] = area_id
        self.units: dict[str, list[tuple[int, str | None]]] = {}
        self.unit_name: dict[int, str] = {}
        for unit_id, name, area in conn.execute(
            "SELECT u.id, u.name, a.path FROM units u LEFT JOIN areas a ON a.id = u.area_id"
        ):
            self.units.setdefault(name, []).append((unit_id, area))
            self.unit_name[unit_id] = name
        self.categories: dict[str, str] = {}
        category_labels = []
        for code, label in conn.execute("SELECT code, label FROM categories ORDER BY position"):
            self.categories[code] = code
            self.categories[label] = code
            category_labels.append(label)
        self.category_choices = "、".join(category_labels)
        self.meetings: dict[tuple[int, str, str], int | None] = {}
        for meeting_id, community_id, held_on, kind in conn.execute(
            "SELECT id, community_id, held_on, kind FROM meetings"
        ):
            slot = (community_id, held_on, kind)
            self.meetings[slot] = None if slot in self.meetings else meeting_id  # None: 2 same day
        self.new_units: dict[str, str] = {}  # name → kind, for units the ledger lacks
        self._community_cache: dict[str, int | str] = {}
        self._unit_cache: dict[tuple[str, int], int | str] = {}
        self._place_cache: dict[
            tuple[int, str | None, str | None], tuple[int | None, str | None]
        ] = {}
        self.default_community: int | None = None
        self.default_note: str | None = None
        self._asked_community = False
        if community:
            found = self.community(community)
            if isinstance(found, str):
                raise LedgerError(found)
            self.default_community = found
        elif sum(len(ids) for ids in self.communities.values()) == 1:
            # A community's own ledger: every row belongs to its one community.
            self.default_community = next(iter(self.communities.values()))[0]
            self.default_note = self.area_name[self.default_community]

    # lookups (each distinct text is resolved once)

    def meeting(self, community_id: int, held_on: str, kind: str, host: str | None) -> int | None:
        """The ledger's meeting of that community, day and kind; of two on one day, the one
        with the same host (else the first recorded)."""
        slot = (community_id, held_on, kind)
        if slot not in self.meetings:
            return None
        found = self.meetings[slot]
        if found is not None:
            return found
        row = self.ledger.conn.execute(
            "SELECT id FROM meetings WHERE community_id = ? AND held_on = ? AND kind = ? "
            "ORDER BY host IS ? DESC, id LIMIT 1",
            (community_id, held_on, kind, host),
        ).fetchone()
        return int(row[0])

    def community(self, text: str) -> int | str:
        """A community id, or the sentence saying why ``text`` names none (or several)."""
        cached = self._community_cache.get(text)
        if cached is not None:
            return cached
        names = [n for n in text.replace("／", "/").split("/") if n.strip()]
        name = names[-1].strip() if names else text.strip()
        ids = self.communities.get(name) or self.communities.get(name + "社区") or []
        if not ids:  # 古槐街道铁塔寺社区: a known community's name at the end
            ends = [n for n in self.communities if name.endswith(n) and len(n) >= 2]
            if ends:
                longest = max(ends, key=len)
                ids = self.communities[longest]
        if len(ids) > 1:  # 济阳街道/铁塔寺社区, 古槐街道铁塔寺社区: the parents tell them apart
            flat = "".join(n.strip() for n in names)
            narrowed = [
                i for i in ids if self.area_path[i].replace("/", "").endswith((flat, flat + "社区"))
            ]
            ids = narrowed or ids
        result: int | str
        if len(ids) == 1:
            result = ids[0]
        elif not ids:
            known = "、".join(sorted(self.communities)[:12])
            hint = (
                f"；台账中的社区：{known}"
                if known
                else "；请先用 ledger area add 或 import areas 添加区划"
            )
            result = f"台账中没有社区“{text}”{hint}"
        else:
            paths = "；".join(self.area_path[i] for i in ids)
            result = f"有 {len(ids)} 个社区叫“{text}”：{paths}；请写明街道，如“街道/社区”"
        self._community_cache[text] = result
        return result

    def unit(self, text: str, community_id: int) -> int | str:
        """A unit id; a name not in the ledger becomes a unit to create (returned as str)."""
        key = (text, community_id)
        cached = self._unit_cache.get(key)
        if cached is not None:
            return cached
        candidates = self.units.get(text, [])
        if len(candidates) > 1:
            community_path = self.area_path[community_id] + "/"
            scoped = [c for c in candidates if c[1] and community_path.startswith(c[1] + "/")]
            unscoped = [c for c in candidates if not c[1]]
            candidates = scoped if len(scoped) == 1 else (scoped if scoped else unscoped)
        result: int | str
        if len(candidates) == 1:
            result = candidates[0][0]
        elif not candidates:
            if len(text) > 50:
                raise Bad(f"承办单位名称过长（{len(text)} 字）")
            self.new_units.setdefault(text, values.guess_unit_kind(text))
            result = text
        else:
            raise Bad(f"有 {len(candidates)} 个承办单位叫“{text}”，无法确定是哪一个")
        self._unit_cache[key] = result
        return result

    def place(
        self, community_id: int, compound: str | None, building: str | None
    ) -> tuple[int | None, str | None]:
        """The compound (or building) within the community; a name not in the area tree is
        reported as a notice and the item is kept at community level."""
        key = (community_id, compound, building)
        cached = self._place_cache.get(key)
        if cached is not None:
            return cached
        place: int | None = None
        missing: str | None = None
        if compound:
            place = self.children.get((community_id, compound))
            rest = ""
            if place is None:  # 铁塔寺小区3号楼: a known compound and a building in one cell
                known = [
                    n
                    for (parent, n), _ in self.children.items()
                    if parent == community_id and compound.startswith(n)
                ]
                if known:
                    name = max(known, key=len)
                    place = self.children[(community_id, name)]
                    rest = compound[len(name) :].strip()
            if place is None:
                missing = compound
            building = building or rest or None
        if place is not None and building:
            found = None
            for candidate in (building, building + "号楼", building + "楼"):
                found = self.children.get((place, candidate))
                if found:
                    break
            if found:
                place = found
            else:
                missing = f"{compound}/{building}"
        result = (place, missing)
        self._place_cache[key] = result
        return result

    def _named_community(self, texts: list[str]) -> int | None:
        """The one community whose name appears in a sheet's title rows, name or file name
        (the longest name found wins: 铁塔寺社区 over 铁塔寺)."""
        for text in texts:
            found: dict[int, int] = {}  # community id → length of its name
            for name, ids in self.communities.items():
                if name in text:
                    for community_id in ids:
                        found[community_id] = len(name)
            if found:
                longest = max(found.values())
                best = [i for i, length in found.items() if length == longest]
                if len(best) == 1:
                    return best[0]
        return None
