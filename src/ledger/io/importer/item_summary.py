"""What an import of items tells the clerk: counts by status, month and rule, the meetings,
new units, a preview, and notices about what was filled in or left out."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from ledger.domain.labels import UNIT_KIND
from ledger.io.importer import headers, status
from ledger.io.importer.record import PHONE_REPAIRED, Record
from ledger.io.importer.report import ImportOutcome

if TYPE_CHECKING:
    from ledger.io.importer.item_reader import ItemReader

PREVIEW_ROWS = 10
_STAGE_DATES = status.STAGE_DATES


def _notices(reader: ItemReader, records: list[Record], report: ImportOutcome) -> None:
    """What the clerk should know about the rows imported (not about rows skipped)."""
    by_community: dict[int, list[str]] = {}
    for sheet, community_id in reader.sheet_community.items():
        by_community.setdefault(community_id, []).append(sheet)
    for community_id, sheets in by_community.items():
        where = "" if report.single_sheet else "、".join(f"“{s}”" for s in sheets) + " "
        report.notices.append(
            f"{where}表中没有“社区”列，按标题或文件名记为“{reader.area_name[community_id]}”"
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
            if _STAGE_DATES[stage] in reader.absent_columns:
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


def _unit_label(reader: ItemReader, unit: int | str | None) -> str | None:
    if unit is None or isinstance(unit, str):
        return unit
    return reader.unit_name.get(unit)


def summarise(reader: ItemReader, records: list[Record], report: ImportOutcome) -> None:
    """Fill ``report`` with what ``records`` will be (or were) written as."""
    report.new = len(records)
    _notices(reader, records, report)
    for record in records:
        report.by_status[record.plan.status] += 1
        report.by_month[record.raised.isoformat()[:7]] += 1
        report.by_rule[record.plan.rule] += 1
    seen: set[tuple[int, int]] = set()
    in_meeting = Counter(id(r.meeting) for r in records if r.meeting is not None)
    for record in records:
        meeting = record.meeting
        held = meeting.held_on() if meeting is not None else None
        if meeting is None or held is None or (id(meeting), record.community_id) in seen:
            continue
        seen.add((id(meeting), record.community_id))
        known = reader.meeting(record.community_id, held.isoformat(), meeting.kind, meeting.host)
        report.meetings.append(
            {
                "held_on": held.isoformat(),
                "kind": meeting.kind,
                "community": reader.area_name[record.community_id],
                "host": meeting.host,
                "attendees": meeting.attendees,
                "items": in_meeting[id(meeting)],
                "existing": known is not None,
            }
        )
    used_new = {r.plan.unit for r in records if isinstance(r.plan.unit, str)}
    report.created = [
        f"{name}（{UNIT_KIND.label(kind)}）"
        for name, kind in reader.new_units.items()
        if name in used_new
    ]
    for record in records[:PREVIEW_ROWS]:
        report.preview.append(
            {
                "sheet": record.sheet,
                "row": record.row,
                "title": record.title,
                "community": reader.area_name[record.community_id],
                "raised_on": record.raised.isoformat(),
                "status": record.plan.status,
                "unit": _unit_label(reader, record.plan.unit),
            }
        )


def _rows_text(numbers: list[str], limit: int = 8) -> str:
    shown = "、".join(numbers[:limit])
    return shown + ("…" if len(numbers) > limit else "")
