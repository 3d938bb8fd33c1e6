"""Every sheet of the report as data: its columns, their titles, widths and formats.

The one writer (:mod:`ledger.report.writer`) reads these; adding a column to a sheet is one
line here (plus its title in ``labels.REPORT_COLUMN`` and its value in the row the build
makes). Widths are in Excel character units, where a Chinese character counts as two.
"""

from __future__ import annotations

from dataclasses import dataclass

from ledger.domain.labels import REPORT_COLUMN, REPORT_GROUP, REPORT_SHEET

# How a column's values are shown (number format and alignment live in the writer).
KINDS = ("text", "label", "int", "rate", "score", "date", "delta", "delta_rate")


@dataclass(frozen=True)
class Column:
    """One column: the row key it shows, its width, how it is formatted."""

    key: str
    width: float
    kind: str = "text"  # text: left, may wrap; label: short centered text; int/rate/score/date;
    # delta / delta_rate: a change, shown with its sign (+16, -7.0%)
    wrap: bool = False
    group: str | None = None  # a title spanning several columns in the row above
    most: float | None = None  # names widen the column up to this; longer ones wrap

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


# 汇总 in two parts, each legible on one A4 width: the handling figures, then carry-over and
# meetings (28 columns on one page came out at a magnifier's size).
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
    ),
    freeze_columns=1,
)

SUMMARY_MORE = Layout(
    "summary_more",
    (
        _c("community", 12, "text"),
        _c("carried", 7.5, group="carry"),
        _c("carried_finished", 7.5, group="carry"),
        _c("carried_overdue", 7.5, group="carry"),
        _c("mt_night_talk", 7.5, group="meetings"),
        _c("att_night_talk", 7.5, group="meetings"),
        _c("mt_shuoshi", 7.5, group="meetings"),
        _c("att_shuoshi", 7.5, group="meetings"),
        _c("meeting_items", 8.5, group="meetings"),
        _c("repeats", 7.5),
        _c("repeat_rate", 7.5, "rate"),
    ),
    freeze_columns=1,
)

# 问题台账 in two parts that share 编号 and 社区: registration and hand-over, then handling
# and reply (23 columns on one A4 width printed at 4–5 pt).
DETAIL = Layout(
    "detail",
    (
        _c("number", 6.5),
        _c("community", 11, "text", wrap=True, most=13),
        _c("place", 9, "text", wrap=True),
        _c("source", 5.5, "label"),  # 夜话 / 说事 / 走访 / 其他
        _c("meeting_date", 10, "date"),
        _c("raised_on", 10, "date"),
        _c("reporter", 7.5, "text"),
        _c("phone", 11.5, "label"),
        _c("title", 26, "text", wrap=True),
        _c("repeat_of", 6, "text", wrap=True),  # 重复反映: of which earlier item
        _c("category", 9, "label"),
        _c("scale", 5.5, "label"),
        _c("unit", 12, "text", wrap=True),
        _c("assigned_on", 10, "date"),
        _c("due_on", 10, "date"),
    ),
    freeze_columns=2,
    autofilter=True,
)

DETAIL_HANDLING = Layout(
    "detail_handling",
    (
        _c("number", 6.5),
        _c("community", 11, "text", wrap=True, most=13),
        _c("title", 18, "text", wrap=True),
        _c("unit", 12, "text", wrap=True),
        _c("due_on", 10, "date"),
        _c("resolved_on", 10, "date"),
        _c("result", 24, "text", wrap=True),
        _c("replied_on", 10, "date"),
        _c("reply_channel", 8.5, "label"),
        _c("rating", 8.5, "label"),
        _c("status", 7, "label"),
        _c("is_overdue", 11, "label", wrap=True),
        _c("belongs", 8.5, "label"),
    ),
    freeze_columns=2,
    autofilter=True,
)

