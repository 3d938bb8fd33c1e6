"""Reading a 台账's rows into records: every cell checked, the status read (status.py),
dates given their year, meeting lines followed (minutes.py); nothing written here."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from ledger.casework.actions import MAX_TITLE
from ledger.domain import text as free_text
from ledger.domain.dates import DAY_TEXT
from ledger.domain.labels import SCALE, SOURCE
from ledger.io.importer import (
    headers,
    item_summary,
    minutes,
    reading,
    rows,
    status,
    table,
    values,
    words,
)
from ledger.io.importer.known import Known
from ledger.io.importer.record import PHONE_REPAIRED, Record
from ledger.io.importer.report import BadRow, ImportOutcome
from ledger.io.importer.values import Bad
from ledger.io.importer.values import Message as _Message
from ledger.io.importer.values import checked as _checked
from ledger.io.importer.values import memo as _memo
from ledger.store.ledger_file import Ledger

Progress = Callable[[str, int, int | None], None]
_STAGE_DATES = status.STAGE_DATES

_CHANNELS = "当面、电话、微信、会议通报"
_SOURCES, _SCALES = SOURCE.describe(), SCALE.describe()
_PENDING: Any = object()  # a row waiting for the year of the file's other rows


class ItemReader(Known):
    """Reads rows into records, with everything it needs loaded once from the ledger."""

    def __init__(self, ledger: Ledger, source: reading.Source, community: str | None) -> None:
        super().__init__(ledger, source, community)
        self.sheet_community: dict[str, int] = {}  # from a sheet's title, when it has no column
        self.sheet_source: dict[str, str] = {}  # from a sheet's or book's title
        self.meetings_read: list[minutes.Meeting] = []
        self.years: set[int] = set()  # of the file's dates written with a year
        self.absent_columns: set[str] = set()  # dated columns some sheet does not have

    # rows

    def read(self, job: table.Opened) -> list[Record]:
        """Every data row of every sheet as a record (bad rows go to the report).

        A row whose dates lack a year that neither the row nor the sheet's title gives waits
        until the whole file is read: then the one year of the file's other rows is used,
        or the row is reported (never this year by default).
        """
        records: list[Record | None] = []
        append = records.append
        pending: list[tuple[int, Callable[..., Any], int, reading.Row, Any]] = []
        report = job.report
        example = "问题描述、反映时间、联系电话"
        for layout, data in job.tables(headers.ITEMS, self._check_columns, example):
            parse = self._parser(layout, layout.sheet, report)
            meeting = self._title_meeting(layout)
            for number, row in data:
                if type(row) is rows.Mark:
                    found = self._meeting_line(layout, number, row, report)
                    if found is not minutes.NOT_A_MEETING:
                        meeting = found
                        continue
                    row = tuple(row)  # 说事 named in a line that is no meeting: a row
                if meeting is None:
                    record = parse(number, row, None)
                else:
                    before = len(report.bad)
                    record = parse(number, row, meeting)
                    if len(report.bad) > before:
                        minutes.keep_line(report, meeting, before)
                if record is _PENDING:
                    pending.append((len(records), parse, number, row, meeting))
                    append(None)
                elif record is not None:
                    append(record)  # type: ignore[arg-type]
        if pending or self.meetings_read:
            years = sorted(self.years)
            year = years[0] if len(years) == 1 else None
            for meeting in self.meetings_read:
                self._meeting_year(meeting, year, years, report)
            for index, parse, number, row, meeting in pending:
                before = len(report.bad)
                records[index] = parse(number, row, meeting, year, years)
                if len(report.bad) > before:
                    minutes.keep_line(report, meeting, before)
        return [r for r in records if r is not None]

    def _title_meeting(self, layout: rows.Layout) -> minutes.Meeting | None:
        """A meeting named in the lines above the header (the minutes of one meeting)."""
        found = minutes.title_meeting(layout, self.today)
        if found is not None:
            self.meetings_read.append(found)
        return found

    def _meeting_line(
        self, layout: rows.Layout, number: int, row: reading.Row, report: ImportOutcome
    ) -> Any:
        """The meeting a marked line starts (None, reported, when it cannot be read), or
        minutes.NOT_A_MEETING."""
        found = minutes.line_meeting(layout, number, row, self.today)
        if isinstance(found, str):
            _bad(report, layout.sheet, number, row, [("meeting", found)], {"meeting": "会议行"})
            return None
        if isinstance(found, minutes.Meeting):
            self.meetings_read.append(found)
        return found

    def _meeting_year(
        self, meeting: minutes.Meeting, year: int | None, years: list[int], report: ImportOutcome
    ) -> None:
        """A meeting dated 6月3日 without a year: the year of the file's other rows."""
        message = minutes.settle_year(meeting, year, years, self.today)
        if message is not None:
            report.bad_rows += 1
            report.problem(meeting.sheet, meeting.row, "会议行", message)

    def _check_columns(self, layout: rows.Layout, report: ImportOutcome) -> bool:
        listed = "、".join(layout.headings[i] for i in sorted(layout.headings))
        layout.marks = minutes.line_test(layout)
        for text in layout.context:  # a 拉呱说事 record book, a 每周夜话 minutes book
            kind = minutes.kind_of(text)
            if kind is not None:
                self.sheet_source[layout.sheet] = kind
                break
        self.absent_columns.update(c for c in _STAGE_DATES if c not in layout.columns)
        good = True
        for code, example in (("title", "问题描述=title"), ("raised_on", "登记日期=raised_on")):
            if code == "raised_on" and layout.sheet in self.sheet_source:
                continue  # minutes: the dates are the meetings' (a row without one is reported)
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

    def _parser(
        self, layout: rows.Layout, sheet: str, report: ImportOutcome
    ) -> Callable[..., Record | None]:
        """A function reading one row of this layout; columns are looked up once, and each
        distinct word (a status, a community, a unit …) is resolved once per import."""
        found_at = {code: layout.first(code) for code in headers.ITEMS.fields}
        notes = layout.columns.get("note", [])
        # Every row is read padded to the columns used plus one None, which the columns the
        # layout lacks point at: no cell costs a bounds check.
        width = 1 + max([i for i in found_at.values() if i is not None] + notes, default=-1)
        at = {code: width if index is None else index for code, index in found_at.items()}
        padding = (None,) * (width + 1)
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
            if stage > 0 and found_at[code] is not None
        ]
        describe = {code: layout.describe(index) for code, index in found_at.items()}
        year_hint, epoch, today = layout.year_hint, self.source.epoch, self.today
        where = self.source.path.name + ("" if report.single_sheet else f"（{sheet}）")
        area_path, calendar = self.area_path, self.calendar
        default_community = self.sheet_community.get(sheet, self.default_community)
        default_source = self.sheet_source.get(sheet, "other")
        dues: dict[tuple[Any, date], Any] = {}
        years = self.years
        undated = False
        note_limit, person_limit = free_text.LIMITS["note"][0], free_text.LIMITS["person"][0]
        clean = values.clean

        def community_of(text: str) -> Any:
            found = self.community(text)
            return _Message(found) if type(found) is str else found

        read_community = _memo(community_of)
        read_category = _memo(self.category)
        read_source = _memo(
            functools.partial(words.word, words.SOURCE_WORDS, what="来源", choices=_SOURCES)
        )
        read_scale = _memo(
            functools.partial(words.word, words.SCALE_WORDS, what="规模", choices=_SCALES)
        )
        read_channel = _memo(
            functools.partial(words.word, words.CHANNEL_WORDS, what="答复方式", choices=_CHANNELS)
        )
        read_status = _memo(lambda text: (text, status.read(text, whole=True)))
        read_rating = _memo(lambda text: (text, words.read_rating(text)))
        unit_readers: dict[int, Callable[[Any], Any]] = {}

        good_days: dict[datetime, date] = {}  # Excel dates already found in range and past

        def day(value: Any, code: str, problems: list[Any]) -> Any:
            """A date, a NeedsYear (a month and day without a year), or None."""
            if value is None:
                return None
            found = good_days.get(value)  # (only datetimes are kept: no other cell equals one)
            if found is not None:
                return found
            try:
                if type(value) is datetime:
                    found = value.date()
                    if not 2000 <= found.year <= 2099:
                        raise Bad(f"日期“{found}”超出范围（2000–2099 年）")
                else:
                    if clean(value) is None:
                        return None
                    found = values.parse_day(
                        value,
                        today=today,
                        epoch=epoch,
                        strict=True,  # the year: below
                    )
            except values.NeedsYear as missing:
                missing.code = code  # type: ignore[attr-defined]
                nonlocal undated
                undated = True
                return missing
            except Bad as error:
                problems.append((code, str(error)))
                return None
            if type(value) is datetime and found <= today:
                good_days[value] = found
            return values.not_future(found, today, code, problems)

        def parse(
            number: int,
            row: reading.Row,
            meeting: minutes.Meeting | None,
            year: int | None = None,
            years_seen: list[int] | None = None,
        ) -> Record | None:
            """One row as a record; None when bad (reported); _PENDING when its dates need
            the year of the file's other rows (called again with ``years_seen`` then)."""
            problems: list[tuple[str, str]] = []  # (field, message)
            cells = row[:width] + padding[min(len(row), width) :]
            title = clean(cells[i_title])
            if title is None:
                problems.append(("title", "问题描述为空"))
            elif len(title) > MAX_TITLE:
                problems.append(("title", f"问题描述过长（{len(title)} 字，最多 {MAX_TITLE} 字）"))
            nonlocal undated
            undated = False  # set by day() for a date without its year
            before = len(problems)
            raised = day(cells[i_raised], "raised_on", problems)
            if raised is None and len(problems) == before:
                if meeting is not None and meeting.held is not None:
                    raised = meeting.held  # the meeting's date, for a row left blank
                else:
                    problems.append(("raised_on", "反映日期为空"))
            dates = [
                (stage, code, day(cells[index], code, problems))
                for stage, code, index in stage_columns
            ]
            if type(raised) is date:
                years.add(raised.year)
            # A month and day without a year: the year of the row's own dates, then the
            # title's, then the file's other rows.
            if undated or type(raised) is not date:
                partial = [d for _, _, d in dates if type(d) is values.NeedsYear]
                if type(raised) is values.NeedsYear:
                    partial.append(raised)
            else:
                partial = None  # the usual row: every date with its year
            if partial:
                anchors = [d for d in (raised, *(d for _, _, d in dates)) if type(d) is date]
                if anchors:
                    year = anchors[0].year
                elif year_hint is not None:
                    year = year_hint
                elif year is None:
                    if years_seen is None:
                        return _PENDING
                    code = getattr(partial[0], "code", "raised_on")
                    problems.append((code, values.no_year(partial[0].raw, years_seen)))
                if year is not None:
                    anchor = anchors[0] if anchors else None
                    raised = values.on_year(raised, year, anchor, today, "raised_on", problems)
                    dates = [
                        (s, c, values.on_year(d, year, anchor, today, c, problems))
                        for s, c, d in dates
                    ]
            community_id = default_community
            found = read_community(cells[i_community])
            if found is not None:
                if type(found) is _Message:
                    problems.append(("community", str(found)))
                    community_id = None
                else:
                    community_id = found
            elif community_id is None:
                problems.append(("community", "社区为空（可用 --community 指定默认社区）"))

            place_id = missing_place = None
            flags = 0
            compound, building = cells[i_compound], cells[i_building]
            if compound is not None or building is not None:
                compound, building = clean(compound), clean(building)
            if community_id is not None and (compound or building):
                if building and not compound:
                    compound, building = building, None
                place_id, missing = self.place(community_id, compound, building)
                if missing:
                    missing_place = missing

            phone = None
            raw_phone = cells[i_phone]
            if type(raw_phone) is int and 13000000000 <= raw_phone <= 19999999999:
                phone = str(raw_phone)  # the usual case: a mobile stored as a number
            elif raw_phone is not None:
                try:
                    phone, repaired = values.parse_phone(raw_phone)
                    if repaired:
                        flags |= PHONE_REPAIRED
                except Bad as error:
                    problems.append(("phone", str(error)))

            category = _checked(problems, "category", read_category(cells[i_category]), "other")
            source = meeting.kind if meeting is not None else default_source
            source = _checked(problems, "source", read_source(cells[i_source]), source)
            scale = _checked(problems, "scale", read_scale(cells[i_scale]), "small")
            unit: int | str | None = None
            if community_id is not None:
                read_unit = unit_readers.get(community_id)
                if read_unit is None:
                    read_unit = unit_readers[community_id] = _memo(
                        functools.partial(self.unit, community_id=community_id)
                    )
                unit = _checked(problems, "unit", read_unit(cells[i_unit]), None)
            status_text = column = None
            found = read_status(cells[i_status])
            if found is not None:
                status_text, column = found
                if column.status is None:
                    problems.append(
                        ("status", f"无法识别的状态“{status_text}”，可填：{status.CHOICES}")
                    )
            rating = rating_note = None
            told = False
            rating_text = None
            found = read_rating(cells[i_rating])
            if type(found) is _Message:
                problems.append(("rating", str(found)))
                rating_text = clean(cells[i_rating])
            elif found is not None:
                rating_text, (rating, rating_note, told) = found
            channel = _checked(problems, "reply_channel", read_channel(cells[i_channel]), None)
            result, reply_text = clean(cells[i_result]), clean(cells[i_reply])
            reporter = clean(cells[i_reporter])
            # The limits of ledger.domain.text, as for typed text.
            if result is not None and len(result) > note_limit:
                problems.append(("result", _too_long(result, note_limit)))
            if reply_text is not None and len(reply_text) > note_limit:
                problems.append(("reply_text", _too_long(reply_text, note_limit)))
            if reporter is not None and len(reporter) > person_limit:
                problems.append(("reporter", _too_long(reporter, person_limit)))
            due = None
            raw_due = cells[i_due]
            if type(raised) is date and raw_due is not None:
                # 3个工作日 from the same day: once (a cell found here is not blank)
                found_due = dues.get((raw_due, raised))
                if found_due is None and clean(raw_due) is not None:
                    try:
                        found_due = values.parse_due(
                            raw_due, raised, calendar, today=date.max,
                            epoch=epoch, strict=True,
                        )  # fmt: skip
                    except values.NeedsYear as missing:  # 5月29日前: the year raised
                        try:
                            found_due = values.due_year(missing, raised)
                        except Bad as error:
                            found_due = _Message(str(error))
                    except Bad as error:
                        found_due = _Message(str(error))
                    dues[(raw_due, raised)] = found_due
                if found_due is None:
                    pass  # blank
                elif type(found_due) is _Message:
                    problems.append(("due_on", found_due))
                elif found_due < raised:  # type: ignore[operator]
                    problems.append(("due_on", f"办理时限 {found_due} 早于反映日期 {raised}"))
                else:
                    due = found_due  # type: ignore[assignment]
            if problems or type(raised) is not date or community_id is None or title is None:
                _bad(report, sheet, number, row, problems, describe)
                return None
            plan = status.plan(
                column, status_text, rating, told, unit, result, reply_text, raised, dates
            )
            if type(plan) is tuple:
                _bad(report, sheet, number, row, [plan], describe)  # type: ignore[list-item]
                return None
            assert isinstance(plan, status.Plan)
            days = self.big_days if scale == "big" else self.small_days
            if due is None:
                due = calendar.add_workdays(raised, days)
            raised_text = DAY_TEXT[raised]
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
                if meeting is None and source in ("night_talk", "shuoshi")
                else None
            )
            note = f"导入自 {where} 第{number}行"
            extras = [clean(cells[index]) for index in notes]
            if plan.note:
                extras.append(f"办理情况：{plan.note}")
            if told and rating is None:
                extras.append(f"评价：{rating_text}")
            if any(extras):
                note = "；".join([note, *(e for e in extras if e)])
            return Record(
                sheet, number, key, title, community_id, place_id, meeting_id, source,
                category, scale, reporter, phone, raised, due,
                channel if plan.replied else None, note, plan, flags | plan.filled,
                missing_place, rating_note if plan.rating else None,
                calendar.add_workdays(plan.closed, days) if plan.reopen else None,  # type: ignore[arg-type]
                meeting,
            )  # fmt: skip

        return parse

    def summarise(self, records: list[Record], report: ImportOutcome) -> None:
        """Counts, notices and the preview of what is (or would be) imported."""
        item_summary.summarise(self, records, report)


def _too_long(value: str, limit: int) -> str:
    """Why a text over the limit of ledger.domain.text is refused."""
    return f"内容过长（{len(value)} 字，最多 {limit} 字）"


def _bad(
    report: ImportOutcome,
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
