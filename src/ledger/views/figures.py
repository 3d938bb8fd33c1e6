"""The report figures (docs/figures.md): counters per community, unit, category and meeting,
tallied from the items as of the cut-off."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ledger.domain import deadlines
from ledger.domain.dates import iso
from ledger.domain.labels import MEETING_KIND, SATISFIED_RATINGS, SOURCE
from ledger.domain.report_labels import REPORT_TEXT
from ledger.registry import edits as registry_edits
from ledger.store.ledger_file import Ledger
from ledger.views.asof import SELF_HANDLED, AsOfItem, holders_at, items_as_of
from ledger.views.coverage import Lookups, Period, Scope

BASICALLY_CREDIT = 0.9  # 12345 profile: a 基本满意 counts as 0.9 of a 满意


def ratio(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide by (shown as "—")."""
    return part / whole if whole else None


@dataclass
class Figures:
    """The §5 figures for a community, a subdistrict or a county."""

    raised: int = 0  # 受理数: raised in the period
    by_source: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SOURCE.codes, 0))
    finished: int = 0  # 办结数 (resolved or declined) by the cut-off
    declined: int = 0  # of which 不予办理
    on_time: int = 0  # 按时办结数
    replied: int = 0  # 回复数
    rated: int = 0  # 评价数 (a latest rating exists)
    satisfied: int = 0  # latest rating 满意 or 基本满意
    unsatisfied: int = 0  # latest rating 不满意
    overdue: int = 0  # 超期未办结数 (of the items raised in the period)
    carried: int = 0  # 结转: raised before the period, open at its start
    carried_finished: int = 0  # of those, 办结 by the cut-off
    carried_overdue: int = 0  # of those, still open and overdue at the cut-off
    sessions: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MEETING_KIND.codes, 0))
    attendees: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MEETING_KIND.codes, 0))
    meeting_items: int = 0  # items raised in the period at the meetings held in it
    # For the 12345 profile (see PROFILES): 已响应 = no longer 待分办 at the cut-off; of the
    # items with a valid return visit (a rating), 已解决 = 办结 by 办理 (not 不予办理).
    responded: int = 0
    solved: int = 0
    fully_satisfied: int = 0  # latest rating 满意
    basically: int = 0  # latest rating 基本满意
    repeats: int = 0  # 重复反映: raised in the period, linked to an earlier item at the cut-off

    @property
    def finish_rate(self) -> float | None:
        return ratio(self.finished, self.raised)

    @property
    def on_time_rate(self) -> float | None:
        return ratio(self.on_time, self.raised)

    @property
    def reply_rate(self) -> float | None:
        return ratio(self.replied, self.raised)

    @property
    def satisfaction_rate(self) -> float | None:
        return ratio(self.satisfied, self.rated)

    @property
    def response_rate(self) -> float | None:
        """12345 响应率 = 已响应 / 受理数."""
        return ratio(self.responded, self.raised)

    @property
    def solve_rate(self) -> float | None:
        """12345 解决率 = 已解决 / 有效回访数 (评价数)."""
        return ratio(self.solved, self.rated)

    @property
    def hotline_satisfaction_rate(self) -> float | None:
        """12345 满意率 = (满意 + 0.9 × 基本满意) / 有效回访数."""
        if not self.rated:
            return None
        return (self.fully_satisfied + BASICALLY_CREDIT * self.basically) / self.rated

    @property
    def repeat_rate(self) -> float | None:
        """重复率 = 重复反映 / 受理数."""
        return ratio(self.repeats, self.raised)

    def count(self, item: AsOfItem) -> None:
        """Add one item of the report."""
        if item.belongs == "carried":
            self.carried += 1
            self.carried_finished += item.finished
            self.carried_overdue += item.overdue
            return
        self.raised += 1
        source = item.state["source"]
        self.by_source[source] = self.by_source.get(source, 0) + 1
        self.finished += item.finished
        self.declined += item.declined
        self.on_time += item.on_time
        self.replied += item.replied
        self.rated += item.rating is not None
        self.satisfied += item.rating in SATISFIED_RATINGS
        self.unsatisfied += item.rating == "unsatisfied"
        self.overdue += item.overdue
        self._count_profile(item)
        self.repeats += item.state.get("repeat_of") is not None

    def _count_profile(self, item: AsOfItem) -> None:
        """The 12345 profile's counts of an item raised in the period."""
        self.responded += item.state["status"] != "raised"
        rating = item.rating
        if rating is None:
            return
        self.solved += item.finished and not item.declined
        self.fully_satisfied += rating == "satisfied"
        self.basically += rating == "basically"

    def merge(self, other: Figures) -> None:
        """Add another set of figures (communities into a subdistrict, and so on)."""
        for name in [
            "raised",
            "finished",
            "declined",
            "on_time",
            "replied",
            "rated",
            "satisfied",
            "unsatisfied",
            "overdue",
            "carried",
            "carried_finished",
            "carried_overdue",
            "meeting_items",
            "responded",
            "solved",
            "fully_satisfied",
            "basically",
            "repeats",
        ]:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for mine, theirs in (
            (self.by_source, other.by_source),
            (self.sessions, other.sessions),
            (self.attendees, other.attendees),
        ):
            for key, value in theirs.items():
                mine[key] = mine.get(key, 0) + value

    def as_dict(self) -> dict[str, Any]:
        """Counts and rates (None for a 0 denominator), flat, for rows and ``--json``."""
        data: dict[str, Any] = {
            "raised": self.raised,
            **{f"src_{code}": count for code, count in self.by_source.items()},
            "finished": self.finished,
            "declined": self.declined,
            "finish_rate": self.finish_rate,
            "on_time": self.on_time,
            "on_time_rate": self.on_time_rate,
            "replied": self.replied,
            "reply_rate": self.reply_rate,
            "rated": self.rated,
            "satisfied": self.satisfied,
            "unsatisfied": self.unsatisfied,
            "satisfaction_rate": self.satisfaction_rate,
            "overdue": self.overdue,
            "repeats": self.repeats,
            "repeat_rate": self.repeat_rate,
            "carried": self.carried,
            "carried_finished": self.carried_finished,
            "carried_overdue": self.carried_overdue,
        }
        for code in MEETING_KIND.codes:
            data[f"mt_{code}"] = self.sessions.get(code, 0)
            data[f"att_{code}"] = self.attendees.get(code, 0)
        data["meeting_items"] = self.meeting_items
        data.update(
            responded=self.responded,
            response_rate=self.response_rate,
            solved=self.solved,
            solve_rate=self.solve_rate,
            basically=self.basically,
            hotline_satisfaction_rate=self.hotline_satisfaction_rate,
        )
        return data


