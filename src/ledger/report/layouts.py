"""Every sheet of the report as data: its columns, their titles, widths and formats.

The one writer (:mod:`ledger.report.writer`) reads these; adding a column to a sheet is one
line here (plus its title in ``labels.REPORT_COLUMN`` and its value in the row the build
makes). Widths are in Excel character units, where a Chinese character counts as two.
"""

from __future__ import annotations

from dataclasses import dataclass

from ledger.labels import REPORT_COLUMN, REPORT_GROUP, REPORT_SHEET

# How a column's values are shown (number format and alignment live in the writer).
KINDS = ("text", "label", "int", "rate", "score", "date")


@dataclass(frozen=True)
class Column:
    """One column: the row key it shows, its width, how it is formatted."""

    key: str
    width: float
    kind: str = "text"  # text: left, may wrap; label: short centered text; int/rate/score/date
    wrap: bool = False
    group: str | None = None  # a title spanning several columns in the row above

    @property
    def label(self) -> str:
        return REPORT_COLUMN[self.key]

    @property
    def group_label(self) -> str | None:
        return REPORT_GROUP[self.group] if self.group else None


@dataclass(frozen=True)
class Layout:
    """One sheet: its name, columns, and what stays visible (frozen, filtered)."""

    key: str
    columns: tuple[Column, ...]
    freeze_columns: int = 0  # columns kept visible when scrolling right
    autofilter: bool = False

    @property
    def title(self) -> str:
        return REPORT_SHEET[self.key]

    @property
    def grouped(self) -> bool:
        return any(column.group for column in self.columns)


def _c(key: str, width: float, kind: str = "int", **options: object) -> Column:
    return Column(key, width, kind, **options)  # type: ignore[arg-type]


SUMMARY = Layout(
    "summary",
    (
        _c("community", 12, "text"),
        _c("raised", 6.5),
        _c("src_night_talk", 5.5, group="by_source"),
        _c("src_shuoshi", 5.5, group="by_source"),
        _c("src_visit", 5.5, group="by_source"),
        _c("src_other", 5.5, group="by_source"),
        _c("finished", 6.5),
        _c("declined", 7.5),
        _c("finish_rate", 7.5, "rate"),
        _c("on_time", 7.5),
        _c("on_time_rate", 7.5, "rate"),
        _c("replied", 6.5),
        _c("reply_rate", 7.5, "rate"),
        _c("rated", 6.5),
        _c("satisfied", 6.5),
        _c("unsatisfied", 6.5),
        _c("satisfaction_rate", 7.5, "rate"),
        _c("overdue", 7.5),
        _c("repeats", 7.5),
        _c("repeat_rate", 7.5, "rate"),
        _c("carried", 5.5, group="carry"),
        _c("carried_finished", 6.5, group="carry"),
        _c("carried_overdue", 6.5, group="carry"),
        _c("mt_night_talk", 6.5, group="meetings"),
        _c("att_night_talk", 6.5, group="meetings"),
        _c("mt_shuoshi", 6.5, group="meetings"),
        _c("att_shuoshi", 6.5, group="meetings"),
        _c("meeting_items", 7.5, group="meetings"),
    ),
    freeze_columns=1,
)

DETAIL = Layout(
    "detail",
    (
        _c("seq", 5.5),
        _c("number", 6.5),
        _c("community", 11, "text"),
        _c("place", 12, "text", wrap=True),
        _c("source", 9, "label"),
        _c("meeting_date", 10.5, "date"),
        _c("raised_on", 10.5, "date"),
        _c("reporter", 8, "text"),
        _c("phone", 13, "label"),
        _c("title", 32, "text", wrap=True),
        _c("category", 9, "label"),
        _c("scale", 5.5, "label"),
        _c("unit", 14, "text", wrap=True),
        _c("assigned_on", 10.5, "date"),
        _c("due_on", 10.5, "date"),
        _c("resolved_on", 10.5, "date"),
        _c("result", 24, "text", wrap=True),
        _c("replied_on", 10.5, "date"),
        _c("reply_channel", 8, "label"),
        _c("rating", 8, "label"),
        _c("status", 8, "label"),
        _c("is_overdue", 11, "label"),
        _c("belongs", 8, "label"),
        _c("repeat_of", 10, "text"),
    ),
    freeze_columns=2,
    autofilter=True,
)

OVERDUE = Layout(
    "overdue",
    (
        _c("seq", 5.5),
        _c("number", 6.5),
        _c("community", 11, "text"),
        _c("place", 12, "text", wrap=True),
        _c("title", 32, "text", wrap=True),
        _c("unit", 14, "text", wrap=True),
        _c("raised_on", 10.5, "date"),
        _c("assigned_on", 10.5, "date"),
        _c("due_on", 10.5, "date"),
        _c("workdays_overdue", 7.5),
        _c("level", 10, "label"),
        _c("remind_count", 6.5),
        _c("last_progress", 24, "text", wrap=True),
        _c("belongs", 8, "label"),
    ),
    freeze_columns=2,
    autofilter=True,
)

UNITS = Layout(
    "units",
    (
        _c("unit", 18, "text", wrap=True),
        _c("dispatched", 7.5),
        _c("unit_on_time", 7.5),
        _c("unit_late", 7.5),
        _c("unit_open", 7.5),
        _c("close_rate", 8.5, "rate"),
        _c("close_on_time_rate", 8.5, "rate"),
        _c("rated", 7.5),
        _c("unsatisfied", 7.5),
        _c("unsatisfied_rate", 8.5, "rate"),
    ),
    freeze_columns=1,
)

CATEGORIES = Layout(
    "categories",
    (
        _c("category", 12, "text"),
        _c("raised", 7.5),
        _c("share", 8.5, "rate"),
        _c("finished", 7.5),
        _c("finish_rate", 8.5, "rate"),
        _c("overdue", 8.5),
        _c("unsatisfied", 7.5),
    ),
    freeze_columns=1,
)

MEETINGS = Layout(
    "meetings",
    (
        _c("seq", 5.5),
        _c("meeting_number", 7.5),
        _c("held_on", 10.5, "date"),
        _c("kind", 9, "label"),
        _c("community", 11, "text"),
        _c("place", 12, "text", wrap=True),
        _c("host", 8, "text"),
        _c("attendees", 7.5),
        _c("items", 7.5),
        _c("items_finished", 7.5),
        _c("items_replied", 7.5),
        _c("note", 36, "text", wrap=True),
    ),
    freeze_columns=2,
    autofilter=True,
)

# The sheets of a subdistrict's workbook, in the order a reader sees them.
SUBDISTRICT_BOOK = (SUMMARY, DETAIL, OVERDUE, UNITS, CATEGORIES, MEETINGS)

# The county summary: one row per subdistrict, ranked.
RANKING = Layout(
    "ranking",
    (
        _c("rank", 5.5),
        _c("subdistrict", 12, "text"),
        _c("raised", 6.5),
        _c("finished", 6.5),
        _c("finish_rate", 7.5, "rate"),
        _c("on_time_rate", 7.5, "rate"),
        _c("replied", 6.5),
        _c("reply_rate", 7.5, "rate"),
        _c("rated", 6.5),
        _c("satisfaction_rate", 7.5, "rate"),
        _c("overdue", 7.5),
        _c("carried", 5.5),
        _c("carried_finished", 6.5),
        _c("score", 7.5, "score"),
        _c("remark", 22, "text", wrap=True),
    ),
    freeze_columns=2,
)
