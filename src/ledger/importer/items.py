"""``ledger import items``: an existing 台账 sheet becomes items with their whole history.

Every row is read and checked first; nothing is written while any row has a problem (unless
``skip_bad``). A row's status (已办结, 已回复, 满意 …) and its dated columns are turned back
into the events that would have been recorded — 登记 on the day raised, 交办, 办结, 答复, 评价
each on its own date — so the imported items count in the past months' reports exactly as if
they had been kept in the ledger from the start. All rows go in one transaction, as a few
batched INSERTs: ids and numbers are allocated up front, places, units and categories come
from dictionaries loaded once, and no row costs a SELECT.

A row's import key is a hash of what identifies the matter — community, date raised, title,
reporter, phone — not of the file: the same row imported again, from this file or from a CSV
copy of it, or already typed in by hand, is recognised and not added twice.
"""

from __future__ import annotations

import gc
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any

from ledger import text as free_text
from ledger.dates import iso
from ledger.errors import LedgerError
from ledger.importer import headers, reading, rows, table, values
from ledger.importer.report import BadRow, Report, refusal, write_bad_rows
from ledger.importer.values import Bad
from ledger.items import MAX_TITLE
from ledger.labels import RATING, SCALE, SOURCE, STATUS, UNIT_KIND
from ledger.lifecycle import EMPTY_STATE, STATE_FIELDS
from ledger.storage import Ledger

Progress = Callable[[str, int, int | None], None]

BATCH = 2000
BULK_ROWS = 5000  # from this many new items on, indexes are rebuilt rather than grown
PREVIEW_ROWS = 10
_STAGE = {"raised": 0, "assigned": 1, "resolved": 2, "declined": 2, "replied": 3, "closed": 4}
_STAGE_DATES = ("raised_on", "assigned_on", "resolved_on", "replied_on", "rated_on")
NO_RESULT = "（原台账未填写办理结果）"
NO_REASON = "（原台账未填写不予办理理由）"
NO_REPLY = "（原台账未填写答复内容）"
NO_RATING_NOTE = "原台账已归档，未记录评价"


@dataclass(slots=True)
class Record:
    """One good row, parsed: everything needed to write the item and its events."""

    sheet: str
    row: int
    key: str
    title: str
    community_id: int
    place_id: int | None
    meeting_id: int | None
    source: str
    category: str
    scale: str
    reporter: str | None
    phone: str | None
    unit: int | str | None  # an id, or the name of a unit to create
    raised: date
    due: date
    assigned: date | None
    progress: str | None
    finish: str | None  # resolve, decline
    finished: date | None
    result: str | None
    replied: date | None
    reply_text: str | None
    channel: str | None
    end: str | None  # rate, close
    closed: date | None
    rating: str | None
    note: str | None
    status: str
    flags: int = 0  # PHONE_REPAIRED, and 1 << stage for each step dated from a neighbour
    place_note: str | None = None  # a 小区/楼栋 the area tree does not have


PHONE_REPAIRED = 1
_STATUS_AT = ("raised", "assigned", "resolved", "replied", "closed")
_STATUS_CHOICES = "待分办、办理中、已办结、不予办理、已回复、已归档、满意 等"
_CHANNELS = "当面、电话、微信、会议通报"
_SOURCES, _SCALES, _RATINGS = SOURCE.describe(), SCALE.describe(), RATING.describe()
_MISSING = object()


class _Message(str):
    """A cached refusal (a word already found unknown)."""


@dataclass(slots=True)
class _Plan:
    """The steps a row's item went through, from its status and dated columns."""

    stage: int
    status: str
    unit: int | str | None
    assigned: date | None
    progress: str | None
    finish: str | None
    finished: date | None
    result: str | None
    replied: date | None
    reply_text: str | None
    end: str | None
    closed: date | None
    rating: str | None
    filled: int  # 1 << stage for each step whose date came from a neighbouring step

    def record(
        self,
        sheet: str,
        row: int,
        key: str,
        title: str,
        community_id: int,
        place_id: int | None,
        meeting_id: int | None,
        source: str,
        category: str,
        scale: str,
        reporter: str | None,
        phone: str | None,
        raised: date,
        due: date,
        channel: str | None,
        note: str,
        flags: int,
        place_note: str | None,
    ) -> Record:
        return Record(
            sheet, row, key, title, community_id, place_id, meeting_id, source, category,
            scale, reporter, phone, self.unit, raised, due, self.assigned, self.progress,
            self.finish, self.finished, self.result, self.replied, self.reply_text,
            channel if self.replied else None, self.end, self.closed, self.rating, note,
            self.status, flags | self.filled, place_note,
        )  # fmt: skip


