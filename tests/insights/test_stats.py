"""NPS and shares with adjusted-Wald intervals (kiban.insights.stats)."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiban.insights import stats

counts = st.integers(min_value=0, max_value=100_000)


def test_nps_of_a_worked_example():
    # n = 100: 50 promoters, 30 passives, 20 detractors. n' = 103, p' = 50.75/103,
    # d' = 20.75/103, se = sqrt((p' + d' - (p' - d')²)/103): 29.13 ± 1.96 × 7.69.
    interval = stats.nps(50, 30, 20)

    assert interval.estimate == pytest.approx(30.0)
    assert interval.low == pytest.approx(14.05, abs=0.01)
    assert interval.high == pytest.approx(44.20, abs=0.01)
    assert interval.n == 100


def test_share_of_a_worked_example():
    # 7 of 10: n' = 13.84, p' = 8.92/13.84 = 0.6445, half = 1.96 × sqrt(p'(1-p')/n') = 0.2522.
    interval = stats.share(7, 10)

    assert interval.estimate == pytest.approx(70.0)
    assert interval.low == pytest.approx(39.23, abs=0.05)
    assert interval.high == pytest.approx(89.67, abs=0.05)


def test_no_answers_have_no_nps():
    assert stats.nps(0, 0, 0) is None
    assert stats.share(0, 0) is None


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        stats.nps(-1, 0, 0)


@given(counts, counts, counts)
def test_the_nps_interval_is_ordered_and_bounded(promoters, passives, detractors):
    interval = stats.nps(promoters, passives, detractors)

    if promoters + passives + detractors == 0:
        assert interval is None
    else:
        assert -100 <= interval.low <= interval.high <= 100
        assert -100 <= interval.estimate <= 100


@given(counts, counts, counts)
def test_swapping_promoters_and_detractors_mirrors_the_nps(promoters, passives, detractors):
    forward = stats.nps(promoters, passives, detractors)
    mirrored = stats.nps(detractors, passives, promoters)

    if forward is not None:
        assert mirrored.estimate == pytest.approx(-forward.estimate)
        assert mirrored.low == pytest.approx(-forward.high)
        assert mirrored.high == pytest.approx(-forward.low)


@given(st.integers(1, 50), st.integers(0, 50), st.integers(0, 50), st.integers(2, 20))
def test_more_answers_in_the_same_proportions_narrow_the_interval(p, q, d, factor):
    small = stats.nps(p, q, d)
    large = stats.nps(p * factor, q * factor, d * factor)

    assert large.high - large.low <= small.high - small.low + 1e-9


@given(st.integers(0, 10_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_a_share_interval_contains_its_adjusted_centre(pair):
    successes, n = pair
    interval = stats.share(successes, n)

    if n == 0:
        assert interval is None
    else:
        z2 = stats.Z95**2
        centre = 100 * (successes + z2 / 2) / (n + z2)
        assert 0 <= interval.low <= centre <= interval.high <= 100


@given(st.dictionaries(st.integers(0, 10), st.integers(0, 1000)))
def test_score_groups_count_every_answer_once(histogram):
    promoters, passives, detractors = stats.score_groups(histogram)

    assert promoters + passives + detractors == sum(histogram.values())


def test_small_counts_are_suppressed():
    assert stats.suppressed(9)
    assert not stats.suppressed(10)


def test_median_of_a_histogram_is_the_bound_of_its_middle_bucket():
    assert stats.histogram_median([60, 300, 600], [1, 5, 1]) == 300
    assert stats.histogram_median([60, 300], [0, 0]) is None
    assert math.isclose(stats.mean_score({10: 1, 0: 1}), 5.0)
