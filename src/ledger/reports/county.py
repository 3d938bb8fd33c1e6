"""The county 通报: 红榜/黑榜, the ranking of the subdistricts by score, 热点问题, the
follow-up of last period's unfinished and 不满意 items, and their charts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ledger.domain.report_labels import REPORT_SHEET, REPORT_TEXT
from ledger.reports import layouts
from ledger.reports.item_rows import slim
from ledger.reports.notes import FOLLOWUP_NOTE, HOT_NOTE, info_line
from ledger.reports.writer import Book
from ledger.store.ledger_file import Ledger
from ledger.views import figures, followup, ranking
from ledger.views.asof import AsOfItem
from ledger.views.coverage import Lookups, Period, Scope
from ledger.views.figures import Figures, Tally
from ledger.views.ranking import Standing


def honor_rows(
    standings: list[Standing], size: int, weight: dict[str, int]
) -> list[dict[str, Any]]:
    """红榜 (the best ``size`` ranked) and 黑榜 (the worst ``size``, never overlapping).

    A 黑榜 entry says in words which weighed rates pulled it down (below the county's);
    a 红榜 entry says which rates led the county.
    """
    ranked = [s for s in standings if s.rank is not None]
    county = figures.Figures()
    for standing in standings:
        county.merge(standing.figures)
    size = min(size, len(ranked) // 2)  # the two boards never share a subdistrict
    top = ranked[:size]
    bottom = ranked[len(ranked) - size :][::-1] if size else []  # the lowest first
    rows = []
    for board, chosen in (("red_board", top), ("black_board", bottom)):
        for standing in chosen:
            if board == "black_board":
                weak = ranking.weak_points(standing.figures, county, weight)
                reason = "失分主要在：" + "；".join(weak) if weak else REPORT_TEXT["no_weak_point"]
            else:
                strong = ranking.weak_points(county, standing.figures, weight)
                reason = (
                    "领先全县：" + "；".join(_flip(text) for text in strong)
                    if strong
                    else REPORT_TEXT["no_strong_point"]
                )
            rows.append(
                {
                    "board": REPORT_TEXT[board],
                    "rank": standing.rank,
                    "subdistrict": standing.scope.name,
                    "raised": standing.figures.raised,
                    "score": standing.score,
                    "reasons": reason,
                }
            )
    return rows


def _flip(text: str) -> str:
    """weak_points(county, mine) words the county's figure first: put this one's first."""
    # "办结率 66.7%（全县 40.0%）" read from the county's side → "办结率 …" with the two swapped
    label, rest = text.split(" ", 1)
    theirs, mine = rest.rstrip("）").split("（全县 ")
    return f"{label} {mine}（全县 {theirs}）"


def hot_rows(
    current: dict[str, int],
    previous: dict[str, int],
    by_subdistrict: dict[str, Counter[str]],
    labels: dict[str, str],
    size: int,
) -> list[dict[str, Any]]:
    """The ``size`` categories raised most this period, with share and change on last period."""
    total = sum(current.values())
    order = {code: position for position, code in enumerate(labels)}
    codes = sorted(
        (code for code, count in current.items() if count),
        key=lambda code: (-current[code], order.get(code, len(order)), code),
    )[:size]
    rows = []
    for position, code in enumerate(codes, start=1):
        before = previous.get(code, 0)
        where = by_subdistrict.get(code, Counter()).most_common(2)
        rows.append(
            {
                "hot_rank": position,
                "category": labels.get(code, code),
                "raised": current[code],
                "share": figures.ratio(current[code], total),
                "previous": before,
                "change": current[code] - before,
                "change_rate": figures.ratio(current[code] - before, before),
                "top_subdistrict": "、".join(f"{name} {count} 件" for name, count in where),
            }
        )
    return rows


def county_book(
    ledger: Ledger,
    period: Period,
    county: str,
    standings: list[Standing],
    path: Path,
    extra: CountyExtra,
) -> Path:
    """The county 通报: 红黑榜, the ranking by score, 热点问题, 上期跟踪, and their charts."""
    book = Book(path)
    info = info_line(ledger, period, county)
    head = f"{county} {period.label}"
    chosen = ranking.profile(ledger)
    weight = ranking.weights(ledger, chosen)
    note = ranking.score_note(ledger)
    names = {"subdistrict": [standing.scope.name for standing in standings]}

    honor = book.sheet(layouts.HONOR, f"{head} 红榜、黑榜", info, names, note)
    size = ledger.setting("board_size")
    for row in honor_rows(standings, size, weight):
        honor.row(row)

    layout = layouts.RANKINGS[chosen.code]
    sheet = book.sheet(
        layout,
        f"{head} {period.report_kind}{REPORT_TEXT['summary_kind']}（街道排名）",
        info,
        names,
        note,
    )
    total = Figures()
    for standing in standings:
        total.merge(standing.figures)
        sheet.row(
            {
                "rank": standing.rank,
                "subdistrict": standing.scope.name,
                **standing.figures.as_dict(),
                "visits": standing.figures.rated,
                "fully_satisfied": standing.figures.fully_satisfied,
                "score": standing.score,
                "remark": standing.remark,
            }
        )
    sheet.row(
        {
            "rank": None,
            "subdistrict": REPORT_TEXT["total"],
            **total.as_dict(),
            "visits": total.rated,
            "fully_satisfied": total.fully_satisfied,
            "score": None,
        },
        total=True,
    )

    hot = book.sheet(
        layouts.HOT,
        f"{head} {REPORT_SHEET['hot']}",
        info,
        {"category": list(extra.labels.values())},
        HOT_NOTE,
    )
    hot_list = hot_rows(extra.categories, extra.previous, extra.where, extra.labels, size * 2)
    for row in hot_list:
        hot.row(row)

    follow = book.sheet(
        layouts.FOLLOWUP,
        f"{head} 上期未办结和不满意问题跟踪",
        info,
        {"subdistrict": [*names["subdistrict"], REPORT_TEXT["total"]]},
        FOLLOWUP_NOTE,
    )
    follow_total = followup.Followup()
    for standing in standings:
        found = extra.followups.get(standing.scope.id, followup.Followup())
        follow_total.merge(found)
        follow.row({"subdistrict": standing.scope.name, **found.as_dict()})
    total_row = follow_total.as_dict()
    total_row["still_numbers"] = ""
    follow.row({"subdistrict": REPORT_TEXT["total"], **total_row}, total=True)

    ranked = sum(1 for standing in standings if standing.rank is not None)
    charts = []
    if ranked:
        best = max(standing.score or 0 for standing in standings)
        charts.append(
            sheet.bar_chart(REPORT_TEXT["score_chart"], "subdistrict", ["score"], ranked, best)
        )
    if hot_list:
        charts.append(
            hot.bar_chart(
                REPORT_TEXT["hot_chart"],
                "category",
                ["raised", "previous"],
                len(hot_list),
                max(max(row["raised"], row["previous"]) for row in hot_list),
            )
        )
    if charts:
        for chart in charts:
            chart.height = 7.5
        book.chart_sheet(REPORT_SHEET["chart"], f"{head} {REPORT_SHEET['chart']}", charts)
    order = [layout.title for layout in layouts.COUNTY_BOOK]
    return book.save([*order, REPORT_SHEET["chart"]])


@dataclass
class CountyExtra:
    """What the county 通报 needs besides the standings."""

    labels: dict[str, str]  # category code → label, in list order
    categories: Counter[str]  # this period's items by category, over the county
    previous: Counter[str]  # the period before
    where: dict[str, Counter[str]]  # category → subdistrict name → items this period
    followups: dict[int, followup.Followup]  # by subdistrict id


def county_extra(
    ledger: Ledger,
    period: Period,
    members: list[Scope],
    lookups: Lookups,
    known: dict[int, tuple[Tally, dict[int, AsOfItem]]] | None = None,
) -> tuple[dict[int, Figures], CountyExtra]:
    """This and last period's figures of every subdistrict of a county, for its 通报.

    ``known``: the tallies (and carried items) already computed for the subdistricts'
    own workbooks, so that none is computed twice.
    """
    totals: dict[int, Figures] = {}
    extra = CountyExtra(lookups.categories, Counter(), Counter(), {}, {})
    for scope in members:
        if known is not None and scope.id in known:
            tally, current = known[scope.id]
        else:
            current = {}

            def keep(item: AsOfItem, current: dict[int, AsOfItem] = current) -> None:
                if item.belongs == "carried":
                    current[item.id] = slim(item)

            tally = figures.compute(ledger, period, scope, lookups, on_item=keep)
        totals[scope.id] = tally.total
        for code, category in tally.categories.items():
            extra.categories[code] += category.raised
            extra.where.setdefault(code, Counter())[scope.name] += category.raised
        found, before = followup.followup(ledger, period, scope, lookups, current)
        extra.followups[scope.id] = found
        for code, category in before.categories.items():
            extra.previous[code] += category.raised
    return totals, extra