def _clean(value: Any) -> str | None:
    """A cell as text, None when blank or a placeholder such as “/” or “无”."""
    if value is None:
        return None
    if type(value) is str:
        text = value.strip()
        if text and not text.isprintable():
            text = values.text(text) or ""
    else:
        text = values.text(value) or ""
    if not text or (len(text) <= 4 and text.lower() in values.NULL_TOKENS):
        return None
    return text


def import_items(
    ledger: Ledger,
    path: Path | str,
    *,
    sheets: list[str] | None = None,
    community: str | None = None,
    mapping: list[str] | None = None,
    dry_run: bool = False,
    skip_bad: bool = False,
    bad_file: Path | None = None,
    progress: Progress | None = None,
) -> Report:
    """Import the problems listed in a spreadsheet; returns what was (or would be) done.

    Raises :class:`ImportRefused` (listing every problem) when any row is wrong and
    ``skip_bad`` is not set; then nothing is written.
    """
    overrides = headers.parse_overrides(mapping, headers.ITEMS)
    source_path = Path(path)
    collecting = gc.isenabled()
    # Every record read stays alive until written: the collector would only rescan them.
    gc.disable()
    try:
        return _import(
            ledger, source_path, overrides, sheets, community, dry_run, skip_bad, bad_file, progress
        )
    finally:
        if collecting:
            gc.enable()


def _import(
    ledger: Ledger,
    source_path: Path,
    overrides: dict[str, str],
    sheets: list[str] | None,
    community: str | None,
    dry_run: bool,
    skip_bad: bool,
    bad_file: Path | None,
    progress: Progress | None,
) -> Report:
    with reading.open_source(source_path) as source:
        reader = _ItemReader(ledger, source, community)
        report = Report("items", source_path.name, dry_run)
        chosen = rows.select_sheets(source.sheets, sheets, source.hidden)
        report.single_sheet = source.kind == "csv" or len(source.sheets) == 1
        records = reader.read(chosen, overrides, report, explicit=bool(sheets), progress=progress)
    _deduplicate(ledger, records, report, reader)
    if report.problems and not (skip_bad and report.bad_rows and not _file_level(report)):
        raise refusal(report)
    reader.summarise(records, report)
    if dry_run:
        return report
    if report.bad:  # only with skip_bad: the rows to fix, saved before anything is written
        report.bad_file = write_bad_rows(report, source_path, source.kind, bad_file)
    if records:
        _write(ledger, records, reader, report, progress)
    return report


def _file_level(report: Report) -> bool:
    """Problems that no row can be blamed for (a missing column): these stop even --skip-bad."""
    return any(p.row is None for p in report.problems)


# --- reading and checking ---------------------------------------------------------------