@dataclass
class UnitFigures:
    """One row of the 承办单位 table (the items raised in the period, by the unit at the cut-off)."""

    name: str
    dispatched: int = 0  # 派单数
    on_time: int = 0  # 按时办结
    late: int = 0  # 超时办结
    open: int = 0  # 未办结
    rated: int = 0
    unsatisfied: int = 0
    yellow_cards: int = 0  # 黄牌 standing at the cut-off (deadlines.card)
    red_cards: int = 0  # 红牌 standing at the cut-off
    # 重复反映 of this unit: items raised in the period that repeat an original this unit
    # held at the cut-off (the first handling did not hold), wherever the original was raised
    repeats: int = 0

    @property
    def close_rate(self) -> float | None:
        return ratio(self.on_time + self.late, self.dispatched)

    @property
    def close_on_time_rate(self) -> float | None:
        return ratio(self.on_time, self.dispatched)

    @property
    def unsatisfied_rate(self) -> float | None:
        return ratio(self.unsatisfied, self.rated)

    @property
    def repeat_rate(self) -> float | None:
        """重复率 of a unit = 重复反映 / 派单数 (may pass 100 %: the originals can be older)."""
        return ratio(self.repeats, self.dispatched)

    def count(self, item: AsOfItem) -> None:
        """An item this unit holds at the cut-off."""
        self.dispatched += 1
        if not item.finished:
            self.open += 1
        elif item.on_time:
            self.on_time += 1
        else:
            self.late += 1

    def count_rating(self, item: AsOfItem) -> None:
        """An item this unit held when the resident judged it."""
        self.rated += item.rating is not None
        self.unsatisfied += item.rating == "unsatisfied"

    def merge(self, other: UnitFigures) -> None:
        for name in (
            "dispatched",
            "on_time",
            "late",
            "open",
            "rated",
            "unsatisfied",
            "yellow_cards",
            "red_cards",
            "repeats",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.name,
            "dispatched": self.dispatched,
            "unit_on_time": self.on_time,
            "unit_late": self.late,
            "unit_open": self.open,
            "close_rate": self.close_rate,
            "close_on_time_rate": self.close_on_time_rate,
            "rated": self.rated,
            "unsatisfied": self.unsatisfied,
            "unsatisfied_rate": self.unsatisfied_rate,
            "yellow_cards": self.yellow_cards,
            "red_cards": self.red_cards,
            "repeats": self.repeats,
            "repeat_rate": self.repeat_rate,
        }


