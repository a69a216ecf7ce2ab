"""KPIs on the sample practice (SQLite and PostgreSQL): the numbers tie to the ledger,
and what --rows lists adds up to each KPI's numerator and denominator."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest

from ar_cli.domain.errors import InputError
from ar_cli.domain.money import cents_from_text
from ar_cli.reports.kpis import KpiQuery, kpi_report
from ar_cli.services.claims.charge_file import import_claims
from ar_cli.services.era.files import post_era_files
from conftest import POSTING, REPO

SAMPLE = REPO / "sample_data"
H1 = KpiQuery(start=date(2026, 1, 1), end=date(2026, 6, 30), rows=True)


@pytest.fixture
def sample(ledger, actor):
    import_claims(ledger, SAMPLE / "claims.csv", actor=actor, posting_date=POSTING)
    post_era_files(ledger, [SAMPLE / "eras"], actor=actor, posting_date=POSTING)
    return ledger


def test_first_half_of_2026_ties_to_the_ledger(sample):
    with sample.read() as session:
        result = kpi_report(session, H1)
    by_key = {k.key: k for k in result.kpis}
    # The charges imported and the claim payments of the eight remittances (README's tour).
    assert by_key["gross_collection_rate"].denominator == 7_602_900
    assert by_key["gross_collection_rate"].numerator == 1_742_490
    assert by_key["days_in_ar"].numerator == 3_801_555  # open AR = the aging total
    assert (by_key["denial_rate"].numerator, by_key["denial_rate"].denominator) == (12, 150)
    assert by_key["denial_rate"].value == Decimal("0.0800")
    assert by_key["first_pass_resolution_rate"].numerator == 138
    assert {k for k in by_key if k.startswith("days_to_payment:")} == {
        f"days_to_payment:{p}" for p in ("ACM01", "BFS01", "CRC01", "MCD01", "MCR01", "MGAP1", "UHP01")
    }


def test_rows_add_up_to_each_kpi(sample):
    with sample.read() as session:
        result = kpi_report(session, H1)
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    measures = {k.key: (k.numerator_measure.value, k.denominator_measure.value) for k in result.kpis}

    def parse(text: str, measure: str) -> int:
        return cents_from_text(text) if measure == "money" else int(text)

    for row in result.rows.rows:
        if row["note"].startswith("left out"):
            continue
        top, bottom = measures[row["kpi"]]
        sums[row["kpi"]][0] += parse(row["numerator"], top)
        sums[row["kpi"]][1] += parse(row["denominator"], bottom)
    for kpi in result.kpis:
        assert sums[kpi.key] == [kpi.numerator, kpi.denominator], kpi.key


def test_a_range_with_nothing_in_it_has_no_values(sample):
    with sample.read() as session:
        result = kpi_report(session, KpiQuery(start=date(2020, 1, 1), end=date(2020, 1, 31)))
    assert {k.key: k.value for k in result.kpis} == {
        "days_in_ar": None,
        "gross_collection_rate": None,
        "net_collection_rate": None,
        "denial_rate": None,
        "denial_rate_money": None,
        "first_pass_resolution_rate": None,
        "ar_over_90": None,
    }


def test_from_after_to_is_refused(sample):
    with sample.read() as session, pytest.raises(InputError, match="--from 2026-07-01 is after --to 2026-06-30"):
        kpi_report(session, KpiQuery(start=date(2026, 7, 1), end=date(2026, 6, 30)))