class _ItemReader:
    """Reads rows into records, with everything it needs loaded once from the ledger."""

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
        self.sheet_community: dict[str, int] = {}  # from a sheet's title, when it has no column
        self.absent_columns: set[str] = set()  # dated columns some sheet does not have
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

    # rows

    def read(
        self,
        sheets: list[reading.Sheet],
        overrides: dict[str, str],
        report: Report,
        *,
        explicit: bool,
        progress: Progress | None,
    ) -> list[Record]:
        records: list[Record] = []
        append = records.append
        for layout, data in table.tables(
            self.source,
            sheets,
            headers.ITEMS,
            overrides,
            report,
            explicit=explicit,
            check=self._check_columns,
            example="问题描述、反映时间、联系电话",
            progress=progress,
        ):
            parse = self._parser(layout, layout.sheet, report)
            for number, row in data:
                record = parse(number, row)
                if record is not None:
                    append(record)
        return records

    def _check_columns(self, layout: rows.Layout, report: Report) -> bool:
        listed = "、".join(layout.headings[i] for i in sorted(layout.headings))
        self.absent_columns.update(c for c in _STAGE_DATES if c not in layout.columns)
        good = True
        for code, example in (("title", "问题描述=title"), ("raised_on", "登记日期=raised_on")):
            if code not in layout.columns:
                label = headers.ITEMS.label(code)
                report.problem(
                    layout.sheet,
                    None,
                    None,
                    f"没有“{label}”列（表头为：{listed}）；可用 --map 指定，如 --map {example}",
                )
                good = False
        if "community" in layout.columns or (
            self.default_community is not None and not self.default_note
        ):
            return good
        # No 社区 column: the community named in the title or the file name, else the ledger's
        # only community, else --community is needed.
        named = self._named_community(layout.context)
        if named is not None:
            self.sheet_community[layout.sheet] = named
        elif self.default_note:
            report.notices.append(f"表中没有“社区”列，均记为台账中唯一的社区“{self.default_note}”")
        elif not self._asked_community:
            self._asked_community = True
            report.problem(
                None, None, None, "表中没有“社区”列，请用 --community 指定这些问题所属的社区"
            )
            good = False
        else:
            good = False
        return good

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

    def _parser(
        self, layout: rows.Layout, sheet: str, report: Report
    ) -> Callable[[int, reading.Row], Record | None]:
        """A function reading one row of this layout; columns are looked up once, and each
        distinct word (a status, a community, a unit …) is resolved once per import."""
        at = {code: layout.first(code) for code in headers.ITEMS.fields}
        i_title, i_raised, i_community = at["title"], at["raised_on"], at["community"]
        i_compound, i_building, i_reporter = at["compound"], at["building"], at["reporter"]
        i_phone, i_category, i_source = at["phone"], at["category"], at["source"]
        i_scale, i_unit, i_status, i_rating = at["scale"], at["unit"], at["status"], at["rating"]
        i_channel, i_result, i_reply, i_due = (
            at["reply_channel"],
            at["result"],
            at["reply_text"],
            at["due_on"],
        )
        stage_columns = [
            (stage, code, at[code])
            for stage, code in enumerate(_STAGE_DATES)
            if stage > 0 and at[code] is not None
        ]
        notes = layout.columns.get("note", [])
        describe = {code: layout.describe(index) for code, index in at.items()}
        year_hint, epoch, today = layout.year_hint, self.source.epoch, self.today
        where = self.source.path.name + ("" if report.single_sheet else f"（{sheet}）")
        area_path, calendar = self.area_path, self.calendar
        default_community = self.sheet_community.get(sheet, self.default_community)
        words: dict[tuple[str, str], Any] = {}  # (field, text) → value, or Bad's message
        dues: dict[tuple[Any, date], Any] = {}

        def word(code: str, raw: str, table: dict[str, Any], what: str, choices: str) -> Any:
            found = words.get((code, raw), _MISSING)
            if found is _MISSING:
                try:
                    found = values.word(table, raw, what, choices)
                except Bad as error:
                    found = _Message(str(error))
                words[(code, raw)] = found
            if type(found) is _Message:
                raise Bad(found)
            return found

        def day(row: reading.Row, index: int, code: str, problems: list[Any]) -> date | None:
            value = row[index] if index < len(row) else None
            if value is None:
                return None
            try:
                if type(value) is datetime:
                    found = value.date()
                    if not 2000 <= found.year <= 2099:
                        raise Bad(f"日期“{found}”超出范围（2000–2099 年）")
                else:
                    if _clean(value) is None:
                        return None
                    found = values.parse_day(value, today=today, year_hint=year_hint, epoch=epoch)
            except Bad as error:
                problems.append((code, str(error)))
                return None
            if found > today:
                problems.append((code, f"日期 {found} 晚于今天（{today}）"))
                return None
            return found

        def cell(row: reading.Row, index: int | None) -> str | None:
            if index is None or index >= len(row):
                return None
            return _clean(row[index])

        def parse(number: int, row: reading.Row) -> Record | None:
            problems: list[tuple[str, str]] = []  # (field, message)
            title = cell(row, i_title)
            if title is None:
                problems.append(("title", "问题描述为空"))
            elif len(title) > MAX_TITLE:
                problems.append(("title", f"问题描述过长（{len(title)} 字，最多 {MAX_TITLE} 字）"))
            before = len(problems)
            raised = day(row, i_raised, "raised_on", problems)  # type: ignore[arg-type]
            if raised is None and len(problems) == before:
                problems.append(("raised_on", "反映日期为空"))

            community_id = default_community
            community_text = cell(row, i_community)
            if community_text is not None:
                found = self.community(community_text)
                if type(found) is str:
                    problems.append(("community", found))
                    community_id = None
                else:
                    community_id = found  # type: ignore[assignment]
            elif community_id is None:
                problems.append(("community", "社区为空（可用 --community 指定默认社区）"))

            place_id = missing_place = None
            flags = 0
            compound, building = cell(row, i_compound), cell(row, i_building)
            if community_id is not None and (compound or building):
                if building and not compound:
                    compound, building = building, None
                place_id, missing = self.place(community_id, compound, building)
                if missing:
                    missing_place = missing

            phone = None
            raw_phone = row[i_phone] if i_phone is not None and i_phone < len(row) else None
            if type(raw_phone) is int and 13000000000 <= raw_phone <= 19999999999:
                phone = str(raw_phone)  # the usual case: a mobile stored as a number
            elif raw_phone is not None:
                try:
                    phone, repaired = values.parse_phone(raw_phone)
                    if repaired:
                        flags |= PHONE_REPAIRED
                except Bad as error:
                    problems.append(("phone", str(error)))

            category = "other"
            text = cell(row, i_category)
            if text is not None:
                found_category = self.categories.get(text)
                if found_category is None:
                    problems.append(
                        (
                            "category",
                            f"未知的问题类别“{text}”，可选：{self.category_choices}"
                            "（可用 ledger category add 新增）",
                        )
                    )
                else:
                    category = found_category
            source = "other"
            text = cell(row, i_source)
            if text is not None:
                try:
                    source = word("source", text, values.SOURCE_WORDS, "来源", _SOURCES)
                except Bad as error:
                    problems.append(("source", str(error)))
            scale = "small"
            text = cell(row, i_scale)
            if text is not None:
                try:
                    scale = word("scale", text, values.SCALE_WORDS, "规模", _SCALES)
                except Bad as error:
                    problems.append(("scale", str(error)))
            unit: int | str | None = None
            text = cell(row, i_unit)
            if text is not None and community_id is not None:
                try:
                    unit = self.unit(text, community_id)
                except Bad as error:
                    problems.append(("unit", str(error)))
            status_text = cell(row, i_status)
            status = rating = None
            if status_text is not None:
                try:
                    status, rating = word(
                        "status", status_text, values.STATUS_WORDS, "状态", _STATUS_CHOICES
                    )
                except Bad as error:
                    problems.append(("status", str(error)))
            text = cell(row, i_rating)
            if text is not None and text not in values.NO_RATING:
                try:
                    rating = word("rating", text, values.RATING_WORDS, "评价", _RATINGS)
                except Bad as error:
                    problems.append(("rating", str(error)))
            channel = None
            text = cell(row, i_channel)
            if text is not None:
                try:
                    channel = word("channel", text, values.CHANNEL_WORDS, "答复方式", _CHANNELS)
                except Bad as error:
                    problems.append(("reply_channel", str(error)))
            dates = [
                (stage, code, day(row, index, code, problems))
                for stage, code, index in stage_columns
            ]
            result, reply_text = cell(row, i_result), cell(row, i_reply)
            for code, value, kind in (  # the limits of ledger.text, as for typed text
                ("result", result, "note"),
                ("reply_text", reply_text, "note"),
                ("reporter", cell(row, i_reporter), "person"),
            ):
                if value is not None and len(value) > free_text.LIMITS[kind][0]:
                    limit = free_text.LIMITS[kind][0]
                    problems.append((code, f"内容过长（{len(value)} 字，最多 {limit} 字）"))
            due = None
            raw_due = row[i_due] if i_due is not None and i_due < len(row) else None
            if raised is not None and raw_due is not None and _clean(raw_due) is not None:
                found_due = dues.get((raw_due, raised))  # 3个工作日 from the same day: once
                if found_due is None:
                    try:
                        found_due = values.parse_due(
                            raw_due, raised, calendar, today=date.max, year_hint=year_hint,
                            epoch=epoch,
                        )  # fmt: skip
                    except Bad as error:
                        found_due = _Message(str(error))
                    dues[(raw_due, raised)] = found_due
                if type(found_due) is _Message:
                    problems.append(("due_on", found_due))
                elif found_due < raised:  # type: ignore[operator]
                    problems.append(("due_on", f"办理时限 {found_due} 早于反映日期 {raised}"))
                else:
                    due = found_due  # type: ignore[assignment]
            if problems or raised is None or community_id is None or title is None:
                _bad(report, sheet, number, row, problems, describe)
                return None
            plan = self._plan(status, status_text, rating, unit, result, reply_text, raised, dates)
            if type(plan) is tuple:
                _bad(report, sheet, number, row, [plan], describe)  # type: ignore[list-item]
                return None
            if due is None:
                due = calendar.add_workdays(
                    raised, self.big_days if scale == "big" else self.small_days
                )
            reporter = cell(row, i_reporter)
            raised_text = raised.isoformat()
            key = hashlib.sha256(
                "\x1f".join(
                    (
                        area_path[community_id],
                        raised_text,
                        " ".join(title.split()),
                        reporter or "",
                        phone or "",
                    )
                ).encode()
            ).hexdigest()[:32]
            meeting_id = (
                self.meetings.get((community_id, raised_text, source))
                if source in ("night_talk", "shuoshi")
                else None
            )
            note = f"导入自 {where} 第{number}行"
            extras = [cell(row, index) for index in notes]
            if plan.stage == 0 and result:  # type: ignore[union-attr]
                extras.append(result)
            if any(extras):
                note = "；".join([note, *(e for e in extras if e)])
            return plan.record(  # type: ignore[union-attr]
                sheet, number, key, title, community_id, place_id, meeting_id, source,
                category, scale, reporter, phone, raised, due, channel, note, flags,
                missing_place,
            )  # fmt: skip

        return parse

    def _plan(
        self,
        status: str | None,
        status_text: str | None,
        rating: str | None,
        unit: int | str | None,
        result: str | None,
        reply_text: str | None,
        raised: date,
        dates: list[tuple[int, str, date | None]],
    ) -> _Plan | tuple[str, str]:
        """Which steps the item went through and on which dates, from its status and columns;
        or the (field, message) saying why the row contradicts itself.

        The status column says how far it got; dates and a rating are evidence too (a sheet
        whose status stays “已办结” after the resident rated it: the rating wins). An open
        status contradicted by a 办结日期 or a rating is reported, not guessed. 交办 without a
        date happened on the day raised; a later step without its date takes the next later
        date the row has, else the previous one.
        """
        known: dict[int, date] = {0: raised}
        evidence, evidence_field = 0, ""
        for stage, code, found in dates:
            if found is not None:
                known[stage] = found
                if stage > evidence:
                    evidence, evidence_field = stage, code
        if rating and evidence < 4:
            evidence, evidence_field = 4, "rating"
        if reply_text and evidence < 3:
            evidence, evidence_field = 3, "reply_text"
        if status is not None:
            stage = _STAGE[status]
            if (stage <= 1 and evidence >= 2) or (stage == 0 and (evidence >= 1 or unit)):
                what = headers.ITEMS.label(evidence_field or "unit")
                return ("status", f"状态为“{status_text}”，但已填写了{what}；请核对状态")
            stage = max(stage, evidence)
        else:
            stage = max(evidence, 2 if result else 0, 1 if unit else 0)
        if stage == 1 and not unit:
            shown = status_text or STATUS.label("assigned")
            return ("unit", f"状态为“{shown}”，但没有填写承办单位")
        steps = [0, *([1] if unit else []), *(s for s in (2, 3, 4) if s <= stage)]
        previous_stage = 0
        for s in steps[1:]:
            if s in known:
                if known[s] < known[previous_stage]:
                    label = headers.ITEMS.label
                    return (
                        _STAGE_DATES[s],
                        f"{label(_STAGE_DATES[s])} {known[s]} 早于"
                        f"{label(_STAGE_DATES[previous_stage])} {known[previous_stage]}",
                    )
                previous_stage = s
        when: dict[int, date] = {}
        filled = 0
        for s in steps:
            if s in known:
                when[s] = known[s]
                continue
            later = [known[t] for t in steps if t > s and t in known] if s > 1 else []
            when[s] = min(later) if later else when[max(t for t in when if t < s)]
            filled |= 1 << s
        declined = status == "declined"
        return _Plan(
            stage=stage,
            status=("declined" if declined and stage == 2 else _STATUS_AT[stage]),
            unit=unit if stage >= 1 else None,
            assigned=when.get(1),
            progress=result if stage == 1 else None,
            finish=("decline" if declined else "resolve") if stage >= 2 else None,
            finished=when.get(2),
            result=(result or (NO_REASON if declined else NO_RESULT)) if stage >= 2 else None,
            replied=when.get(3),
            reply_text=(reply_text or NO_REPLY) if stage >= 3 else None,
            end=("rate" if rating else "close") if stage >= 4 else None,
            closed=when.get(4),
            rating=rating if stage >= 4 else None,
            filled=filled,
        )

    def _notices(self, records: list[Record], report: Report) -> None:
        """What the clerk should know about the rows imported (not about rows skipped)."""
        by_community: dict[int, list[str]] = {}
        for sheet, community_id in self.sheet_community.items():
            by_community.setdefault(community_id, []).append(sheet)
        for community_id, sheets in by_community.items():
            where = "" if report.single_sheet else "、".join(f"“{s}”" for s in sheets) + " "
            report.notices.append(
                f"{where}表中没有“社区”列，按标题或文件名记为“{self.area_name[community_id]}”"
                "（可用 --community 另行指定）"
            )

        def where(record: Record) -> str:
            return str(record.row) if report.single_sheet else f"{record.sheet}第{record.row}"

        repaired = [where(r) for r in records if r.flags & PHONE_REPAIRED]
        if repaired:
            rows_text = (
                f"第 {_rows_text(repaired)} 行"
                if report.single_sheet
                else _rows_text([f"{r}行" for r in repaired])
            )
            report.notices.append(
                f"{len(repaired)} 个座机号码被 Excel 去掉了开头的 0，已补回（{rows_text}）"
            )
        for stage in range(1, len(_STAGE_DATES)):
            count = sum(1 for r in records if r.flags & (1 << stage))
            if count:
                label = headers.ITEMS.label(_STAGE_DATES[stage])
                how = "按反映日期记录" if stage == 1 else "按同一行其后（或其前）的日期记录"
                if _STAGE_DATES[stage] in self.absent_columns:
                    report.notices.append(f"表中没有“{label}”列：{count} 行的{label}{how}")
                else:
                    report.notices.append(f"{count} 行没有填写{label}，{how}")
        unmatched = [(where(r), r.place_note) for r in records if r.place_note]
        if unmatched:
            shown = "、".join(f"第{n}行“{name}”" for n, name in unmatched[:5])
            more = "等" if len(unmatched) > 5 else ""
            report.notices.append(
                f"{len(unmatched)} 行的小区/楼栋不在区划中（{shown}{more}），"
                "这些问题只记到社区；可先用 ledger area add 添加后再导入"
            )

    def _unit_label(self, unit: int | str | None) -> str | None:
        if unit is None or isinstance(unit, str):
            return unit
        return self.unit_name.get(unit)

    def summarise(self, records: list[Record], report: Report) -> None:
        report.new = len(records)
        self._notices(records, report)
        for record in records:
            report.by_status[record.status] += 1
            report.by_month[record.raised.isoformat()[:7]] += 1
        used_new = {r.unit for r in records if isinstance(r.unit, str)}
        report.created = [
            f"{name}（{UNIT_KIND.label(kind)}）"
            for name, kind in self.new_units.items()
            if name in used_new
        ]
        for record in records[:PREVIEW_ROWS]:
            report.preview.append(
                {
                    "sheet": record.sheet,
                    "row": record.row,
                    "title": record.title,
                    "community": self.area_name[record.community_id],
                    "raised_on": record.raised.isoformat(),
                    "status": record.status,
                    "unit": self._unit_label(record.unit),
                }
            )