@dataclass
class CategoryFigures:
    """One row of 分类统计 (the items raised in the period, by category at the cut-off)."""

    label: str
    raised: int = 0
    finished: int = 0
    overdue: int = 0
    unsatisfied: int = 0

    def count(self, item: AsOfItem) -> None:
        self.raised += 1
        self.finished += item.finished
        self.overdue += item.overdue
        self.unsatisfied += item.rating == "unsatisfied"

    def as_dict(self, total: int) -> dict[str, Any]:
        return {
            "category": self.label,
            "raised": self.raised,
            "share": ratio(self.raised, total),
            "finished": self.finished,
            "finish_rate": ratio(self.finished, self.raised),
            "overdue": self.overdue,
            "unsatisfied": self.unsatisfied,
        }


@dataclass
class Tally:
    """Everything a subdistrict's report prints except the item rows themselves."""

    period: Period
    scope: Scope
    communities: dict[int, Figures]
    units: dict[int | None, UnitFigures] = field(default_factory=dict)
    categories: dict[str, CategoryFigures] = field(default_factory=dict)
    meetings: list[dict[str, Any]] = field(default_factory=list)
    meeting_index: dict[int, dict[str, Any]] = field(default_factory=dict)
    originals: list[int] = field(default_factory=list)  # of each 重复反映 raised in the period

    @property
    def total(self) -> Figures:
        total = Figures()
        for figures in self.communities.values():
            total.merge(figures)
        return total

    @property
    def has_data(self) -> bool:
        """Anything to report: items raised or carried in, or meetings held."""
        total = self.total
        return bool(total.raised or total.carried or self.meetings)

    def count(self, item: AsOfItem, lookups: Lookups) -> None:
        """Add one item to every counter it belongs to."""
        self.communities[item.state["community_id"]].count(item)
        if item.belongs != "raised":
            return
        holder = item.state["unit_id"]
        if holder is None and item.finished:
            holder = SELF_HANDLED  # settled or declined by the community itself
        self._unit(holder, lookups).count(item)
        if item.rating is not None:
            judged = item.judged_unit_id if item.judged_unit_id is not None else SELF_HANDLED
            self._unit(judged, lookups).count_rating(item)
        if item.state.get("repeat_of") is not None:
            self.originals.append(item.state["repeat_of"])
        code = item.state["category"]
        if code not in self.categories:
            self.categories[code] = CategoryFigures(lookups.categories.get(code, code))
        self.categories[code].count(item)
        meeting = self.meeting_index.get(item.state["meeting_id"])
        if meeting is not None:
            meeting["items"] += 1
            meeting["items_finished"] += item.finished
            meeting["items_replied"] += item.replied
            self.communities[meeting["community_id"]].meeting_items += 1

    def _unit(self, unit_id: int | None, lookups: Lookups) -> UnitFigures:
        if unit_id not in self.units:
            if unit_id == SELF_HANDLED:
                name = REPORT_TEXT["self_handled"]
            elif unit_id is None:
                name = REPORT_TEXT["no_unit"]
            else:
                name = lookups.units.get(unit_id, "")
            self.units[unit_id] = UnitFigures(name)
        return self.units[unit_id]

    def unit_rows(self) -> list[UnitFigures]:
        """Units by name, then 社区自办, then the items never assigned."""
        named = sorted(
            (u for k, u in self.units.items() if k not in (None, SELF_HANDLED)),
            key=lambda u: u.name,
        )
        tail = [self.units[k] for k in (SELF_HANDLED, None) if k in self.units]
        return named + tail

    def unit_total(self) -> UnitFigures:
        total = UnitFigures(REPORT_TEXT["total"])
        for unit in self.units.values():
            total.merge(unit)
        return total

    def category_rows(self, lookups: Lookups) -> list[CategoryFigures]:
        """Categories in list order (the built-in order, then the clerk's own)."""
        order = {code: position for position, code in enumerate(lookups.categories)}
        codes = sorted(self.categories, key=lambda code: (order.get(code, len(order)), code))
        return [self.categories[code] for code in codes]


