"""Statistics of satisfaction answers: NPS and shares with adjusted-Wald intervals.

Plain Python, no Django. Every function takes counts, never raw answers, so it works on
rollups. Small counts are the caller's concern: `suppressed` says when not to show a figure.

NPS (Net Promoter Score) from answers 0–10: promoters answer 9–10, detractors 0–6, and
NPS = 100 × (P − D) / n. Its 95% interval follows the adjusted-Wald method for NPS
(Rocks 2016, "Interval estimation for the Net Promoter Score", The American Statistician
70(4); the method Sauro and Lewis recommend):

    n' = n + 3,  p' = (P + ¾) / n',  d' = (D + ¾) / n'
    NPS' = p' − d',  var = p' + d' − (p' − d')²,  se = √(var / n')
    interval = 100 × (NPS' ± z·se), clipped to [−100, 100], z = 1.96

The point estimate shown is the plain NPS; the interval is centred on the adjusted NPS'.

A share (the satisfaction score: answers 7–10 among all answers) gets the adjusted-Wald
(Agresti–Coull) interval for a proportion:

    n' = n + z²,  p' = (x + z²/2) / n',  interval = p' ± z·√(p'(1 − p') / n'), in [0, 1]
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

Z95 = 1.959963984540054
#: Fewer answers than this are never shown as a precise figure.
SMALL_COUNT = 10
PROMOTER_MIN = 9
DETRACTOR_MAX = 6
SATISFIED_MIN = 7


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float
    n: int


def suppressed(n: int) -> bool:
    """Return whether a figure based on `n` answers or cases must not be shown precisely."""
    return n < SMALL_COUNT


def score_groups(histogram: Mapping[int, int]) -> tuple[int, int, int]:
    """Return (promoters, passives, detractors) of a histogram {answer 0–10: count}."""
    promoters = sum(c for s, c in histogram.items() if s >= PROMOTER_MIN)
    detractors = sum(c for s, c in histogram.items() if 0 <= s <= DETRACTOR_MAX)
    passives = sum(c for s, c in histogram.items() if DETRACTOR_MAX < s < PROMOTER_MIN)
    return promoters, passives, detractors


def nps(promoters: int, passives: int, detractors: int, z: float = Z95) -> Interval | None:
    """Return the NPS (−100…100) with its adjusted-Wald interval; None without answers."""
    if min(promoters, passives, detractors) < 0:
        raise ValueError("counts cannot be negative")
    n = promoters + passives + detractors
    if n == 0:
        return None
    n_adj = n + 3
    p_adj = (promoters + 0.75) / n_adj
    d_adj = (detractors + 0.75) / n_adj
    centre = p_adj - d_adj
    variance = max(p_adj + d_adj - centre * centre, 0.0)
    half = z * math.sqrt(variance / n_adj)
    return Interval(
        estimate=100.0 * (promoters - detractors) / n,
        low=max(-100.0, 100.0 * (centre - half)),
        high=min(100.0, 100.0 * (centre + half)),
        n=n,
    )


def share(successes: int, n: int, z: float = Z95) -> Interval | None:
    """Return successes/n as a percentage with its adjusted-Wald interval; None if n is 0."""
    if successes < 0 or n < successes:
        raise ValueError("need 0 <= successes <= n")
    if n == 0:
        return None
    z2 = z * z
    n_adj = n + z2
    p_adj = (successes + z2 / 2) / n_adj
    half = z * math.sqrt(p_adj * (1 - p_adj) / n_adj)
    return Interval(
        estimate=100.0 * successes / n,
        low=max(0.0, 100.0 * (p_adj - half)),
        high=min(100.0, 100.0 * (p_adj + half)),
        n=n,
    )


def mean_score(histogram: Mapping[int, int]) -> float | None:
    """Return the mean answer (0–10) of a histogram; None without answers."""
    n = sum(histogram.values())
    if n == 0:
        return None
    return sum(score * count for score, count in histogram.items()) / n


def ratio(part: float, whole: float) -> float | None:
    """Return 100 × part / whole, or None when whole is 0."""
    return None if not whole else 100.0 * part / whole


def histogram_median(bounds: Iterable[float], counts: Iterable[int]) -> float | None:
    """Return the upper bound of the bucket holding the median of a bucketed histogram.

    `bounds[i]` is the upper bound of bucket i (inclusive). None without observations.
    """
    bounds, counts = list(bounds), list(counts)
    total = sum(counts)
    if total == 0:
        return None
    seen = 0
    for bound, count in zip(bounds, counts, strict=True):
        seen += count
        if seen * 2 >= total:
            return bound
    return bounds[-1]
