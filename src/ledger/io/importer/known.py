"""What reading a 台账 needs from the ledger: ids and paths of places, categories and meetings
loaded once, and the names a sheet writes (community, compound, building, unit) resolved
through the one resolver every command uses (:mod:`ledger.registry.names`, by way of
:func:`ledger.registry.areas.find` and :func:`ledger.registry.units.find`), each distinct
text once per import."""

from __future__ import annotations

import re

from ledger.domain.errors import Ambiguous, LedgerError
from ledger.io.importer import reading, words
from ledger.io.importer.values import Bad
from ledger.registry import areas, categories, units
from ledger.store.ledger_file import Ledger

# A cell holding a compound and then a building: 铁塔寺小区2号楼, 新兴小区西区A8楼.
_BUILDING_AT_END = re.compile(r"^(.+?)\s*([A-Za-z]?\d+[A-Za-z]?\s*(?:号楼|号|栋|幢|楼))$")


class _Shared(str):
    """Why a unit's name is several units' (the row's community may tell them apart)."""


class _Missing(str):
    """Why a unit's name is none of the ledger's."""


class Known:
    """The ledger's ids and names, loaded once; ``community``, ``unit`` and ``place`` read a
    sheet's text as the commands read what a clerk types."""

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
        self.communities: dict[str, list[int]] = {}  # name → ids, for titles that name one
        for area_id, level, name, path_text in conn.execute(
            "SELECT id, level, name, path FROM areas"
        ):
            self.area_path[area_id] = path_text
            self.area_name[area_id] = name
            if level == "community":
                self.communities.setdefault(name, []).append(area_id)
        self.unit_name: dict[int, str] = dict(conn.execute("SELECT id, name FROM units"))
        self.meetings: dict[tuple[int, str, str], int | None] = {}
        for meeting_id, community_id, held_on, kind in conn.execute(
            "SELECT id, community_id, held_on, kind FROM meetings"
        ):
            slot = (community_id, held_on, kind)
            self.meetings[slot] = None if slot in self.meetings else meeting_id  # None: 2 same day
        self.new_units: dict[str, str] = {}  # name → kind, for units the ledger lacks
        self._community_cache: dict[str, int | str] = {}
        self._category_cache: dict[str, str | Bad] = {}
        self._unit_cache: dict[str, int | _Shared | _Missing] = {}
        self._scoped_cache: dict[tuple[str, int], int | _Shared] = {}
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
        """A community id, or the sentence saying why ``text`` names none (or several): read
        as ``ledger add --community`` reads it (:func:`ledger.registry.areas.find`)."""
        cached = self._community_cache.get(text)
        if cached is None:
            try:
                cached = int(areas.find(self.ledger, text, "community")["id"])
            except LedgerError as error:
                cached = str(error)
            self._community_cache[text] = cached
        return cached

    def category(self, text: str) -> str:
        """A category's code, read as ``ledger add --category`` reads it; Bad when unknown."""
        found = self._category_cache.get(text)
        if found is None:
            try:
                found = categories.parse(self.ledger, text)
            except LedgerError as error:
                found = Bad(str(error))
            self._category_cache[text] = found
        if isinstance(found, Bad):
            raise found
        return found

    def unit(self, text: str, community_id: int) -> int | str:
        """A unit id, read as ``ledger assign --unit`` reads it (:func:`units.find`); a name
        several units share is taken as 区划/名称 with the row's community, then its 街道,
        then its 区县. A name the ledger lacks becomes a unit to create (returned as str)."""
        found = self._unit_cache.get(text)
        if found is None:
            try:
                found = int(units.find(self.ledger, text)["id"])
            except Ambiguous as error:
                found = _Shared(str(error))
            except LedgerError as error:
                found = _Missing(str(error))
            self._unit_cache[text] = found
        if type(found) is int:
            return found
        if type(found) is _Missing:
            if len(areas.split_path(text)) > 1:  # 区划/名称 of a unit the ledger lacks
                raise Bad(found)
            if len(text) > 50:
                raise Bad(f"承办单位名称过长（{len(text)} 字）")
            self.new_units.setdefault(text, words.guess_unit_kind(text))
            return text
        return self._scoped_unit(text, community_id, found)

    def _scoped_unit(self, text: str, community_id: int, shared: str) -> int:
        key = (text, community_id)
        found = self._scoped_cache.get(key)
        if found is None:
            scopes = self.area_path[community_id].split("/")[::-1]  # the nearest first
            for scope in scopes:
                try:
                    found = int(units.find(self.ledger, f"{scope}/{text}")["id"])
                    break
                except LedgerError:
                    continue
            else:
                found = _Shared(shared)
            self._scoped_cache[key] = found
        if type(found) is _Shared:
            raise Bad(found)
        return found

    def place(
        self, community_id: int, compound: str | None, building: str | None
    ) -> tuple[int | None, str | None]:
        """The compound (or building) within the community, read as ``ledger add
        --compound/--building`` reads them (:func:`areas.find_place`); a name the area tree
        lacks is reported as a notice and the item is kept at community level."""
        key = (community_id, compound, building)
        cached = self._place_cache.get(key)
        if cached is None:
            community = areas.get(self.ledger, community_id)
            try:
                found = areas.find_place(self.ledger, community, compound, building)
                cached = (found["id"] if found else None, None)
            except LedgerError:
                cached = (None, "/".join(name for name in (compound, building) if name))
                both = _BUILDING_AT_END.match(compound or "") if not building else None
                if both:  # 铁塔寺小区2号楼: a compound and a building written in one cell
                    cached = self.place(community_id, both.group(1), both.group(2))
                    cached = cached if cached[1] is None else (None, compound)
            self._place_cache[key] = cached
        return cached

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