def _rows_text(numbers: list[str], limit: int = 8) -> str:
    shown = "、".join(numbers[:limit])
    return shown + ("…" if len(numbers) > limit else "")


def _bad(
    report: Report,
    sheet: str,
    number: int,
    row: reading.Row,
    problems: list[tuple[str, str]],
    describe: dict[str, str],
) -> None:
    report.bad_rows += 1
    for code, message in problems:
        report.problem(sheet, number, describe.get(code) or headers.ITEMS.label(code), message)
    report.bad.append(BadRow(sheet, number, row, [m for _, m in problems]))


# --- duplicates -------------------------------------------------------------------------


def _deduplicate(
    ledger: Ledger, records: list[Record], report: Report, reader: _ItemReader
) -> None:
    """Drop rows already in the ledger (imported before, or typed in) and repeats in the file."""
    known: set[str] = {row[0] for row in ledger.conn.execute("SELECT key FROM import_keys")}
    for path_text, raised, title, reporter, phone in ledger.conn.execute(
        "SELECT a.path, i.raised_on, i.title, i.reporter, i.phone FROM items i "
        "JOIN areas a ON a.id = i.community_id"
    ):
        title_key = " ".join((title or "").split())
        content = "\x1f".join((path_text, raised, title_key, reporter or "", phone or ""))
        known.add(hashlib.sha256(content.encode()).hexdigest()[:32])
    first_seen: dict[str, tuple[str, int]] = {}
    kept: list[Record] = []
    for record in records:
        if record.key in known:
            report.existing += 1
            continue
        earlier = first_seen.get(record.key)
        if earlier is not None:
            report.repeated.append((record.sheet, record.row, earlier[1]))
            continue
        first_seen[record.key] = (record.sheet, record.row)
        kept.append(record)
    records[:] = kept
    if report.repeated:
        shown = "、".join(f"第{r}行（同第{f}行）" for _, r, f in report.repeated[:5])
        more = "等" if len(report.repeated) > 5 else ""
        report.notices.append(
            f"{len(report.repeated)} 行与表中前面的行内容相同，只导入一次：{shown}{more}"
        )


