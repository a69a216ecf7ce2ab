"""Aging rules: bucket edges, the bucket of an age, labels, and the pivot into rows."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ar_cli.domain.aging import (
    CREDIT_BUCKET,
    AgedSum,
    Basis,
    BucketEdges,
    GroupBy,
    Party,
    age_in_days,
    parse_choice,
    parse_edges,
    pivot,
    share,
    total_line,
)
from ar_cli.domain.errors import InputError


def test_default_edges_make_the_five_usual_buckets():
    edges = BucketEdges()
    assert edges.text() == "30,60,90,120" and edges.count == 5
    assert edges.labels() == ["0-30", "31-60", "61-90", "91-120", "121+"]
    assert [edges.key(i) for i in range(5)] == ["days_0_30", "days_31_60", "days_61_90", "days_91_120", "days_121_plus"]


@pytest.mark.parametrize(
    "age,bucket",
    [(-5, 0), (0, 0), (30, 0), (31, 1), (60, 1), (61, 2), (90, 2), (91, 3), (120, 3), (121, 4), (10_000, 4)],
)
def test_bucket_of_an_age(age, bucket):
    assert BucketEdges().index(age) == bucket


def test_any_count_of_edges():
    edges = parse_edges("30,60,90,120,180")
    assert edges.labels() == ["0-30", "31-60", "61-90", "91-120", "121-180", "181+"]
    assert parse_edges(" 45 ").labels() == ["0-45", "46+"]
    assert parse_edges("1,2").labels() == ["0-1", "2-2", "3+"]


@pytest.mark.parametrize(
    "text,message",
    [
        ("60,30", "--buckets: edges must be strictly increasing (60 is followed by 30)"),
        ("30,30,60", "--buckets: edges must be strictly increasing (30 is followed by 30)"),
        ("0,30", "--buckets: the first edge must be at least 1 day, not 0"),
        ("30,-60", "--buckets: '-60' is not a whole number of days (e.g. 30,60,90,120)"),
        ("30,6o", "--buckets: '6o' is not a whole number of days (e.g. 30,60,90,120)"),
        ("30.5", "--buckets: '30.5' is not a whole number of days (e.g. 30,60,90,120)"),
        ("30,,60", "--buckets: '30,,60' is not a list of days like 30,60,90,120"),
        ("", "--buckets: '' is not a list of days like 30,60,90,120"),
        (" ", "--buckets: ' ' is not a list of days like 30,60,90,120"),
    ],
)
def test_bad_edges_are_one_clear_line(text, message):
    with pytest.raises(InputError) as caught:
        parse_edges(text)
    assert str(caught.value) == message


def test_edges_value_refuses_what_parse_refuses():
    with pytest.raises(ValueError):
        BucketEdges((60, 30))
    with pytest.raises(ValueError):
        BucketEdges(())


@given(
    basis=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 1, 1)),
    as_of=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 1, 1)),
    edges=st.lists(st.integers(min_value=1, max_value=800), min_size=1, max_size=8, unique=True),
)
def test_cutoff_dates_put_every_date_in_the_bucket_of_its_age(basis, as_of, edges):
    """The database compares dates with these cut-offs; it must agree with the age rule."""
    bucket_edges = BucketEdges(tuple(sorted(edges)))
    by_cutoff = next((i for i, cut in enumerate(bucket_edges.cutoffs(as_of)) if basis >= cut), bucket_edges.count - 1)
    assert by_cutoff == bucket_edges.index(age_in_days(basis, as_of))


def test_buckets_wholly_over_90_days():
    assert BucketEdges().over(90) == [3, 4]
    assert parse_edges("30,60,90").over(90) == [3]
    assert parse_edges("45,100").over(90) == []  # a bucket would straddle 90 days


def test_pivot_keeps_credits_out_of_the_buckets():
    sums = [
        AgedSum(party=1, key=7, labels=("MCR01", "Medicare"), bucket=0, amount=10_000, count=2, over=0),
        AgedSum(party=1, key=7, labels=("MCR01", "Medicare"), bucket=4, amount=5_000, count=1, over=5_000),
        AgedSum(party=0, key=None, labels=(None, None), bucket=CREDIT_BUCKET, amount=-2_000, count=1, over=0),
        AgedSum(party=0, key=None, labels=(None, None), bucket=2, amount=3_000, count=1, over=0),
    ]
    medicare, patient = pivot(sums, 5)
    assert (medicare.amounts, medicare.counts, medicare.total, medicare.count, medicare.over) == (
        [10_000, 0, 0, 0, 5_000],
        [2, 0, 0, 0, 1],
        15_000,
        3,
        5_000,
    )
    assert (patient.amounts, patient.total, patient.credits, patient.credit_count) == (
        [0, 0, 3_000, 0, 0],
        3_000,
        -2_000,
        1,
    )
    total = total_line([medicare, patient], 5)
    assert (total.total, total.count, total.credits, total.credit_count, total.over) == (18_000, 4, -2_000, 1, 5_000)
    assert total.amounts == [10_000, 0, 3_000, 0, 5_000]


def test_share_of_nothing_is_none():
    assert share(1, 4) == 0.25 and share(0, 0) is None


@pytest.mark.parametrize(
    "enum,text,value",
    [
        (Basis, "last-payment", Basis.LAST_PAYMENT),
        (Basis, " Billed ", Basis.BILLED),
        (GroupBy, "financial-class", GroupBy.FINANCIAL_CLASS),
        (Party, "INSURANCE", Party.INSURANCE),
    ],
)
def test_choices(enum, text, value):
    assert parse_choice(enum, text, "--x") == value


def test_unknown_choice_names_the_choices():
    with pytest.raises(InputError) as caught:
        parse_choice(GroupBy, "doctor", "--by")
    assert str(caught.value) == "--by: 'doctor' is not one of payer, financial-class, patient, provider, claim"


def test_age_counts_days():
    assert age_in_days(date(2026, 6, 30) - timedelta(days=31), date(2026, 6, 30)) == 31