def _meetings(ledger: Ledger, period: Period, scope: Scope) -> list[dict[str, Any]]:
    """Meetings held in the period (up to the cut-off day) in the subdistrict, by date, as
    they were recorded at the cut-off (a correction made later — ``meeting edit`` — does not
    change a past period's figures, as an item's later events do not)."""
    ids = sorted(scope.community_ids)
    if not ids:
        return []
    first, last = iso(period.first), iso(period.cutoff_day)
    corrected = registry_edits.values_at(ledger, "meeting", period.cutoff_at)
    cursor = ledger.conn.execute(
        "SELECT m.id, m.number, m.kind, m.held_on, m.community_id, m.place_id, m.host, "
        "m.attendees, m.note FROM meetings m "
        f"WHERE m.community_id IN ({','.join('?' * len(ids))}) "
        f"AND (m.held_on BETWEEN ? AND ? OR m.id IN ({','.join('?' * len(corrected))})) "
        "ORDER BY m.held_on, m.number",
        [*ids, first, last, *corrected],
    )
    names = [d[0] for d in cursor.description]
    rows = []
    for row in cursor:
        meeting = dict(zip(names, row, strict=True))
        meeting.update(corrected.get(meeting["id"], {}))
        if not first <= meeting["held_on"] <= last:  # type: ignore[operator]
            continue
        meeting.update(items=0, items_finished=0, items_replied=0)
        rows.append(meeting)
    rows.sort(key=lambda meeting: (meeting["held_on"], meeting["number"]))
    return rows


def compute(
    ledger: Ledger,
    period: Period,
    scope: Scope,
    lookups: Lookups,
    on_item: Callable[[AsOfItem], None] | None = None,
) -> Tally:
    """A subdistrict's figures for the period; ``on_item`` sees every item as it is counted.

    The report writer streams its detail rows through ``on_item``; ``ledger stats`` passes
    nothing. Both get their figures from here.
    """
    tally = Tally(period, scope, {community_id: Figures() for community_id, _ in scope.communities})
    tally.meetings = _meetings(ledger, period, scope)
    tally.meeting_index = {meeting["id"]: meeting for meeting in tally.meetings}
    for meeting in tally.meetings:
        figures = tally.communities[meeting["community_id"]]
        figures.sessions[meeting["kind"]] = figures.sessions.get(meeting["kind"], 0) + 1
        figures.attendees[meeting["kind"]] = figures.attendees.get(meeting["kind"], 0) + (
            meeting["attendees"] or 0
        )
    for item in items_as_of(ledger, period, scope, lookups):
        tally.count(item, lookups)
        count_card(ledger, tally, item, period)
        if on_item is not None:
            on_item(item)
    # 重复反映 per unit: against whoever held the original at the cut-off.
    holders = holders_at(ledger, period, set(tally.originals))
    for original in tally.originals:
        tally._unit(holders.get(original), lookups).repeats += 1
    return tally


def card_at_cutoff(ledger: Ledger, item: AsOfItem, period: Period) -> str | None:
    """黄牌 / 红牌 an item showed at the cut-off (deadlines.card; None once finished)."""
    if item.finished or not item.state["due_on"]:
        return None
    due = date.fromisoformat(item.state["due_on"])
    return deadlines.deadline(ledger, item.state["status"], due, period.cutoff_day).card


def count_card(ledger: Ledger, tally: Tally, item: AsOfItem, period: Period) -> None:
    """Add an item's card at the cut-off to its unit's row (items raised in the period)."""
    if item.belongs != "raised":
        return
    card = card_at_cutoff(ledger, item, period)
    if card is not None:
        unit = tally.units[item.state["unit_id"]]
        if card == "red":
            unit.red_cards += 1
        else:
            unit.yellow_cards += 1