OVERDUE = Layout(
    "overdue",
    (
        _c("number", 6.5),
        _c("community", 11, "text", wrap=True, most=13),
        _c("place", 12, "text", wrap=True),
        _c("title", 24, "text", wrap=True),
        _c("unit", 12, "text", wrap=True),
        _c("assigned_on", 10, "date"),
        _c("due_on", 10, "date"),
        _c("workdays_overdue", 6.5),
        _c("level", 9, "label", wrap=True),
        _c("card", 5.5, "label"),
        _c("remind_count", 6.5),
        _c("last_progress", 20, "text", wrap=True),
        _c("belongs", 8.5, "label"),
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
        _c("yellow_cards", 6.5, group="cards"),
        _c("red_cards", 6.5, group="cards"),
        _c("repeats", 7.5),  # 重复反映 of the originals this unit held
        _c("repeat_rate", 7.5, "rate"),
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
        _c("meeting_number", 7.5),
        _c("held_on", 10.5, "date"),
        _c("kind", 7, "label"),
        _c("community", 11, "text", wrap=True, most=13),
        _c("place", 12, "text", wrap=True),
        _c("host", 8, "text", wrap=True),
        _c("attendees", 7.5),
        _c("items", 7.5),
        _c("items_finished", 7.5),
        _c("items_replied", 7.5),
        _c("note", 36, "text", wrap=True),
    ),
    freeze_columns=2,
    autofilter=True,
)

# The sheets of a subdistrict's workbook, in the order a reader sees them ("chart" is the
# sheet holding the chart of 汇总).
SUBDISTRICT_BOOK = (
    SUMMARY,
    SUMMARY_MORE,
    DETAIL,
    DETAIL_HANDLING,
    OVERDUE,
    UNITS,
    CATEGORIES,
    MEETINGS,
)

# The county summary (通报): 红榜/黑榜, the ranking (its rate columns follow the scoring
# profile), 热点问题, and the follow-up of last period's unfinished and 不满意 items.
HONOR = Layout(
    "honor",
    (
        _c("board", 7, "label"),
        _c("rank", 5.5),
        _c("subdistrict", 12, "text"),
        _c("raised", 6.5),
        _c("score", 7.5, "score"),
        _c("reasons", 56, "text", wrap=True),
    ),
)

_RANK_HEAD = (_c("rank", 5.5), _c("subdistrict", 12, "text"), _c("raised", 6.5))
_RANK_TAIL = (_c("overdue", 7.5), _c("score", 7.5, "score"), _c("remark", 20, "text", wrap=True))
RANKING = Layout(
    "ranking",
    (
        *_RANK_HEAD,
        _c("finished", 6.5),
        _c("finish_rate", 7.5, "rate"),
        _c("on_time_rate", 7.5, "rate"),
        _c("replied", 6.5),
        _c("reply_rate", 7.5, "rate"),
        _c("rated", 6.5),
        _c("satisfaction_rate", 7.5, "rate"),
        _c("carried", 6.5),
        _c("carried_finished", 6.5),
        *_RANK_TAIL,
    ),
    freeze_columns=2,
)
RANKING_12345 = Layout(
    "ranking",
    (
        *_RANK_HEAD,
        _c("responded", 6.5),
        _c("response_rate", 7.5, "rate"),
        _c("visits", 6.5),
        _c("solved", 6.5),
        _c("solve_rate", 7.5, "rate"),
        _c("fully_satisfied", 6.5),
        _c("basically", 6.5),
        _c("hotline_satisfaction_rate", 8.5, "rate"),
        *_RANK_TAIL,
    ),
    freeze_columns=2,
)
RANKINGS = {"standard": RANKING, "12345": RANKING_12345}

HOT = Layout(
    "hot",
    (
        _c("hot_rank", 5.5),
        _c("category", 12, "text"),
        _c("raised", 7.5),
        _c("share", 8.5, "rate"),
        _c("previous", 8.5),
        _c("change", 8.5, "delta"),
        _c("change_rate", 8.5, "delta_rate"),
        _c("top_subdistrict", 34, "text", wrap=True),
    ),
)

FOLLOWUP = Layout(
    "followup",
    (
        _c("subdistrict", 12, "text"),
        _c("prev_open", 8.5, group="prev_open"),
        _c("open_finished", 8.5, group="prev_open"),
        _c("open_still", 8.5, group="prev_open"),
        _c("open_overdue", 8.5, group="prev_open"),
        _c("prev_unsatisfied", 8.5, group="prev_unsatisfied"),
        _c("unsat_refinished", 8.5, group="prev_unsatisfied"),
        _c("unsat_satisfied", 8.5, group="prev_unsatisfied"),
        _c("unsat_still", 8.5, group="prev_unsatisfied"),
        _c("still_numbers", 48, "text", wrap=True),
    ),
    freeze_columns=1,
)

COUNTY_BOOK = (HONOR, RANKING, HOT, FOLLOWUP)
