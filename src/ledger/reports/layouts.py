"""Every sheet of the report as data: its columns, their titles, widths and formats.

The one writer (:mod:`ledger.reports.writer`) reads these; adding a column to a sheet is one
entry here (plus its title in ``labels.REPORT_COLUMN``, its kind below when it is not a count,
and its value in the row the build makes). Widths are in Excel character units, where a
Chinese character counts as two.
"""

from __future__ import annotations

from dataclasses import dataclass

from ledger.domain.report_labels import REPORT_COLUMN, REPORT_GROUP, REPORT_SHEET

# How a column's values are shown (number format and alignment live in the writer): text is
# left-aligned and may wrap; label is short centered text; delta / delta_rate is a change,
# shown with its sign (+16, -7.0%).
KINDS = ("text", "label", "int", "rate", "score", "date", "delta", "delta_rate")

# The kind of every key that is not a count, the same on every sheet it appears on.
KIND_OF = {
    **dict.fromkeys(
        (
            "community", "place", "reporter", "title", "repeat_of", "unit", "result",
            "last_progress", "host", "note", "subdistrict", "reasons", "remark",
            "top_subdistrict", "still_numbers", "category",
        ),
        "text",
    ),
    **dict.fromkeys(
        (
            "source", "phone", "scale", "reply_channel", "rating", "status", "is_overdue",
            "belongs", "level", "card", "kind", "board",
        ),
        "label",
    ),
    **dict.fromkeys(
        (
            "meeting_date", "raised_on", "assigned_on", "due_on", "resolved_on", "replied_on",
            "held_on",
        ),
        "date",
    ),
    **dict.fromkeys(
        (
            "finish_rate", "on_time_rate", "reply_rate", "satisfaction_rate", "repeat_rate",
            "close_rate", "close_on_time_rate", "unsatisfied_rate", "share", "response_rate",
            "solve_rate", "hotline_satisfaction_rate",
        ),
        "rate",
    ),
    "score": "score",
    "change": "delta",
    "change_rate": "delta_rate",
}  # fmt: skip


@dataclass(frozen=True)
class Column:
    """One column: the row key it shows, its width, how it is formatted."""

    key: str
    width: float
    kind: str = "int"  # one of KINDS
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


def _c(key: str, width: float, **options: object) -> Column:
    """A column of ``key``, of the kind that key always has (unless ``kind`` is given)."""
    options.setdefault("kind", KIND_OF.get(key, "int"))
    return Column(key, width, **options)  # type: ignore[arg-type]


def _cs(width: float, *keys: str, group: str | None = None) -> tuple[Column, ...]:
    """Several columns of one width (and one group title) side by side."""
    return tuple(_c(key, width, group=group) for key in keys)


# The layouts are tables: one line a group of columns read together (a count and its rate).
# fmt: off

# Columns that stand on several sheets alike.
NUMBER = _c("number", 6.5)
COMMUNITY = _c("community", 11, wrap=True, most=13)  # widened by the names, up to 13
BELONGS = _c("belongs", 8.5)

# 汇总 in two parts, each legible on one A4 width: the handling figures, then carry-over and
# meetings (28 columns on one page came out at a magnifier's size).
SUMMARY = Layout("summary", (
    _c("community", 12), _c("raised", 6.5),
    *_cs(5.5, "src_night_talk", "src_shuoshi", "src_visit", "src_other", group="by_source"),
    _c("finished", 6.5), _c("declined", 7.5), _c("finish_rate", 7.5),
    _c("on_time", 7.5), _c("on_time_rate", 7.5),
    _c("replied", 6.5), _c("reply_rate", 7.5),
    _c("rated", 6.5), _c("satisfied", 6.5), _c("unsatisfied", 6.5), _c("satisfaction_rate", 7.5),
    _c("overdue", 7.5),
), freeze_columns=1)

SUMMARY_MORE = Layout("summary_more", (
    _c("community", 12),
    *_cs(7.5, "carried", "carried_finished", "carried_overdue", group="carry"),
    *_cs(7.5, "mt_night_talk", "att_night_talk", "mt_shuoshi", "att_shuoshi", group="meetings"),
    _c("meeting_items", 8.5, group="meetings"),
    _c("repeats", 7.5), _c("repeat_rate", 7.5),
), freeze_columns=1)

# 问题台账 in two parts that share 编号 and 社区: registration and hand-over, then handling
# and reply (23 columns on one A4 width printed at 4–5 pt).
DETAIL = Layout("detail", (
    NUMBER, COMMUNITY, _c("place", 9, wrap=True),
    _c("source", 5.5), _c("meeting_date", 10), _c("raised_on", 10),  # 来源: 夜话 / 说事 / 走访 / 其他
    _c("reporter", 7.5), _c("phone", 11.5),
    _c("title", 26, wrap=True), _c("repeat_of", 6, wrap=True),  # repeat_of: 重复反映 of which item
    _c("category", 9, kind="label"), _c("scale", 5.5),
    _c("unit", 12, wrap=True), _c("assigned_on", 10), _c("due_on", 10),
), freeze_columns=2, autofilter=True)