# --- writing ----------------------------------------------------------------------------

_ITEM_COLUMNS = ("id", "uid", "number", *STATE_FIELDS, "last_event_at")
_ITEM_SQL = (
    f"INSERT INTO items ({', '.join(_ITEM_COLUMNS)}) VALUES ({', '.join('?' * len(_ITEM_COLUMNS))})"
)
_EVENT_SQL = (
    "INSERT INTO events (uid, item_id, action, at, recorded_at, actor, note, changes) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_KEY_SQL = "INSERT INTO import_keys (key, item_id, source, imported_at) VALUES (?, ?, ?, ?)"


def _write(
    ledger: Ledger,
    records: list[Record],
    reader: _ItemReader,
    report: Report,
    progress: Progress | None,
) -> None:
    """Everything in one transaction: new units, then items, events and keys in batches.

    Each event's ``changes`` is the JSON ``json.dumps(changes, ensure_ascii=False,
    sort_keys=True)`` gives (what the core writes), built from a template per action: the
    general encoder would take a fifth of the import. The item row is the fold of the same
    changes, field by field, so it equals ``lifecycle.replay`` of its events.
    """
    conn = ledger.conn
    today = reader.today
    now_text = iso(reader.now)
    actor = ledger.actor
    file_name = reader.source.path.name
    state_fields = STATE_FIELDS
    next_uid = _uid_sequence()
    q = encode_basestring  # JSON string quoting, in C

    def start(day: date) -> str:  # a backdated item starts at the beginning of its day
        return now_text if day == today else f"{day.isoformat()}T00:00:00"  # type: ignore[return-value]

    def end(day: date) -> str:  # a backdated action: the end of its day, as --at DATE does
        return now_text if day == today else f"{day.isoformat()}T23:59:59"  # type: ignore[return-value]

    with ledger.transaction():
        first_number = ledger.next_number("items")
        first_id = int(conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM items").fetchone()[0])
        unit_ids: dict[str, int] = {}
        used = {r.unit for r in records if isinstance(r.unit, str)}
        for name, kind in reader.new_units.items():
            if name in used:
                cursor = conn.execute(
                    "INSERT INTO units (uid, name, kind, created_at) VALUES (?, ?, ?, ?)",
                    (next_uid(), name, kind, now_text),
                )
                unit_ids[name] = int(cursor.lastrowid or 0)
        rebuild = _drop_indexes(conn, len(records), first_id - 1)
        key_rows: list[tuple[Any, ...]] = []
        total = len(records)
        events = 0
        for offset in range(0, total, BATCH):
            item_rows: list[tuple[Any, ...]] = []
            event_rows: list[tuple[Any, ...]] = []
            add_event = event_rows.append
            for position, r in enumerate(records[offset : offset + BATCH], start=offset):
                item_id = first_id + position
                raised = r.raised.isoformat()
                due = r.due.isoformat()
                state = dict(EMPTY_STATE)
                state.update(
                    title=r.title,
                    community_id=r.community_id,
                    place_id=r.place_id,
                    meeting_id=r.meeting_id,
                    source=r.source,
                    category=r.category,
                    scale=r.scale,
                    reporter=r.reporter,
                    phone=r.phone,
                    status="raised",
                    raised_on=raised,
                    due_on=due,
                )
                moment = start(r.raised)
                add_event(
                    (next_uid(), item_id, "add", moment, now_text, actor, r.note,
                     f'{{"category": {q(r.category)}, "community_id": {r.community_id}, '
                     f'"due_on": "{due}", "meeting_id": {_number(r.meeting_id)}, '
                     f'"phone": {_string(r.phone)}, "place_id": {_number(r.place_id)}, '
                     f'"raised_on": "{raised}", "reporter": {_string(r.reporter)}, '
                     f'"scale": {q(r.scale)}, "source": {q(r.source)}, "status": "raised", '
                     f'"title": {q(r.title)}}}')
                )  # fmt: skip
                count = 1
                if r.assigned is not None and r.unit is not None:
                    unit_id = unit_ids[r.unit] if isinstance(r.unit, str) else r.unit
                    day = r.assigned.isoformat()
                    state["assigned_on"], state["status"], state["unit_id"] = (
                        day,
                        "assigned",
                        unit_id,
                    )
                    moment = end(r.assigned)
                    add_event(
                        (next_uid(), item_id, "assign", moment, now_text, actor, None,
                         f'{{"assigned_on": "{day}", "status": "assigned", "unit_id": {unit_id}}}')
                    )  # fmt: skip
                    count += 1
                    if r.progress:
                        state["last_progress"] = r.progress
                        add_event(
                            (next_uid(), item_id, "progress", moment, now_text, actor, r.progress,
                             f'{{"last_progress": {q(r.progress)}}}')
                        )  # fmt: skip
                        count += 1
                if r.finish is not None and r.finished is not None and r.result is not None:
                    day = r.finished.isoformat()
                    status = "declined" if r.finish == "decline" else "resolved"
                    state["resolved_on"], state["result"], state["status"] = day, r.result, status
                    moment = end(r.finished)
                    add_event(
                        (next_uid(), item_id, r.finish, moment, now_text, actor, r.result,
                         f'{{"resolved_on": "{day}", "result": {q(r.result)}, '
                         f'"status": "{status}"}}')
                    )  # fmt: skip
                    count += 1
                if r.replied is not None and r.reply_text is not None:
                    day = r.replied.isoformat()
                    state["replied_on"], state["reply_text"] = day, r.reply_text
                    state["status"] = "replied"
                    channel = ""
                    if r.channel:
                        state["reply_channel"] = r.channel
                        channel = f'"reply_channel": {q(r.channel)}, '
                    moment = end(r.replied)
                    add_event(
                        (next_uid(), item_id, "reply", moment, now_text, actor, r.reply_text,
                         f'{{"replied_on": "{day}", {channel}"reply_text": {q(r.reply_text)}, '
                         '"status": "replied"}')
                    )  # fmt: skip
                    count += 1
                if r.end is not None and r.closed is not None:
                    day = r.closed.isoformat()
                    state["closed_on"], state["status"] = day, "closed"
                    moment = end(r.closed)
                    if r.end == "rate" and r.rating is not None:
                        state["rating"] = r.rating
                        changes = (
                            f'{{"closed_on": "{day}", "rating": {q(r.rating)}, "status": "closed"}}'
                        )
                        note = None
                    else:
                        changes = f'{{"closed_on": "{day}", "status": "closed"}}'
                        note = NO_RATING_NOTE
                    add_event((next_uid(), item_id, r.end, moment, now_text, actor, note, changes))
                    count += 1
                events += count
                item_rows.append(
                    (item_id, next_uid(), first_number + position,
                     *[state[f] for f in state_fields], moment)
                )  # fmt: skip
                key_rows.append((r.key, item_id, f"{file_name} {r.sheet} 第{r.row}行", now_text))
            conn.executemany(_ITEM_SQL, item_rows)
            conn.executemany(_EVENT_SQL, event_rows)
            if progress is not None:
                progress("写入", offset + len(item_rows), total)
        # Keys are hashes, in no order: inserted sorted, the key index grows at its end.
        key_rows.sort()
        conn.executemany(_KEY_SQL, key_rows)
        for sql in rebuild:
            conn.execute(sql)
    report.written = True
    report.events = events
    report.numbers = (first_number, first_number + total - 1)


def _string(value: str | None) -> str:
    return "null" if value is None else encode_basestring(value)


def _number(value: int | None) -> str:
    return "null" if value is None else str(value)


def _drop_indexes(conn: Any, adding: int, existing: int) -> list[str]:
    """For a bulk load (at least BULK_ROWS rows, and more than the ledger holds), drop the
    secondary indexes of items and events and return the statements that rebuild them:
    building an index once by sorting is several times faster than growing it row by row.
    Inside the import's transaction, so a crash leaves them as they were."""
    if adding < BULK_ROWS or adding < existing:
        return []
    found = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        "AND tbl_name IN ('items', 'events')"
    ).fetchall()
    for name, _ in found:
        conn.execute(f'DROP INDEX "{name}"')
    return [sql for _, sql in found]


def _uid_sequence() -> Callable[[], str]:
    """Globally unique ids for one import: 80 random bits shared by the import, then a
    counter. Unique like uuid4 (no two imports share the random part in practice), but in
    order, so the uid indexes grow at one end instead of at random places."""
    base = os.urandom(10).hex()
    counter = iter(range(1, 1 << 48))
    return lambda: f"{base}{next(counter):012x}"
