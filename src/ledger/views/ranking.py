"""The one ranking: score profiles, weights, scores, the order of the communities and the reasons in words for the lowest."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ledger.domain.labels import SCORE_PROFILE
from ledger.domain.report_labels import REPORT_TEXT
from ledger.store.ledger_file import Ledger
from ledger.views.coverage import Scope
from ledger.views.figures import Figures

# --- ranking ------------------------------------------------------------------------------


@dataclass
class Standing:
    """A subdistrict in the county summary: its figures, weighted score and rank."""

    scope: Scope
    figures: Figures
    score: float | None  # 0–100
    rank: int | None  # None: listed but not ranked
    remark: str = ""


@dataclass(frozen=True)
class Profile:
    """A scoring profile (考核口径): which rates are weighed, and where their weights live."""

    code: str
    rates: tuple[tuple[str, str], ...]  # (rate attribute of Figures, weight setting)

    @property
    def label(self) -> str:
        return SCORE_PROFILE.label(self.code)


PROFILES = {
    "standard": Profile(
        "standard",
        (
            ("reply_rate", "weight_reply"),
            ("finish_rate", "weight_resolve"),
            ("satisfaction_rate", "weight_satisfaction"),
        ),
    ),
    "12345": Profile(
        "12345",
        (
            ("response_rate", "weight_response"),
            ("solve_rate", "weight_solve"),
            ("hotline_satisfaction_rate", "weight_hotline_satisfaction"),
        ),
    ),
}


def profile(ledger: Ledger) -> Profile:
    """The scoring profile chosen in ``ledger config`` (score_profile)."""
    return PROFILES[ledger.setting("score_profile")]


def weights(ledger: Ledger, chosen: Profile | None = None) -> dict[str, int]:
    """The profile's weights by rate (ledger settings; editable with ``ledger config set``)."""
    chosen = chosen or profile(ledger)
    return {rate: ledger.setting(setting) for rate, setting in chosen.rates}


def score(figures: Figures, weight: dict[str, int]) -> float | None:
    """Weighted mean of the weighed rates on a 0–100 scale.

    ``weight`` maps a rate of :class:`Figures` (reply_rate, …) to its weight. A rate that
    cannot be computed (no evaluations yet) is left out and the other weights are scaled up,
    rather than counted as 0 % or 100 %.
    """
    rates = {key: getattr(figures, key) for key in weight}
    used = {key: w for key, w in weight.items() if rates[key] is not None and w}
    if not used:
        return None
    return 100 * sum(rates[key] * w for key, w in used.items()) / sum(used.values())


def weak_points(figures: Figures, average: Figures, weight: dict[str, int]) -> list[str]:
    """Which weighed rates pulled a subdistrict down: those below the county's, in words.

    Largest loss of points first (weight × shortfall), e.g. "办结率 40.0%（全县 66.7%）".
    """
    found = []
    for key, w in weight.items():
        mine, theirs = getattr(figures, key), getattr(average, key)
        if mine is None or theirs is None or mine >= theirs or not w:
            continue
        found.append((w * (theirs - mine), f"{RATE_LABEL[key]} {mine:.1%}（全县 {theirs:.1%}）"))
    found.sort(key=lambda pair: -pair[0])
    return [text for _, text in found]


RATE_LABEL = {
    "reply_rate": "回复率",
    "finish_rate": "办结率",
    "satisfaction_rate": "满意率",
    "response_rate": "响应率",
    "solve_rate": "解决率",
    "hotline_satisfaction_rate": "满意率",
}


def rank(ledger: Ledger, tallies: Iterable[tuple[Scope, Figures]]) -> list[Standing]:
    """Rank subdistricts by weighted score; those with too few items are listed, unranked.

    Equal scores share a rank (1, 2, 2, 4). Ranked ones come first, best first; the rest
    follow in ledger order.
    """
    weight = weights(ledger)
    minimum = ledger.setting("rank_min_items")
    standings = [
        Standing(scope, figures, score(figures, weight), None) for scope, figures in tallies
    ]
    ranked = [s for s in standings if s.figures.raised >= minimum and s.score is not None]
    ranked.sort(key=lambda s: -round(s.score, 9))  # type: ignore[arg-type]
    for position, standing in enumerate(ranked):
        previous = ranked[position - 1] if position else None
        if previous and round(previous.score, 9) == round(standing.score, 9):  # type: ignore[arg-type]
            standing.rank = previous.rank
        else:
            standing.rank = position + 1
    unranked = [s for s in standings if s.rank is None]
    for standing in unranked:
        standing.remark = (
            REPORT_TEXT["not_ranked"].format(n=minimum)
            if standing.figures.raised < minimum
            else REPORT_TEXT["no_score"]
        )
    return ranked + unranked


def score_note(ledger: Ledger) -> str:
    """How the score is made under the chosen profile (and what the other one would do)."""
    chosen = profile(ledger)
    weight = weights(ledger, chosen)
    total = sum(weight.values()) or 1
    shares = {key: f"{round(100 * value / total, 1):g}" for key, value in weight.items()}
    formula = " + ".join(f"{RATE_LABEL[key]}×{shares[key]}%" for key in weight)
    text = REPORT_TEXT["score_note"].format(
        profile=chosen.label, formula=formula, n=ledger.setting("rank_min_items")
    )
    return text + REPORT_TEXT[f"profile_{chosen.code}"]