DETAIL_HANDLING = Layout("detail_handling", (
    NUMBER, COMMUNITY, _c("title", 18, wrap=True),
    _c("unit", 12, wrap=True), _c("due_on", 10),
    _c("resolved_on", 10), _c("result", 24, wrap=True),
    _c("replied_on", 10), _c("reply_channel", 8.5), _c("rating", 8.5),
    _c("status", 7), _c("is_overdue", 11, wrap=True), BELONGS,
), freeze_columns=2, autofilter=True)

OVERDUE = Layout("overdue", (
    NUMBER, COMMUNITY, _c("place", 12, wrap=True), _c("title", 24, wrap=True),
    _c("unit", 12, wrap=True), _c("assigned_on", 10), _c("due_on", 10),
    _c("workdays_overdue", 6.5), _c("level", 9, wrap=True), _c("card", 5.5),
    _c("remind_count", 6.5), _c("last_progress", 20, wrap=True), BELONGS,
), freeze_columns=2, autofilter=True)

UNITS = Layout("units", (
    _c("unit", 18, wrap=True),
    *_cs(7.5, "dispatched", "unit_on_time", "unit_late", "unit_open"),
    _c("close_rate", 8.5), _c("close_on_time_rate", 8.5),
    _c("rated", 7.5), _c("unsatisfied", 7.5), _c("unsatisfied_rate", 8.5),
    *_cs(6.5, "yellow_cards", "red_cards", group="cards"),
    *_cs(7.5, "repeats", "repeat_rate"),  # 重复反映 of the originals this unit held
), freeze_columns=1)

CATEGORIES = Layout("categories", (
    _c("category", 12), _c("raised", 7.5), _c("share", 8.5),
    _c("finished", 7.5), _c("finish_rate", 8.5),
    _c("overdue", 8.5), _c("unsatisfied", 7.5),
), freeze_columns=1)

MEETINGS = Layout("meetings", (
    _c("meeting_number", 7.5), _c("held_on", 10.5), _c("kind", 7),
    COMMUNITY, _c("place", 12, wrap=True), _c("host", 8, wrap=True),
    *_cs(7.5, "attendees", "items", "items_finished", "items_replied"),
    _c("note", 36, wrap=True),
), freeze_columns=2, autofilter=True)

# The sheets of a subdistrict's workbook, in the order a reader sees them ("chart" is the
# sheet holding the chart of 汇总).
SUBDISTRICT_BOOK = (
    SUMMARY, SUMMARY_MORE, DETAIL, DETAIL_HANDLING, OVERDUE, UNITS, CATEGORIES, MEETINGS,
)

# The county summary (通报): 红榜/黑榜, the ranking (its rate columns follow the scoring
# profile), 热点问题, and the follow-up of last period's unfinished and 不满意 items.
HONOR = Layout("honor", (
    _c("board", 7), _c("rank", 5.5), _c("subdistrict", 12),
    _c("raised", 6.5), _c("score", 7.5), _c("reasons", 56, wrap=True),
))

_RANK_HEAD = (_c("rank", 5.5), _c("subdistrict", 12), _c("raised", 6.5))
_RANK_TAIL = (_c("overdue", 7.5), _c("score", 7.5), _c("remark", 20, wrap=True))
RANKING = Layout("ranking", (
    *_RANK_HEAD,
    _c("finished", 6.5), _c("finish_rate", 7.5), _c("on_time_rate", 7.5),
    _c("replied", 6.5), _c("reply_rate", 7.5),
    _c("rated", 6.5), _c("satisfaction_rate", 7.5),
    _c("carried", 6.5), _c("carried_finished", 6.5),
    *_RANK_TAIL,
), freeze_columns=2)
RANKING_12345 = Layout("ranking", (
    *_RANK_HEAD,
    _c("responded", 6.5), _c("response_rate", 7.5),
    _c("visits", 6.5), _c("solved", 6.5), _c("solve_rate", 7.5),
    _c("fully_satisfied", 6.5), _c("basically", 6.5), _c("hotline_satisfaction_rate", 8.5),
    *_RANK_TAIL,
), freeze_columns=2)
RANKINGS = {"standard": RANKING, "12345": RANKING_12345}

HOT = Layout("hot", (
    _c("hot_rank", 5.5), _c("category", 12),
    _c("raised", 7.5), _c("share", 8.5),
    _c("previous", 8.5), _c("change", 8.5), _c("change_rate", 8.5),
    _c("top_subdistrict", 34, wrap=True),
))

FOLLOWUP = Layout("followup", (
    _c("subdistrict", 12),
    *_cs(8.5, "prev_open", "open_finished", "open_still", "open_overdue", group="prev_open"),
    *_cs(8.5, "prev_unsatisfied", "unsat_refinished", "unsat_satisfied", "unsat_still",
         group="prev_unsatisfied"),
    _c("still_numbers", 48, wrap=True),
), freeze_columns=1)

# fmt: on

COUNTY_BOOK = (HONOR, RANKING, HOT, FOLLOWUP)
