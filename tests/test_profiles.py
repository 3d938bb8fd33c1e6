"""Scoring profiles (考核口径): every figure of each profile counted by hand on one small ledger.

October 2026, 铁塔寺社区 (古槐街道), eight items raised on Mon 10-12, each ending differently:

    a  resolved, replied, 满意                    b  resolved, replied, 基本满意
    c  resolved, replied, 不满意, filed (--close)  d  resolved, replied, 不满意 → 重办, open
    e  不予办理, replied, 基本满意                  f  raised only (never 交办)
    g  assigned only                              h  resolved, replied, closed without a rating
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime

import pytest
from typer.testing import Result

from ledger.casework import actions
from ledger.store.ledger_file import Ledger
from ledger.views import coverage, figures, ranking

RAISED = date(2026, 10, 12)


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 10, day, hour)


def handled(ledger: Ledger, title: str) -> int:
    number = actions.add(ledger, title, community="铁塔寺社区", raised_on=RAISED).item["number"]
    actions.assign(ledger, number, "住建局", at=at(12, 11))
    return number


@pytest.fixture
def october(places: Ledger) -> Ledger:
    ledger = places
    for title, rating, close in (
        ("a", "满意", False),
        ("b", "基本满意", False),
        ("c", "不满意", True),
        ("d", "不满意", False),
    ):
        number = handled(ledger, title)
        actions.resolve(ledger, number, "已处理", at=at(13))
        actions.reply(ledger, number, "已告知", at=at(14))
        actions.rate(ledger, number, rating, close=close, at=at(15))
    e = handled(ledger, "e")
    actions.decline(ledger, e, "不属于社区职责", at=at(13))
    actions.reply(ledger, e, "已说明", at=at(14))
    actions.rate(ledger, e, "基本满意", at=at(15))
    actions.add(ledger, "f", community="铁塔寺社区", raised_on=RAISED)
    handled(ledger, "g")
    h = handled(ledger, "h")
    actions.resolve(ledger, h, "已处理", at=at(13))
    actions.reply(ledger, h, "已告知", at=at(14))
    actions.close(ledger, h, "联系不上居民", at=at(20))
    return ledger


def october_figures(ledger: Ledger) -> figures.Figures:
    period = coverage.parse_period("2026-10", None, None, ledger.now())
    scope = coverage.scopes(ledger, "古槐街道")[0]
    return figures.compute(ledger, period, scope, coverage.Lookups(ledger)).total


def test_standard_profile_by_hand(october: Ledger) -> None:
    figures = october_figures(october)
    # 回复 (已回复 or 已归档 at the cut-off): a, b, c, e, h → 5 of 8 (d went back to 办理中).
    assert (figures.raised, figures.replied) == (8, 5)
    # 办结 (incl. 不予办理): a, b, c, e, h → 5 (d was reopened, g is open).
    assert (figures.finished, figures.declined) == (5, 1)
    # 评价 a, b, c, d, e → 5; 满意 counts 基本满意 fully: a, b, e → 3.
    assert (figures.rated, figures.satisfied, figures.unsatisfied) == (5, 3, 2)
    assert ranking.profile(october).code == "standard"
    assert ranking.weights(october) == {
        "reply_rate": 30,
        "finish_rate": 35,
        "satisfaction_rate": 35,
    }
    # 30 × 5/8 + 35 × 5/8 + 35 × 3/5 = 18.75 + 21.875 + 21 = 61.625
    assert ranking.score(figures, ranking.weights(october)) == pytest.approx(61.625)


def test_12345_profile_by_hand(october: Ledger) -> None:
    october.set_setting("score_profile", "12345")
    figures = october_figures(october)
    # 已响应 = no longer 待分办: everything but f → 7 of 8.
    assert (figures.responded, figures.response_rate) == (7, pytest.approx(7 / 8))
    # 有效回访 = rated: a, b, c, d, e → 5. 已解决 = of those, 办结 by 办理: a, b, c → 3
    # (d is open again, e was 不予办理).
    assert (figures.rated, figures.solved) == (5, 3)
    assert figures.solve_rate == pytest.approx(3 / 5)
    # 满意率 = (满意 a + 0.9 × 基本满意 b, e) / 5 = (1 + 1.8) / 5 = 0.56
    assert (figures.fully_satisfied, figures.basically) == (1, 2)
    assert figures.hotline_satisfaction_rate == pytest.approx(0.56)
    assert ranking.weights(october) == {
        "response_rate": 10,
        "solve_rate": 50,
        "hotline_satisfaction_rate": 40,
    }
    # 10 × 7/8 + 50 × 3/5 + 40 × 0.56 = 8.75 + 30 + 22.4 = 61.15
    assert ranking.score(figures, ranking.weights(october)) == pytest.approx(61.15)


def test_weights_are_editable(october: Ledger) -> None:
    october.set_setting("score_profile", "热线")  # the Chinese alias is accepted
    assert october.setting("score_profile") == "12345"
    october.set_setting("weight_response", "0")
    figures = october_figures(october)
    # 响应率 no longer counts: (50 × 0.6 + 40 × 0.56) / 90 × 100 = 52.4 / 0.9 = 58.22…
    assert ranking.score(figures, ranking.weights(october)) == pytest.approx(5240 / 90)
    october.set_setting("score_profile", "标准")
    october.set_setting("weight_reply", "50")
    # (50 × 5/8 + 35 × 5/8 + 35 × 3/5) / 120 × 100 = (31.25 + 21.875 + 21) / 1.2 = 61.77…
    assert ranking.score(figures, ranking.weights(october)) == pytest.approx(74.125 / 1.2)


def test_notes_document_each_profile(october: Ledger) -> None:
    standard = ranking.score_note(october)
    assert "考核口径：标准" in standard
    assert "回复率×30% + 办结率×35% + 满意率×35%" in standard
    assert "（满意 + 基本满意）/ 评价数" in standard
    october.set_setting("score_profile", "12345")
    hotline = ranking.score_note(october)
    assert "考核口径：12345热线" in hotline
    assert "响应率×10% + 解决率×50% + 满意率×40%" in hotline
    assert "基本满意×0.9" in hotline and "有效回访数" in hotline


def test_config_choice_and_stats(
    october: Ledger, run: Callable[..., Result], tmp_path: object
) -> None:
    result = run("config", "set", "score_profile", "12345")
    assert result.exit_code == 0, result.stderr
    assert "12345" in result.stdout
    refused = run("config", "set", "score_profile", "综合")
    assert refused.exit_code == 1
    assert refused.stderr.startswith("错误: 未知的考核口径“综合”")
    data = json.loads(run("stats", "--month", "2026-10", "--json").stdout)
    assert data["profile"] == "12345"
    guhuai = next(s for s in data["subdistricts"] if s["subdistrict"] == "古槐街道")
    assert guhuai["score"] == pytest.approx(61.15)
    assert guhuai["figures"]["solve_rate"] == pytest.approx(0.6)
