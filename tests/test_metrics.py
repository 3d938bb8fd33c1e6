"""The §5 figures as of the cut-off, checked against numbers worked out by hand.

The ledger is tests/june_ledger.py (read its table first); every expected number below is
counted from that table, with the arithmetic in a comment.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from june_ledger import build_june, phase_b, phase_later
from ledger.domain.errors import LedgerError
from ledger.store.ledger_file import Ledger
from ledger.views import asof, coverage, figures, ranking

JUNE_CUTOFF = datetime(2026, 6, 30, 23, 59, 59)


@pytest.fixture
def june(ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    build_june(ledger, monkeypatch)
    phase_b(ledger, monkeypatch)
    return ledger


def tally_of(ledger: Ledger, month: str, subdistrict: str = "古槐街道") -> figures.Tally:
    period = coverage.parse_period(month, None, None, ledger.now())
    scope = coverage.scopes(ledger, subdistrict)[0]
    return figures.compute(ledger, period, scope, coverage.Lookups(ledger))


def items_of(ledger: Ledger, month: str, subdistrict: str = "古槐街道") -> list[asof.AsOfItem]:
    period = coverage.parse_period(month, None, None, ledger.now())
    scope = coverage.scopes(ledger, subdistrict)[0]
    return list(asof.items_as_of(ledger, period, scope, coverage.Lookups(ledger)))


# Raised in June in 古槐街道: items 4–12 (9 items). Finished by the cut-off: 4, 5, 7 (backdated
# to 06-15), 8 (declined), 11, 12 → 6. On time: 4 (06-01 ≤ 06-04), 5 (latest 办结 06-12 ≤ new
# due 06-15), 7 (06-15 ≤ 06-15, the due day counts), 8 (06-11 ≤ 06-15), 12 (06-04 ≤ 06-05) → 5;
# 11 was late (06-30 > 06-29). Replied by the cut-off: 4, 5, 8, 12 → 4 (7 and 11 were told in
# July). Latest ratings: 4 满意, 5 满意 (after 不满意 and 重办), 12 不满意 → 3 rated, 2 satisfied.
# Open and past due at the cut-off: 6 (due 06-23), 9 (due 06-25) → 2; 10 is due 07-02.
# Carried in: 1 and 3 (open on 06-01; 2 was resolved in May); 1 resolved in June; 3 overdue.
JUNE_TOTAL = {
    "raised": 9,
    "src_night_talk": 3,  # 4, 5, 6
    "src_shuoshi": 2,  # 7, 8
    "src_visit": 3,  # 9, 10, 12
    "src_other": 1,  # 11
    "finished": 6,
    "declined": 1,  # 8
    "finish_rate": 6 / 9,  # 66.7 %
    "on_time": 5,
    "on_time_rate": 5 / 9,  # 55.6 %
    "replied": 4,
    "reply_rate": 4 / 9,  # 44.4 %
    "rated": 3,
    "satisfied": 2,
    "unsatisfied": 1,
    "satisfaction_rate": 2 / 3,  # 66.7 %
    "overdue": 2,
    "repeats": 0,  # no item of June is linked as a repeat
    "repeat_rate": 0.0,  # 0 / 9
    "carried": 2,
    "carried_finished": 1,
    "carried_overdue": 1,
    "mt_night_talk": 1,  # meeting 1 (meeting 3 was in May)
    "att_night_talk": 23,
    "mt_shuoshi": 1,  # meeting 2
    "att_shuoshi": 40,
    "meeting_items": 5,  # 4, 5, 6 at meeting 1; 7, 8 at meeting 2
    # 12345 profile. 已响应 = no longer 待分办 at the cut-off: all but 10 (never assigned) → 8.
    # Valid return visits = rated: 4, 5, 12 → 3. 已解决 = of those, 办结 not by 不予办理:
    # 4 (settled), 5 (重新划线), 12 (已劝导, filed with 不满意) → 3. No 基本满意 in June.
    "responded": 8,
    "response_rate": 8 / 9,
    "solved": 3,
    "solve_rate": 3 / 3,
    "basically": 0,
    "hotline_satisfaction_rate": (2 + 0.9 * 0) / 3,  # 4 and 5 满意
}


def test_june_totals_by_hand(june: Ledger) -> None:
    assert tally_of(june, "2026-06").total.as_dict() == pytest.approx(JUNE_TOTAL)


def test_june_per_community(june: Ledger) -> None:
    tally = tally_of(june, "2026-06")
    names = dict(tally.scope.communities)
    by_name = {names[cid]: figures.as_dict() for cid, figures in tally.communities.items()}
    assert list(by_name) == ["南池社区", "铁塔寺社区"]  # path order
    # 铁塔寺: raised 4, 5, 6, 10, 11 (夜话 3, 走访 1, 其他 1); finished 4, 5, 11; on time 4, 5;
    # replied 4, 5; rated 4, 5 (both 满意); overdue 6; carried 1 and 3.
    tieta = by_name["铁塔寺社区"]
    assert (tieta["raised"], tieta["src_night_talk"], tieta["src_visit"], tieta["src_other"]) == (
        5,
        3,
        1,
        1,
    )
    assert (tieta["finished"], tieta["on_time"], tieta["replied"], tieta["overdue"]) == (3, 2, 2, 1)
    assert tieta["finish_rate"] == pytest.approx(3 / 5)  # 60.0 %
    assert tieta["satisfaction_rate"] == pytest.approx(2 / 2)  # 100.0 %
    assert (tieta["carried"], tieta["carried_finished"], tieta["carried_overdue"]) == (2, 1, 1)
    assert (tieta["mt_night_talk"], tieta["att_night_talk"], tieta["meeting_items"]) == (1, 23, 3)
    # 南池: raised 7, 8, 9, 12 (说事 2, 走访 2); finished 7, 8, 12, of which 8 declined; all
    # three on time; replied 8, 12; rated 12 (不满意) → 满意率 0 / 1; overdue 9; nothing carried.
    nanchi = by_name["南池社区"]
    assert (nanchi["raised"], nanchi["src_shuoshi"], nanchi["src_visit"]) == (4, 2, 2)
    assert (nanchi["finished"], nanchi["declined"], nanchi["on_time"]) == (3, 1, 3)
    assert nanchi["reply_rate"] == pytest.approx(2 / 4)  # 50.0 %
    assert (nanchi["rated"], nanchi["satisfied"], nanchi["unsatisfied"]) == (1, 0, 1)
    assert nanchi["satisfaction_rate"] == 0.0  # 0 of 1: a real 0 %, not "—"
    assert (nanchi["overdue"], nanchi["carried"]) == (1, 0)
    assert (nanchi["mt_shuoshi"], nanchi["att_shuoshi"], nanchi["meeting_items"]) == (1, 40, 2)


def test_june_per_unit(june: Ledger) -> None:
    tally = tally_of(june, "2026-06")
    rows = {unit.name: unit.as_dict() for unit in tally.unit_rows()}
    # Units at the cut-off of the items raised in June; units sorted by name, then what the
    # community settled or declined itself, then what was never assigned.
    assert list(rows) == ["住建局", "市住建局", "扈师傅维修队", "（社区自办）", "（未交办）"]
    # 住建局: 6 (open), 9 (open), 12 (on time, 不满意) → 3 dispatched, 1 on time, 2 open;
    # 结案率 1/3, 按时结案率 1/3, 不满意率 1/1.
    assert rows["住建局"] == pytest.approx(
        {
            "unit": "住建局",
            "dispatched": 3,
            "unit_on_time": 1,
            "unit_late": 0,
            "unit_open": 2,
            "close_rate": 1 / 3,
            "close_on_time_rate": 1 / 3,
            "rated": 1,
            "unsatisfied": 1,
            "unsatisfied_rate": 1.0,
            # Cards at the cut-off (Tue 06-30): 6 (due 06-23) and 9 (due 06-25) are open and
            # at least one working day late → 红牌 each; no 黄牌.
            "yellow_cards": 0,
            "red_cards": 2,
            # No item raised in June repeats an earlier one: 0 of 3.
            "repeats": 0,
            "repeat_rate": 0.0,
        }
    )
    # 市住建局: 11 resolved late → 结案率 1/1, 按时结案率 0/1, no rating → 不满意率 "—" (None).
    assert rows["市住建局"]["unit_late"] == 1
    assert rows["市住建局"]["close_rate"] == 1.0
    assert rows["市住建局"]["close_on_time_rate"] == 0.0
    assert rows["市住建局"]["unsatisfied_rate"] is None
    # 扈师傅维修队: 5 (on time by its latest 办结) and 7 (backdated, on the due day) → 2 of 2.
    assert (rows["扈师傅维修队"]["unit_on_time"], rows["扈师傅维修队"]["unit_late"]) == (2, 0)
    assert rows["扈师傅维修队"]["unsatisfied_rate"] == 0.0  # rated 1 (item 5, 满意), 0 不满意
    assert (rows["市住建局"]["yellow_cards"], rows["市住建局"]["red_cards"]) == (0, 0)
    # Settled by the community itself: 4 (on the spot, 满意) and 8 (declined, no rating).
    own = rows["（社区自办）"]
    assert (own["dispatched"], own["unit_on_time"], own["unit_open"]) == (2, 2, 0)
    assert (own["rated"], own["unsatisfied"], own["unsatisfied_rate"]) == (1, 0, 0.0)
    # Never assigned and still open: 10.
    unassigned = rows["（未交办）"]
    assert (unassigned["dispatched"], unassigned["unit_on_time"], unassigned["unit_open"]) == (
        1,
        0,
        1,
    )
    total = tally.unit_total().as_dict()
    # 3 + 1 + 2 + 3 = 9 dispatched = 受理数; on time 1 + 0 + 2 + 2 = 5 = 按时办结数; late 1.
    assert (total["dispatched"], total["unit_on_time"], total["unit_late"], total["unit_open"]) == (
        9,
        5,
        1,
        3,
    )


def test_june_per_category(june: Ledger) -> None:
    tally = tally_of(june, "2026-06")
    rows = [category.as_dict(9) for category in tally.category_rows(coverage.Lookups(june))]
    # In the built-in order. 基础设施: 4 and 10 (item 4's edit to 环境卫生 is dated July).
    assert [(row["category"], row["raised"]) for row in rows] == [
        ("基础设施", 2),
        ("环境卫生", 1),  # 7
        ("物业管理", 1),  # 9
        ("绿化", 1),  # 11
        ("停车", 1),  # 5
        ("安全隐患", 1),  # 6
        ("治安", 1),  # 12
        ("政策咨询", 1),  # 8
    ]
    infrastructure = rows[0]
    assert infrastructure["share"] == pytest.approx(2 / 9)  # 22.2 %
    assert infrastructure["finished"] == 1  # 4 (10 is open)
    assert infrastructure["finish_rate"] == pytest.approx(1 / 2)


def test_june_items_and_overdue(june: Ledger) -> None:
    found = items_of(june, "2026-06")
    # Raised in June or carried in, in number order; 2 (finished in May), 13 (济阳街道) and
    # nothing raised in July.
    assert [(i.number, i.belongs) for i in found] == [
        (1, "carried"),
        (3, "carried"),
        *[(n, "raised") for n in range(4, 13)],
    ]
    overdue = [(i.number, i.level, i.workdays_overdue) for i in found if i.overdue]
    # 3: due 06-18, late 06-22…26, 29, 30 = 7 working days (06-19 is 端午) → 严重超期 (≥ 5).
    # 6: due 06-23, late 24, 25, 26, 29, 30 = 5 → 严重超期 (5 个工作日以上 includes 5).
    # 9: due 06-25, late 26, 29, 30 = 3 → 超期.
    assert overdue == [(3, "severe", 7), (6, "severe", 5), (9, "overdue", 3)]


def test_reopened_item_counts_by_its_latest_resolution(june: Ledger) -> None:
    item = next(i for i in items_of(june, "2026-06") if i.number == 5)
    # First 办结 06-08 was late (due 06-04); 不满意 on 06-10 set a new due date 06-15 (3 working
    # days); the latest 办结 06-12 is on time; the latest rating is 满意.
    assert item.state["due_on"] == "2026-06-15"
    assert item.state["reopen_count"] == 1
    assert (item.finished, item.on_time, item.replied, item.rating) == (
        True,
        True,
        True,
        "satisfied",
    )


def test_item_reopened_and_open_at_the_cutoff_is_not_finished(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_june(ledger, monkeypatch)
    # Item 5 as of 06-11 (a period cut off early by LEDGER_NOW): resolved 06-08, 不满意 06-10.
    monkeypatch.setenv("LEDGER_NOW", "2026-06-11T08:00:00")
    item = next(i for i in items_of(ledger, "2026-06") if i.number == 5)
    assert item.state["status"] == "assigned"
    assert (item.finished, item.replied, item.rating) == (False, False, "unsatisfied")


def test_backdated_resolution_counts_where_it_is_dated(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_june(ledger, monkeypatch)
    before = tally_of(ledger, "2026-06").total  # made on 1 July, before item 7 was typed in
    # Without item 7's resolution: finished 6 - 1 = 5, on time 5 - 1 = 4, overdue 2 + 1 = 3
    # (7 was due 06-15 and still open).
    assert (before.finished, before.on_time, before.overdue) == (5, 4, 3)
    phase_b(ledger, monkeypatch)
    after = tally_of(ledger, "2026-06").total
    assert (after.finished, after.on_time, after.overdue) == (6, 5, 2)


def test_declined_item(june: Ledger) -> None:
    item = next(i for i in items_of(june, "2026-06") if i.number == 8)
    # 不予办理 counts as 办结 (on time: 06-11 ≤ 06-15) and is shown separately.
    assert (item.finished, item.declined, item.on_time, item.replied, item.rating) == (
        True,
        True,
        True,
        True,
        None,
    )


def test_report_made_later_has_identical_figures(
    june: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    made_on_2_july = tally_of(june, "2026-06")
    rows_then = [
        (i.number, i.state, i.level, i.workdays_overdue) for i in items_of(june, "2026-06")
    ]
    phase_later(june, monkeypatch)  # July–August events, an edit, a move, a new item
    later = tally_of(june, "2026-06")
    assert later.total.as_dict() == made_on_2_july.total.as_dict()
    assert {k: v.as_dict() for k, v in later.communities.items()} == {
        k: v.as_dict() for k, v in made_on_2_july.communities.items()
    }
    assert [u.as_dict() for u in later.unit_rows()] == [
        u.as_dict() for u in made_on_2_july.unit_rows()
    ]
    assert later.meetings == made_on_2_july.meetings
    rows_later = [
        (i.number, i.state, i.level, i.workdays_overdue) for i in items_of(june, "2026-06")
    ]
    assert rows_later == rows_then
    # …while July's own report sees the new state: item 12 now belongs to 济阳街道, 14 is new.
    july = items_of(june, "2026-07")
    assert 14 in [i.number for i in july]
    assert 12 not in [
        i.number for i in items_of(june, "2026-06", "济阳街道")
    ]  # it was in 古槐 then


def test_month_with_no_items_shows_no_rates(june: Ledger) -> None:
    total = tally_of(june, "2026-03").total.as_dict()
    assert all(value == 0 for key, value in total.items() if not key.endswith("_rate"))
    # Every denominator is 0: the rates are None (the workbook writes "—"), never 0 % or 100 %.
    rates = {key: value for key, value in total.items() if key.endswith("_rate")}
    assert rates == {
        "finish_rate": None,
        "on_time_rate": None,
        "reply_rate": None,
        "satisfaction_rate": None,
        "response_rate": None,
        "solve_rate": None,
        "hotline_satisfaction_rate": None,
        "repeat_rate": None,
    }


def test_ranking_by_weighted_score(june: Ledger) -> None:
    period = coverage.parse_period("2026-06", None, None, june.now())
    lookups = coverage.Lookups(june)
    scopes = [s for s in coverage.scopes(june) if s.county == "任城区"]
    tallies = [(s, figures.compute(june, period, s, lookups).total) for s in scopes]
    standings = ranking.rank(june, tallies)
    # 古槐: 30 × 4/9 + 35 × 6/9 + 35 × 2/3 = (120 + 210 + 210) / 9 = 60.0 (weights sum to 100).
    first = standings[0]
    assert (first.scope.name, first.rank) == ("古槐街道", 1)
    assert first.score == pytest.approx(60.0)
    # 济阳: 1 item (13) < 5 → listed, not ranked.
    second = standings[1]
    assert (second.scope.name, second.rank, second.figures.raised) == ("济阳街道", None, 1)
    assert second.remark == "受理不足5件，不参与排名"


def test_score_leaves_out_a_rate_that_cannot_be_computed() -> None:
    counts = figures.Figures(raised=10, finished=8, replied=6)  # no ratings yet
    weight = {"reply_rate": 30, "finish_rate": 35, "satisfaction_rate": 35}
    # (30 × 0.6 + 35 × 0.8) / (30 + 35) × 100 = (18 + 28) / 65 × 100 = 70.77
    assert ranking.score(counts, weight) == pytest.approx(4600 / 65)


def test_equal_scores_share_a_rank(ledger: Ledger) -> None:
    scopes = [coverage.Scope(i, f"街道{i}", f"县/街道{i}", 1, "县", ()) for i in range(1, 4)]
    same = figures.Figures(raised=5, finished=5, replied=5, rated=5, satisfied=5)  # 100.0
    less = figures.Figures(raised=5, finished=4, replied=5, rated=5, satisfied=5)
    standings = ranking.rank(ledger, [(scopes[0], less), (scopes[1], same), (scopes[2], same)])
    assert [(s.scope.name, s.rank) for s in standings] == [("街道2", 1), ("街道3", 1), ("街道1", 3)]


def test_period_parsing() -> None:
    now = datetime(2026, 11, 26, 9, 0)
    june = coverage.parse_period("2026-06", None, None, now)
    assert (june.first.isoformat(), june.last.isoformat(), june.as_of) == (
        "2026-06-01",
        "2026-06-30",
        JUNE_CUTOFF,
    )
    assert (june.label, june.file_label, june.report_kind) == (
        "2026年6月",
        "2026年06月",
        "问题台账月报",
    )
    assert coverage.parse_period(None, None, None, now).label == "2026年10月"  # 上月 by default
    running = coverage.parse_period("本月", None, None, now)
    assert running.as_of == now and not running.complete
    year = coverage.parse_period(None, None, "2026", now)
    assert (year.label, year.file_label, year.months) == ("2026年", "2026年", 12)
    span = coverage.parse_period("2025-12", "2026-11", None, now)
    assert (span.label, span.months, span.report_kind) == (
        "2025年12月至2026年11月",
        12,
        "问题台账报表",
    )


@pytest.mark.parametrize(
    ("month", "to", "year", "message"),
    [
        ("2026-13", None, None, "无法识别的月份“2026-13”"),
        ("六月份", None, None, "无法识别的月份"),
        ("2027-01", None, None, "2027年1月尚未开始"),
        ("2026-06", "2026-05", None, "早于开始月份"),
        ("2026-06", None, "2026", "--year 不能与 --month"),
        (None, None, "26", "无法识别的年份"),
    ],
)
def test_bad_periods_are_refused(month: str, to: str, year: str, message: str) -> None:
    with pytest.raises(LedgerError, match=message):
        coverage.parse_period(month, to, year, datetime(2026, 11, 26, 9, 0))


def test_hotline_month_from_the_19th_to_the_18th(june: Ledger) -> None:
    june.set_setting("period_start_day", "19")
    period = coverage.parse_period("2026-06", None, None, june.now(), 19)
    assert (period.first, period.last) == (date(2026, 5, 19), date(2026, 6, 18))
    assert period.label == "2026年6月（5月19日至6月18日）"
    assert period.file_label == "2026年06月" and period.kind == "month"
    scope = coverage.scopes(june, "古槐街道")[0]
    total = figures.compute(june, period, scope, coverage.Lookups(june)).total
    # Raised 05-19 … 06-18 in 古槐: 1 (05-20), 2 and 3 (05-28), 4, 5, 6 (06-01), 12 (06-02),
    # 7 and 8 (06-10) → 9; 9, 10, 11 come later. Finished by 06-18: 1, 2, 4, 5, 7 (dated
    # 06-15), 8, 12 → 7. Replied: 2, 4, 5, 8, 12 → 5 (1 never, 7 in July). Rated: 4, 5 满意,
    # 12 不满意. Overdue: none (3 is due on 06-18 itself, 6 on 06-23).
    assert (total.raised, total.finished, total.replied) == (9, 7, 5)
    assert (total.rated, total.satisfied, total.overdue, total.carried) == (3, 2, 0, 0)
    previous = coverage.previous_period(period)
    assert (previous.first, previous.last) == (date(2026, 4, 19), date(2026, 5, 18))
    year = coverage.parse_period(None, None, "2026", june.now(), 19)
    assert (year.first, year.last, year.kind) == (date(2025, 12, 19), date(2026, 12, 18), "year")


def test_period_start_day_is_1_or_19(ledger: Ledger) -> None:
    with pytest.raises(LedgerError, match="只能是 1（自然月）或 19"):
        ledger.set_setting("period_start_day", "15")
